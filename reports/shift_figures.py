"""Shifts of a period: coverage hours served and the fair share of SPEC 3.2, per role.

A shift belongs to the period in which it starts. The fair share is not computed here: the shifts of each
role are replayed through the scheduler's own ledger (`shifts.fairness`), with the rotation's members
(from when they joined) and their absences, so the report shows exactly what the scheduler keeps within
bounds. Everything walks the shift rows once (a few per day, independent of the number of inquiries).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from shifts.business_time import BusinessCalendar
from shifts.fairness import Candidate, IntervalIndex, Ledger, replay
from shifts.models import Absence, Member, Rotation, RotationMembership, Shift, Team

from .period import Period


@dataclass
class RoleFigures:
    """One role's shifts in the period: counts and hours per member, and the fairness ledger."""

    shifts: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    coverage_hours: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    calendar_hours: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    ledger: Ledger = field(default_factory=Ledger)
    total_shifts: int = 0
    total_coverage_hours: float = 0.0
    weekly_coverage_hours: dict[dt.date, float] = field(default_factory=lambda: defaultdict(float))

    @property
    def expected(self) -> dict[int, float]:
        return self.ledger.expected


# Kept for the primary role, which the load and cost reports have always shown.
ShiftFigures = RoleFigures


def primary_shifts(*, team: Team, period: Period):
    return Shift.objects.filter(
        team=team,
        role=Rotation.Role.PRIMARY,
        starts_at__gte=period.start_at,
        starts_at__lt=period.end_at,
    )


def week_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def role_figures(*, team: Team, period: Period, calendar: BusinessCalendar) -> dict[str, RoleFigures]:
    """Per role: four queries (shifts, rotation members, percent-time, absences), then one walk."""
    rows = list(
        Shift.objects.filter(team=team, starts_at__gte=period.start_at, starts_at__lt=period.end_at)
        .order_by("starts_at")
        .values_list("role", "member_id", "starts_at", "ends_at")
    )
    figures = {role: RoleFigures() for role in Rotation.Role.values}
    if not rows:
        return figures
    pct = dict(Member.objects.filter(team=team).values_list("id", "percent_time"))
    roster: dict[str, list[Candidate]] = defaultdict(list)
    for role, member_id, joined_at in RotationMembership.objects.filter(
        rotation__team=team, member__is_active=True
    ).values_list("rotation__role", "member_id", "joined_at"):
        roster[role].append(Candidate(member_id, pct[member_id], since=joined_at))
    absences: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for member_id, starts_at, ends_at in Absence.objects.filter(member__team=team).values_list(
        "member_id", "starts_at", "ends_at"
    ):
        absences[member_id].append((starts_at, ends_at))
    index = IntervalIndex(absences)
    by_role: dict[str, list[tuple[dt.datetime, dt.datetime, int]]] = defaultdict(list)
    for role, member_id, starts_at, ends_at in rows:
        f = figures[role]
        hours = calendar.minutes_between(starts_at, ends_at) / 60
        f.shifts[member_id] += 1
        f.coverage_hours[member_id] += hours
        f.calendar_hours[member_id] += (ends_at - starts_at) / dt.timedelta(hours=1)
        f.total_shifts += 1
        f.total_coverage_hours += hours
        f.weekly_coverage_hours[week_of(calendar.local_date(starts_at))] += hours
        by_role[role].append((starts_at, ends_at, member_id))
    for role, role_rows in by_role.items():
        figures[role].ledger = replay(role_rows, roster[role], index)
    return figures


def shift_figures(*, team: Team, period: Period, calendar: BusinessCalendar) -> RoleFigures:
    """The primary role's figures (support cost counts primary coverage hours)."""
    return role_figures(team=team, period=period, calendar=calendar)[Rotation.Role.PRIMARY]
