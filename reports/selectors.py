"""Report reads (SPEC 3.8). Counts, sums and percentiles come from the database.

Each function takes keyword arguments only and returns plain JSON-ready data: a `rows` list (one row per
member, week, topic or team, which is also the CSV) and a `summary`. Business-time figures (coverage hours
of a shift, business minutes to first response) need the team's calendar, so they walk the relevant
(timestamp) columns once with one `BusinessCalendar` per team; everything else is SQL aggregation.
"""

from __future__ import annotations

import datetime as dt
import statistics
import zoneinfo
from collections import defaultdict

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from inquiries.models import EffortLog, Event, Inquiry, Message
from rollups.figures import Figures
from rollups.minutes import SINGLE_VALUED
from rollups.selectors import (
    PeriodDays,
    StaleDays,
    minute_slices,
    period_days,
    period_effort_minutes,
    period_member_figures,
    period_received,
    period_topics,
)
from shifts.business_time import BusinessCalendar
from shifts.models import Absence, Member, Rotation, Team
from shifts.selectors import on_primary_shift

from .period import Period
from .shift_figures import role_figures, shift_figures, week_of
from .stats import (
    PercentileCont,
    bucket_percentiles,
    percentile,
    response_minutes_expression,
    rounded,
    sql_percentiles,
)

HOURS_PER_WEEK = 40
AUTOMATION_THRESHOLD = 4  # a topic recurring this often in the period is worth a screencast or FAQ
SCREENCAST_MINUTES = 30  # average effort per inquiry at or above which a screencast pays off
OVERLOAD_FACTOR = 1.5  # a team's load above 1.5x the median of the others is "well above"
STALE_RETRIES = 3  # reads of a period whose stored days keep being recomputed, then the raw report


def _in_period(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.start_at, f"{field}__lt": period.end_at})


