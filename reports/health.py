"""A manager's view of each team they manage, on the dashboard: what needs attention now."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from inquiries.models import Inquiry
from postmortems.models import Postmortem
from shifts.business_time import BusinessCalendar
from shifts.models import Rotation, Shift, Team

from .access import managed_teams
from .period import period_parse
from .selectors import load_balance

OPEN = [Inquiry.Status.NEW, Inquiry.Status.RESPONDED, Inquiry.Status.WAITING]
LOOKAHEAD = dt.timedelta(days=14)


def _uncovered_hours(team: Team, now: dt.datetime) -> float:
    """Coverage hours in the next two weeks with no Primary shift."""
    calendar = BusinessCalendar.for_team(team)
    end = now + LOOKAHEAD
    shifts = list(
        Shift.objects.filter(team=team, role=Rotation.Role.PRIMARY, ends_at__gt=now, starts_at__lt=end)
        .order_by("starts_at")
        .values_list("starts_at", "ends_at")
    )
    uncovered = 0.0
    for start, stop in calendar.intervals(now, end):
        cursor = start
        for s_start, s_end in shifts:
            if s_end <= cursor or s_start >= stop:
                continue
            if s_start > cursor:
                uncovered += (s_start - cursor).total_seconds()
            cursor = max(cursor, s_end)
            if cursor >= stop:
                break
        if cursor < stop:
            uncovered += (stop - cursor).total_seconds()
    return round(uncovered / 3600, 1)


def team_health(*, user) -> list[dict]:
    now = timezone.now()
    teams = list(managed_teams(user=user))
    if not teams:
        return []
    counts = {
        row["team"]: row
        for row in Inquiry.objects.filter(team__in=teams, status__in=OPEN)
        .order_by()
        .values("team")
        .annotate(
            overdue=Count("id", filter=Q(status=Inquiry.Status.NEW, response_due_at__lt=now)),
            breached=Count("id", filter=Q(status=Inquiry.Status.NEW, response_guarantee_at__lt=now)),
            unassigned=Count("id", filter=Q(assignee__isnull=True)),
            open=Count("id"),
        )
    }
    in_review = dict(
        Postmortem.objects.filter(team__in=teams, status=Postmortem.Status.IN_REVIEW)
        .order_by()
        .values("team")
        .annotate(n=Count("id"))
        .values_list("team", "n")
    )
    rows = []
    for team in teams:
        c = counts.get(team.pk, {})
        horizon = team.planning_horizon(now)
        short = [
            {"role": r.get_role_display(), "until": r.scheduled_until}
            for r in Rotation.objects.filter(team=team)
            if r.scheduled_until is None or r.scheduled_until < horizon - dt.timedelta(days=1)
        ]
        load = load_balance(team=team, period=period_parse(start=None, end=None, tz_name=team.timezone))
        rows.append(
            {
                "team": team,
                "open": c.get("open", 0),
                "overdue": c.get("overdue", 0),
                "breached": c.get("breached", 0),
                "unassigned": c.get("unassigned", 0),
                "uncovered_hours": _uncovered_hours(team, now),
                "short_rotations": short,
                "postmortems_in_review": in_review.get(team.pk, 0),
                "over_budget": [row["name"] for row in load["rows"] if row["over_budget"]],
            }
        )
    return rows
