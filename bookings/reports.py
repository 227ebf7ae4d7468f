"""The entitlement report (SPEC 3.10): per week of the team's zone, learners served, minutes booked
and held, no-shows and the share of the learners' weekly entitlement they used. Aggregated in SQL."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import TruncWeek

from reports.api import _report_view
from reports.period import Period
from reports.shift_figures import week_of
from shifts.models import Team

from .models import Booking

LIVE = ~Q(status=Booking.Status.CANCELLED)


def _minutes(value: dt.timedelta | None) -> int:
    return int(value.total_seconds() // 60) if value else 0


def _pct(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def sessions_report(*, team: Team, period: Period) -> dict:
    length = ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField())
    rows_by_week = {
        row["week"].date() if isinstance(row["week"], dt.datetime) else row["week"]: row
        for row in Booking.objects.filter(
            team=team, starts_at__gte=period.start_at, starts_at__lt=period.end_at
        )
        .annotate(week=TruncWeek("starts_at", tzinfo=period.tz))
        .values("week")
        .annotate(
            learners=Count("learner_key", distinct=True, filter=LIVE),
            booked=Count("pk", filter=LIVE),
            minutes_booked=Sum(length, filter=LIVE),
            held=Count("pk", filter=Q(status=Booking.Status.HELD)),
            minutes_held=Sum("minutes", filter=Q(status=Booking.Status.HELD)),
            no_shows=Count("pk", filter=Q(status=Booking.Status.NO_SHOW)),
            cancelled=Count("pk", filter=Q(status=Booking.Status.CANCELLED)),
        )
        .order_by()
    }
    allowance = team.session_minutes_per_week
    rows = []
    day = week_of(period.start)
    while day <= period.end:
        row = rows_by_week.get(day, {})
        learners = row.get("learners") or 0
        booked_minutes = _minutes(row.get("minutes_booked"))
        entitlement = learners * allowance
        rows.append(
            {
                "week": day.isoformat(),
                "iso_week": "{}-W{:02d}".format(*day.isocalendar()[:2]),
                "learners": learners,
                "sessions": row.get("booked") or 0,
                "minutes_booked": booked_minutes,
                "held": row.get("held") or 0,
                "minutes_held": row.get("minutes_held") or 0,
                "no_shows": row.get("no_shows") or 0,
                "cancelled": row.get("cancelled") or 0,
                "entitlement_minutes": entitlement,
                "entitlement_used_percent": _pct(booked_minutes, entitlement),
            }
        )
        day += dt.timedelta(days=7)
    total_entitlement = sum(r["entitlement_minutes"] for r in rows)
    total_booked = sum(r["minutes_booked"] for r in rows)
    return {
        "report": "sessions",
        "team": team.slug,
        "period": period.as_dict(),
        "session_minutes_per_week": allowance,
        "summary": {
            "learner_weeks": sum(r["learners"] for r in rows),
            "sessions": sum(r["sessions"] for r in rows),
            "minutes_booked": total_booked,
            "minutes_held": sum(r["minutes_held"] for r in rows),
            "held": sum(r["held"] for r in rows),
            "no_shows": sum(r["no_shows"] for r in rows),
            "entitlement_used_percent": _pct(total_booked, total_entitlement),
        },
        "rows": rows,
    }


SessionsReportView = _report_view(
    "sessions", sessions_report, "One-to-one sessions: entitlement use per week"
)