def _pct(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _members(team: Team, extra_ids: set[int]) -> list[Member]:
    """Active members, plus anyone (since deactivated) who has figures in the period."""
    return list(
        Member.objects.filter(Q(team=team) & (Q(is_active=True) | Q(pk__in=extra_ids)))
        .select_related("user")
        .order_by("user__username")
    )


# -- load balance --------------------------------------------------------------------------------------


def _first_reply_authors(team: Team, period: Period) -> dict[int, int]:
    """user id -> inquiries whose response (first public reply) they wrote in the period."""
    first_author = Subquery(
        Message.objects.filter(inquiry=OuterRef("pk"), kind=Message.Kind.REPLY)
        .order_by("created_at", "id")
        .values("author")[:1]
    )
    rows = (
        Inquiry.objects.filter(_in_period("responded_at", period), team=team)
        .annotate(first_author=first_author)
        .values("first_author")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["first_author"]: row["n"] for row in rows if row["first_author"] is not None}


def _resolvers(team: Team, period: Period) -> dict[int, int]:
    rows = (
        Event.objects.filter(_in_period("created_at", period), inquiry__team=team, kind=Event.Kind.RESOLVED)
        .exclude(actor=None)
        .values("actor")
        .annotate(n=Count("inquiry", distinct=True))
        .order_by()
    )
    return {row["actor"]: row["n"] for row in rows}


def _effort(team: Team, period: Period) -> dict[int, dict]:
    """member id -> minutes logged, and the part logged while they were not on a primary shift."""
    # Shifts last at most 28 days (the rotation's limit): the lower bound turns the probe into a short
    # range scan of shift_member_start instead of every earlier shift of the member (0.5 s -> ms a year).
    on_shift = on_primary_shift(member="member", at="created_at")
    rows = (
        EffortLog.objects.filter(_in_period("created_at", period), member__team=team)
        .annotate(on_shift=on_shift)
        .values("member")
        .annotate(total=Sum("minutes"), outside=Sum("minutes", filter=Q(on_shift=False)))
        .order_by()
    )
    return {row["member"]: {"total": row["total"] or 0, "outside": row["outside"] or 0} for row in rows}


def _session_minutes(team: Team, period: Period) -> dict[int, dict]:
    """member id -> minutes of one-to-one sessions held (SPEC 3.10), and the part outside their own
    primary shifts: held sessions are direct support, counted like logged effort."""
    from bookings.models import Booking

    on_shift = on_primary_shift(member="host", at="starts_at")
    rows = (
        Booking.objects.filter(_in_period("starts_at", period), team=team, status=Booking.Status.HELD)
        .annotate(on_shift=on_shift)
        .values("host")
        .annotate(total=Sum("minutes"), outside=Sum("minutes", filter=Q(on_shift=False)))
        .order_by()
    )
    return {row["host"]: {"total": row["total"] or 0, "outside": row["outside"] or 0} for row in rows}


def load_balance(*, team: Team, period: Period, now: dt.datetime | None = None) -> dict:
    """The same report as `load_balance_raw`, with what members did on inquiries (responses written,
    inquiries resolved, effort in and outside their primary shifts) added up from daily rollups (stored
    days where current, raw rows for the rest); shifts and sessions, which are few, are read as they are."""
    done = period_member_figures(team=team, first=period.start, last=period.end, now=now or timezone.now())
    effort = {
        member_id: {"total": total, "outside": outside} for member_id, (total, outside) in done.effort.items()
    }
    return _load_report(
        team=team,
        period=period,
        responded=done.responded,
        resolved=done.resolved_counts(),
        effort=effort,
    )


def load_balance_raw(*, team: Team, period: Period) -> dict:
    """Per member: shifts and hours served against the fair share, work done, share on direct support.

    Direct support = coverage hours served as Primary + effort logged (and one-to-one sessions held)
    outside one's own primary shifts (effort during a shift is already inside those hours). Its share of
    the member's time is that over percent-time x 40 h/week x weeks, compared with the team's support
    budget.
    """
    return _load_report(
        team=team,
        period=period,
        responded=_first_reply_authors(team, period),
        resolved=_resolvers(team, period),
        effort=_effort(team, period),
    )


def _load_report(*, team: Team, period: Period, responded: dict, resolved: dict, effort: dict) -> dict:
    calendar = BusinessCalendar.for_team(team)
    roles = role_figures(team=team, period=period, calendar=calendar)
    shifts, secondary = roles[Rotation.Role.PRIMARY], roles[Rotation.Role.SECONDARY]
    sessions = _session_minutes(team, period)
    for member_id, held in sessions.items():
        minutes = effort.setdefault(member_id, {"total": 0, "outside": 0})
        minutes["total"] += held["total"]
        minutes["outside"] += held["outside"]
    members = _members(team, set(shifts.shifts) | set(secondary.shifts) | set(effort))
    budget = team.support_budget_percent
    rows = []
    for member in members:
        served = shifts.shifts.get(member.pk, 0)
        # Fair share and deviation exactly as the scheduler's ledger keeps them (shifts.fairness).
        expected = shifts.ledger.expected.get(member.pk, 0.0)
        deviation = shifts.ledger.deviation(member.pk)
        minutes = effort.get(member.pk, {"total": 0, "outside": 0})
        primary_hours = shifts.coverage_hours.get(member.pk, 0.0)
        direct_hours = primary_hours + minutes["outside"] / 60
        available_hours = member.percent_time / 100 * HOURS_PER_WEEK * period.weeks
        share = _pct(direct_hours, available_hours)
        secondary_served = secondary.shifts.get(member.pk, 0)
        oncall_hours = shifts.calendar_hours.get(member.pk, 0.0) + secondary.calendar_hours.get(
            member.pk, 0.0
        )
        rows.append(
            {
                "member_id": member.pk,
                "username": member.user.username,
                "name": member.display_name,
                "role": member.role,
                "percent_time": member.percent_time,
                "primary_shifts": served,
                "primary_hours": round(primary_hours, 2),
                "shift_calendar_hours": round(shifts.calendar_hours.get(member.pk, 0.0), 2),
                "fair_share": round(expected, 2),
                "deviation": round(deviation, 2),
                "secondary_shifts": secondary_served,
                "secondary_fair_share": round(secondary.ledger.expected.get(member.pk, 0.0), 2),
                "secondary_deviation": round(secondary.ledger.deviation(member.pk), 2),
                "oncall_shifts": served + secondary_served,
                "oncall_calendar_hours": round(oncall_hours, 2),
                "responded": responded.get(member.user_id, 0),
                "resolved": resolved.get(member.user_id, 0),
                "effort_hours": round(minutes["total"] / 60, 2),
                "effort_outside_shifts_hours": round(minutes["outside"] / 60, 2),
                "sessions_held_hours": round(sessions.get(member.pk, {"total": 0})["total"] / 60, 2),
                "direct_support_hours": round(direct_hours, 2),
                "available_hours": round(available_hours, 2),
                "support_share_percent": share,
                "over_budget": share is not None and share > budget,
            }
        )
    return {
        "report": "load",
        "team": team.slug,
        "period": period.as_dict(),
        "support_budget_percent": budget,
        "summary": {
            "primary_shifts": shifts.total_shifts,
            "primary_hours": round(shifts.total_coverage_hours, 2),
            "over_budget": [row["username"] for row in rows if row["over_budget"]],
            "max_abs_deviation": max((abs(row["deviation"]) for row in rows), default=0),
            "secondary_shifts": secondary.total_shifts,
            "max_abs_secondary_deviation": max((abs(row["secondary_deviation"]) for row in rows), default=0),
        },
        "rows": rows,
    }


# -- response times ------------------------------------------------------------------------------------


def _attainment_aggregates(now: dt.datetime) -> dict:
    responded = Q(responded_at__isnull=False)
    figures = {
        "received": Count("pk"),
        "responded": Count("pk", filter=responded),
        "within_target": Count("pk", filter=responded & Q(responded_at__lte=F("response_due_at"))),
        "within_guarantee": Count("pk", filter=responded & Q(responded_at__lte=F("response_guarantee_at"))),
        # Not responded yet but still inside the target (or guarantee): neither met nor missed yet.
        "pending_target": Count("pk", filter=Q(responded_at__isnull=True, response_due_at__gt=now)),
        "pending_guarantee": Count("pk", filter=Q(responded_at__isnull=True, response_guarantee_at__gt=now)),
        # Resolution target (SPEC 3.1/3.5): decided once resolved, or once the deadline passed while open.
        "with_resolution_target": Count("pk", filter=Q(resolution_due_at__isnull=False)),
        "resolved_within_target": Count(
            "pk", filter=Q(resolved_at__isnull=False, resolved_at__lte=F("resolution_due_at"))
        ),
        "pending_resolution": Count(
            "pk",
            filter=Q(resolved_at__isnull=True, resolution_due_at__gt=now)
            | Q(resolved_at__isnull=True, resolution_due_at__isnull=False, status="waiting"),
        ),
    }
    if sql_percentiles():
        minutes = response_minutes_expression()
        figures["calendar_median"] = PercentileCont(minutes, fraction=0.5, filter=responded)
        figures["calendar_p90"] = PercentileCont(minutes, fraction=0.9, filter=responded)
    return figures


def _attainment_row(values: dict, business: list[float], calendar: list[float]) -> dict:
    decided_target = values["received"] - values["pending_target"]
    decided_guarantee = values["received"] - values["pending_guarantee"]
    if not sql_percentiles():
        values["calendar_median"] = percentile(calendar, 0.5)
        values["calendar_p90"] = percentile(calendar, 0.9)
    return {
        "received": values["received"],
        "responded": values["responded"],
        "within_target": values["within_target"],
        "within_target_percent": _pct(values["within_target"], decided_target),
        "within_guarantee": values["within_guarantee"],
        "within_guarantee_percent": _pct(values["within_guarantee"], decided_guarantee),
        "pending": values["pending_target"],
        "median_business_minutes": rounded(percentile(business, 0.5)),
        "p90_business_minutes": rounded(percentile(business, 0.9)),
        "median_calendar_minutes": rounded(values["calendar_median"]),
        "p90_calendar_minutes": rounded(values["calendar_p90"]),
        "resolved_within_target": values["resolved_within_target"],
        "resolved_within_target_percent": _pct(
            values["resolved_within_target"], values["with_resolution_target"] - values["pending_resolution"]
        ),
    }


def response_times_raw(*, team: Team, period: Period, now: dt.datetime | None = None) -> dict:
    """Attainment of the response target and guarantee, and time to first response, overall and by week.

    "% within" counts only inquiries whose outcome is known (responded, or past the deadline unanswered).
    Weeks are ISO weeks (Monday) in the team's time zone, by the day the inquiry was received.
    """
    now = now or timezone.now()
    base = Inquiry.objects.filter(_in_period("received_at", period), team=team)
    aggregates = _attainment_aggregates(now)
    overall = base.aggregate(**aggregates)
    weekly = (
        base.annotate(week=TruncWeek("received_at", tzinfo=period.tz))
        .values("week")
        .annotate(**aggregates)
        .order_by("week")
    )
    calendar = BusinessCalendar.for_team(team)
    business_by_week: dict[dt.date, list[float]] = defaultdict(list)
    calendar_by_week: dict[dt.date, list[float]] = defaultdict(list)
    for received_at, responded_at in base.filter(responded_at__isnull=False).values_list(
        "received_at", "responded_at"
    ):
        week = week_of(received_at.astimezone(period.tz).date())
        business_by_week[week].append(calendar.minutes_between(received_at, responded_at))
        calendar_by_week[week].append((responded_at - received_at) / dt.timedelta(minutes=1))
    for lists in (business_by_week, calendar_by_week):
        for values in lists.values():
            values.sort()
    rows = []
    for values in weekly:
        week = values.pop("week")
        week = week.astimezone(period.tz).date() if isinstance(week, dt.datetime) else week
        rows.append(
            {
                "week": week.isoformat(),
                "iso_week": "{}-W{:02d}".format(*week.isocalendar()[:2]),
                **_attainment_row(values, business_by_week[week], calendar_by_week[week]),
            }
        )
    return {
        "report": "response-times",
        "team": team.slug,
        "period": period.as_dict(),
        "response_target_minutes": team.response_target_minutes,
        "response_guarantee_minutes": team.response_guarantee_minutes,
        "resolution_target_minutes": team.resolution_target_minutes,
        "summary": _attainment_row(
            overall,
            sorted(v for values in business_by_week.values() for v in values),
            sorted(v for values in calendar_by_week.values() for v in values),
        ),
        "rows": rows,
        "by_channel": _by_channel(base),
    }


def _by_channel(base) -> list[dict]:
    """Inquiries received per channel (web, email, GitHub, alerts, …), with how many met the target."""
    labels = dict(Inquiry.Channel.choices)
    responded = Q(responded_at__isnull=False)
    counts = (
        base.values("channel")
        .annotate(
            received=Count("pk"),
            responded=Count("pk", filter=responded),
            within_target=Count("pk", filter=responded & Q(responded_at__lte=F("response_due_at"))),
        )
        .order_by("-received", "channel")
    )
    return [{**row, "label": labels.get(row["channel"], row["channel"])} for row in counts]


# -- support cost --------------------------------------------------------------------------------------


def support_cost(*, team: Team, period: Period, now: dt.datetime | None = None) -> dict:
    """Primary coverage hours served / team capacity (sum of percent-time x 40 h/week x weeks); the
    effort logged in the period from the daily member rollups (stored days where current, raw rows for
    the rest)."""
    now = now or timezone.now()
    effort = period_effort_minutes(team=team, first=period.start, last=period.end, now=now)
    return _cost_report(team=team, period=period, now=now, effort_minutes=effort)


def support_cost_raw(*, team: Team, period: Period, now: dt.datetime | None = None) -> dict:
    """`support_cost` with the period's effort summed from the raw effort logs."""
    effort_minutes = (
        EffortLog.objects.filter(_in_period("created_at", period), member__team=team).aggregate(
            total=Sum("minutes")
        )["total"]
        or 0
    )
    return _cost_report(team=team, period=period, now=now or timezone.now(), effort_minutes=effort_minutes)


def _cost_report(*, team: Team, period: Period, now: dt.datetime, effort_minutes: int) -> dict:
    calendar = BusinessCalendar.for_team(team)
    shifts = shift_figures(team=team, period=period, calendar=calendar)
    team_figures = Member.objects.filter(team=team, is_active=True).aggregate(
        pct=Sum("percent_time"), members=Count("pk")
    )
    fte = (team_figures["pct"] or 0) / 100
    weekly_capacity = fte * HOURS_PER_WEEK
    capacity = weekly_capacity * period.weeks
    coverage_hours = calendar.minutes_between(period.start_at, period.end_at) / 60
    rows = []
    day = week_of(period.start)
    zone = zoneinfo.ZoneInfo(team.timezone)
    while day <= period.end:
        # Capacity of the part of this week inside the period, and only up to now: the week under way is
        # compared with the hours served so far, not with a whole week's capacity.
        first, last = max(day, period.start), min(day + dt.timedelta(days=6), period.end)
        start_at = dt.datetime.combine(first, dt.time(), tzinfo=zone)
        end_at = min(dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=zone), now)
        days = max((end_at - start_at).total_seconds(), 0) / 86400
        week_capacity = weekly_capacity * days / 7
        hours = shifts.weekly_coverage_hours.get(day, 0.0)
        partial = end_at < dt.datetime.combine(day + dt.timedelta(days=7), dt.time(), tzinfo=zone)
        rows.append(
            {
                "week": day.isoformat(),
                "iso_week": "{}-W{:02d}".format(*day.isocalendar()[:2]),
                "partial": partial,
                "primary_hours": round(hours, 2),
                "capacity_hours": round(week_capacity, 2),
                "cost_percent": _pct(hours, week_capacity),
            }
        )
        day += dt.timedelta(days=7)
    return {
        "report": "cost",
        "team": team.slug,
        "period": period.as_dict(),
        "summary": {
            "members": team_figures["members"],
            "fte": round(fte, 2),
            "primary_shifts": shifts.total_shifts,
            "primary_hours": round(shifts.total_coverage_hours, 2),
            "coverage_hours": round(coverage_hours, 2),
            "capacity_hours": round(capacity, 2),
            "cost_percent": _pct(shifts.total_coverage_hours, capacity),
            "coverage_cost_percent": _pct(coverage_hours, capacity),
            "effort_hours": round(effort_minutes / 60, 2),
            "effort_percent": _pct(effort_minutes / 60, capacity),
            "support_budget_percent": team.support_budget_percent,
        },
        "rows": rows,
    }


