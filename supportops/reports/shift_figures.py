"""Primary shifts of a period: coverage hours served and the fair share of SPEC 3.2.

A shift belongs to the period in which it starts. Both figures walk the shift rows once (a few per day,
independent of the number of inquiries): coverage hours need the team's business calendar, and the fair
share needs, per shift, who of the rotation was available (not absent for any part of it), which is
what the scheduler used when it assigned the shift.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from shifts.business_time import BusinessCalendar
from shifts.models import Absence, Member, Rotation, Shift, Team

from .period import Period


@dataclass
class ShiftFigures:
    shifts: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    coverage_hours: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    calendar_hours: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    expected: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    total_shifts: int = 0
    total_coverage_hours: float = 0.0
    weekly_coverage_hours: dict[dt.date, float] = field(default_factory=lambda: defaultdict(float))


def primary_shifts(*, team: Team, period: Period):
    return Shift.objects.filter(
        team=team,
        role=Rotation.Role.PRIMARY,
        starts_at__gte=period.start_at,
        starts_at__lt=period.end_at,
    )


def week_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def shift_figures(*, team: Team, period: Period, calendar: BusinessCalendar) -> ShiftFigures:
    """Three queries: the shifts, the rotations' members with percent-time, the overlapping absences."""
    rows = list(
        primary_shifts(team=team, period=period)
        .order_by("starts_at")
        .values_list("member_id", "rotation_id", "starts_at", "ends_at")
    )
    figures = ShiftFigures()
    if not rows:
        return figures
    first_start = rows[0][2]
    last_end = max(row[3] for row in rows)
    pct = dict(Member.objects.filter(team=team).values_list("id", "percent_time"))
    roster: dict[int | None, list[int]] = defaultdict(list)
    for rotation_id, member_id in Rotation.members.through.objects.filter(
        rotation__team=team, rotation__role=Rotation.Role.PRIMARY
    ).values_list("rotation_id", "member_id"):
        roster[rotation_id].append(member_id)
    # A hand-made shift without a rotation is shared among the team's active members.
    roster[None] = list(Member.objects.filter(team=team, is_active=True).values_list("id", flat=True))
    absences: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for member_id, starts_at, ends_at in Absence.objects.filter(
        member__team=team, starts_at__lt=last_end, ends_at__gt=first_start
    ).values_list("member_id", "starts_at", "ends_at"):
        absences[member_id].append((starts_at, ends_at))

    for member_id, rotation_id, starts_at, ends_at in rows:
        hours = calendar.minutes_between(starts_at, ends_at) / 60
        figures.shifts[member_id] += 1
        figures.coverage_hours[member_id] += hours
        figures.calendar_hours[member_id] += (ends_at - starts_at) / dt.timedelta(hours=1)
        figures.total_shifts += 1
        figures.total_coverage_hours += hours
        figures.weekly_coverage_hours[week_of(calendar.local_date(starts_at))] += hours
        available = [
            m
            for m in roster.get(rotation_id) or roster[None]
            if not any(a_start < ends_at and a_end > starts_at for a_start, a_end in absences[m])
        ]
        weight = sum(pct.get(m, 0) for m in available)
        for m in available:
            figures.expected[m] += pct.get(m, 0) / weight if weight else 0.0
    return figures