# -- recurring topics ----------------------------------------------------------------------------------


def recurring_topics_raw(*, team: Team, period: Period) -> dict:
    """Topics of the inquiries received in the period, by count and by effort logged on them."""
    base = Inquiry.objects.filter(_in_period("received_at", period), team=team)
    counts = (
        base.values("topic_id", "topic__name")
        .annotate(
            count=Count("pk"),
            resolved=Count("pk", filter=Q(status=Inquiry.Status.RESOLVED)),
            documentation=Count(
                "pk", filter=Q(resolution_kind__in=["answered", "documentation", "workaround"])
            ),
        )
        .order_by()
    )
    # Effort is summed separately: joined into the count query it would multiply the counts.
    effort = dict(
        EffortLog.objects.filter(inquiry__in=base)
        .values("inquiry__topic_id")
        .annotate(total=Sum("minutes"))
        .order_by()
        .values_list("inquiry__topic_id", "total")
    )
    rows = [
        _topic_row(
            topic_id=row["topic_id"],
            name=row["topic__name"],
            count=row["count"],
            resolved=row["resolved"],
            effort_minutes=effort.get(row["topic_id"]) or 0,
        )
        for row in counts
    ]
    return _topics_report(team=team, period=period, rows=rows)


def _topic_row(
    *, topic_id: int | None, name: str | None, count: int, resolved: int, effort_minutes: int
) -> dict:
    """One row of the topics report (raw and rolled-up alike)."""
    candidate = topic_id is not None and count >= AUTOMATION_THRESHOLD
    average = effort_minutes / count
    return {
        "topic_id": topic_id,
        "topic": name or "(no topic)",
        "count": count,
        "resolved": resolved,
        "effort_hours": round(effort_minutes / 60, 2),
        "average_effort_minutes": round(average, 1),
        "automation_candidate": candidate,
        "suggestion": ("screencast" if average >= SCREENCAST_MINUTES else "FAQ entry") if candidate else "",
    }


def _topics_report(*, team: Team, period: Period, rows: list[dict]) -> dict:
    rows.sort(key=lambda r: (-r["count"], -r["effort_hours"], r["topic"]))
    return {
        "report": "topics",
        "team": team.slug,
        "period": period.as_dict(),
        "summary": {
            "inquiries": sum(r["count"] for r in rows),
            "effort_hours": round(sum(r["effort_hours"] for r in rows), 2),
            "threshold": AUTOMATION_THRESHOLD,
            "candidates": [r["topic"] for r in rows if r["automation_candidate"]],
        },
        "rows": rows,
    }


def _figures_row(figures: Figures, calendar: list, business: list) -> dict:
    """A response-times row from summed counts and the medians and p90 (calendar, then business)."""
    calendar_median, calendar_p90 = calendar
    business_median, business_p90 = business
    decided_target = figures.received - figures.pending_target
    decided_guarantee = figures.received - figures.pending_guarantee
    return {
        "received": figures.received,
        "responded": figures.responded,
        "within_target": figures.within_target,
        "within_target_percent": _pct(figures.within_target, decided_target),
        "within_guarantee": figures.within_guarantee,
        "within_guarantee_percent": _pct(figures.within_guarantee, decided_guarantee),
        "pending": figures.pending_target,
        "median_business_minutes": rounded(business_median),
        "p90_business_minutes": rounded(business_p90),
        "median_calendar_minutes": rounded(calendar_median),
        "p90_calendar_minutes": rounded(calendar_p90),
        "resolved_within_target": figures.resolved_within_target,
        "resolved_within_target_percent": _pct(
            figures.resolved_within_target, figures.with_resolution_target - figures.pending_resolution
        ),
    }


def response_times(*, team: Team, period: Period, now: dt.datetime | None = None) -> dict:
    """The same report as `response_times_raw`, added up from daily figures (rollups): stored days
    where current, raw rows for the rest — a year reads a row per day and, for each median and p90, the
    days' minutes in the one bucket holding its rank (`bucket_percentiles`), not every inquiry. Without
    PostgreSQL (no triggers, so nothing stored) it is `response_times_raw`."""
    now = now or timezone.now()
    if not settings.IS_POSTGRES:
        return response_times_raw(team=team, period=period, now=now)
    for _ in range(STALE_RETRIES):
        days = period_days(team=team, first=period.start, last=period.end, now=now)
        try:
            return _response_times_report(team, period, days)
        except StaleDays:  # a day was recomputed meanwhile: read again
            continue
    return response_times_raw(team=team, period=period, now=now)


def _response_times_report(team: Team, period: Period, days: PeriodDays) -> dict:
    overall = Figures()
    weekly: dict[dt.date, Figures] = defaultdict(Figures)
    week = {day: week_of(day) for day in days.counts}
    for day, f in days.counts.items():
        overall.add(f)
        weekly[week[day]].add(f)
    groups: dict[tuple[str, dt.date | None], list] = defaultdict(list)
    for kind, runs in (("calendar", days.calendar), ("business", days.business)):
        for day, day_runs in runs.items():
            groups[(kind, week_of(day))].extend(day_runs)  # a merged week's runs: under its Monday
    figures = bucket_percentiles(
        groups,
        (0.5, 0.9),
        fetch=lambda requests: minute_slices(team=team, requests=requests),
        unions={(kind, None): [key for key in groups if key[0] == kind] for kind in ("calendar", "business")},
        single_valued=SINGLE_VALUED,
    )
    none = [None, None]
    rows = [
        {
            "week": week.isoformat(),
            "iso_week": "{}-W{:02d}".format(*week.isocalendar()[:2]),
            **_figures_row(f, figures.get(("calendar", week), none), figures.get(("business", week), none)),
        }
        for week, f in sorted(weekly.items())
        if f.received
    ]
    return {
        "report": "response-times",
        "team": team.slug,
        "period": period.as_dict(),
        "response_target_minutes": team.response_target_minutes,
        "response_guarantee_minutes": team.response_guarantee_minutes,
        "resolution_target_minutes": team.resolution_target_minutes,
        "summary": _figures_row(
            overall, figures.get(("calendar", None), none), figures.get(("business", None), none)
        ),
        "rows": rows,
        "by_channel": _channels_rows(days.channels),
    }


def _channels_rows(channels: dict[str, list[int]]) -> list[dict]:
    """The by-channel table of `_by_channel`, from the rolled-up counts."""
    labels = dict(Inquiry.Channel.choices)
    rows = [
        {
            "channel": channel,
            "received": received,
            "responded": responded,
            "within_target": within,
            "label": labels.get(channel, channel),
        }
        for channel, (received, responded, within) in channels.items()
        if received
    ]
    return sorted(rows, key=lambda row: (-row["received"], row["channel"]))


def recurring_topics(*, team: Team, period: Period, now: dt.datetime | None = None) -> dict:
    """The same report as `recurring_topics_raw`, added up from daily figures (rollups) on PostgreSQL."""
    from shifts.models import Topic

    if not settings.IS_POSTGRES:
        return recurring_topics_raw(team=team, period=period)

    by_topic = period_topics(team=team, first=period.start, last=period.end, now=now or timezone.now())
    names = dict(
        Topic.objects.filter(pk__in=[t for t in by_topic if t is not None]).values_list("pk", "name")
    )
    rows = [
        _topic_row(
            topic_id=topic_id,
            name=names.get(topic_id),
            count=f.received,
            resolved=f.resolved,
            effort_minutes=f.effort_minutes,
        )
        for topic_id, f in by_topic.items()
        if f.received
    ]
    return _topics_report(team=team, period=period, rows=rows)


def team_load(
    *, teams, period: Period, now: dt.datetime | None = None, boosters_per_team: int = 5, raw: bool = False
) -> dict:
    """Inquiries per member-FTE per week for each team; a team well above the others gets boosters.

    A team is flagged when its load exceeds 1.5x the median load of the other teams. Boosters are
    active members of the unflagged teams, not absent in the coming week and not already in the flagged
    team, lightest team first, then those who handled the fewest inquiries in the period.
    """
    now = now or timezone.now()
    teams = list(teams)
    team_ids = [t.pk for t in teams]
    received = (
        _received_per_team(teams, period, now)
        if not raw
        else dict(
            Inquiry.objects.filter(_in_period("received_at", period), team_id__in=team_ids)
            .values("team_id")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("team_id", "n")
        )
    )
    staffing = {
        row["team_id"]: row
        for row in Member.objects.filter(team_id__in=team_ids, is_active=True)
        .values("team_id")
        .annotate(pct=Sum("percent_time"), members=Count("pk"))
        .order_by()
    }
    rows = []
    for t in teams:
        fte = (staffing.get(t.pk, {}).get("pct") or 0) / 100
        n = received.get(t.pk, 0)
        load = n / fte / period.weeks if fte else None
        rows.append(
            {
                "team": t.slug,
                "name": t.name,
                "members": staffing.get(t.pk, {}).get("members", 0),
                "fte": round(fte, 2),
                "inquiries": n,
                "load": None if load is None else round(load, 2),
                "median_of_others": None,
                "overloaded": False,
                "boosters": [],
            }
        )
    for row in rows:
        others = [r["load"] for r in rows if r is not row and r["load"] is not None]
        if others and row["load"] is not None:
            median = statistics.median(others)
            row["median_of_others"] = round(median, 2)
            row["overloaded"] = row["load"] > 0 and row["load"] > OVERLOAD_FACTOR * median
    flagged = [r for r in rows if r["overloaded"]]
    if flagged:
        _add_boosters(rows, flagged, teams, period, now, boosters_per_team)
    return {
        "report": "team-load",
        "period": period.as_dict(),
        "summary": {"teams": len(rows), "overloaded": [r["team"] for r in flagged]},
        "rows": rows,
    }


def _received_per_team(teams: list[Team], period: Period, now: dt.datetime) -> dict[int, int]:
    """Inquiries each team received in the period: from the daily rollups for a team whose local days
    are the period's (same time zone), counted from the raw rows for the others."""
    other_zone = [t.pk for t in teams if t.timezone != period.tz.key]
    received = dict(
        Inquiry.objects.filter(_in_period("received_at", period), team_id__in=other_zone)
        .values("team_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("team_id", "n")
    )
    for t in teams:
        if t.pk not in other_zone:
            received[t.pk] = period_received(team=t, first=period.start, last=period.end, now=now)
    return received


def team_load_raw(
    *, teams, period: Period, now: dt.datetime | None = None, boosters_per_team: int = 5
) -> dict:
    """`team_load` with every team's inquiries counted from the raw rows (what the rollups must equal)."""
    teams = list(teams)
    return team_load(teams=teams, period=period, now=now, boosters_per_team=boosters_per_team, raw=True)


def _add_boosters(rows, flagged, teams, period, now, limit) -> None:
    """One query for every candidate; each flagged team then takes the lightest ones not already in it."""
    load_of = {r["team"]: r["load"] for r in rows}
    lighter_ids = [t.pk for t in teams if t.slug not in {r["team"] for r in flagged}]
    absent = Absence.objects.filter(
        member=OuterRef("pk"), starts_at__lt=now + dt.timedelta(days=7), ends_at__gt=now
    )
    candidates = list(
        Member.objects.filter(team_id__in=lighter_ids, is_active=True)
        .exclude(Exists(absent))
        .annotate(
            handled=Count("assigned_inquiries", filter=_in_period("assigned_inquiries__received_at", period))
        )
        .select_related("user", "team")
    )
    members_of = defaultdict(set)
    for team_id, user_id in Member.objects.filter(
        team__slug__in=[r["team"] for r in flagged], is_active=True
    ).values_list("team__slug", "user_id"):
        members_of[team_id].add(user_id)
    for row in flagged:
        eligible = [
            m
            for m in candidates
            if m.user_id not in members_of[row["team"]]
            and load_of[m.team.slug] is not None
            and load_of[m.team.slug] < row["load"]
        ]
        eligible.sort(key=lambda m: (load_of[m.team.slug], m.handled, m.user.username))
        seen: set[int] = set()
        for member in eligible:
            if member.user_id in seen:
                continue
            seen.add(member.user_id)
            row["boosters"].append(
                {
                    "username": member.user.username,
                    "name": member.display_name,
                    "team": member.team.slug,
                    "team_load": load_of[member.team.slug],
                    "handled": member.handled,
                }
            )
            if len(row["boosters"]) == limit:
                break
