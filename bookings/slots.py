"""Bookable slots (SPEC 3.10): cut from future primary shifts, inside coverage, never over another
session of the host.

Coverage windows come from `shifts.business_time.BusinessCalendar`, which turns each local window into
UTC instants per date: on a DST-change day a 09:00-17:00 window is still eight real hours and the slots
are cut in real minutes from its (local) start, so they read 09:00, 09:30, ... on the wall clock on
both sides of the change. Holidays have no windows, hence no slots. Slots start on a grid that begins
at each window (or at the shift's start, if later), so the grid does not move as time passes: the
notice period only drops the slots that are too close.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from shifts.business_time import BusinessCalendar
from shifts.models import Absence, Rotation, Shift, Team

from .models import Booking

HORIZON = dt.timedelta(days=14)


@dataclass(frozen=True)
class Slot:
    starts_at: dt.datetime
    ends_at: dt.datetime
    shift: Shift

    def as_dict(self, tz: zoneinfo.ZoneInfo) -> dict:
        return {
            "starts_at": self.starts_at.astimezone(tz).isoformat(),
            "ends_at": self.ends_at.astimezone(tz).isoformat(),
        }


def bookable_window(*, team: Team, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """[earliest, latest] start of a bookable slot: from the notice period on to 14 days ahead."""
    return now + dt.timedelta(minutes=team.session_notice_minutes), now + HORIZON


def week_start(*, day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def week_bounds(*, team: Team, at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """Monday 00:00 to the next Monday 00:00 in the team's zone, around the instant `at` (UTC-aware).

    Both ends are wall-clock midnights, so a week containing a DST change is 167 or 169 real hours."""
    tz = zoneinfo.ZoneInfo(team.timezone)
    monday = week_start(day=at.astimezone(tz).date())
    start = dt.datetime.combine(monday, dt.time(), tzinfo=tz)
    end = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(), tzinfo=tz)
    return start, end


def _busy(*, user_ids: set[int], start: dt.datetime, end: dt.datetime) -> dict[int, list[tuple]]:
    """Live sessions of these hosts (as users, across their teams) overlapping [start, end)."""
    rows = (
        Booking.objects.filter(host__user_id__in=user_ids, starts_at__lt=end, ends_at__gt=start)
        .exclude(status=Booking.Status.CANCELLED)
        .values_list("host__user_id", "starts_at", "ends_at")
    )
    busy: dict[int, list[tuple]] = {}
    for user_id, begins, ends in rows:
        busy.setdefault(user_id, []).append((begins, ends))
    return busy


def free_slots(
    *,
    team: Team,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> list[Slot]:
    """Slots bookable now whose start lies in [start, end), in order. Three queries whatever the range.

    A host's absence not yet re-planned (the shift still names them) blocks the slots it overlaps."""
    if team.session_minutes_per_week <= 0:
        return []
    now = now or timezone.now()
    earliest, latest = bookable_window(team=team, now=now)
    start = max(start or earliest, earliest)
    end = min(end or latest + dt.timedelta(microseconds=1), latest + dt.timedelta(microseconds=1))
    if end <= start:
        return []
    length = dt.timedelta(minutes=team.session_length_minutes)
    shifts = list(
        Shift.objects.filter(
            team=team, role=Rotation.Role.PRIMARY, starts_at__lt=end + length, ends_at__gt=start
        )
        .select_related("member__user")
        .order_by("starts_at")
    )
    if not shifts:
        return []
    calendar = BusinessCalendar.for_team(team)
    busy = _busy(
        user_ids={s.member.user_id for s in shifts},
        start=start,
        end=end + length,
    )
    away: dict[int, list[tuple]] = {}
    for member_id, begins, ends in Absence.objects.filter(
        member_id__in={s.member_id for s in shifts}, starts_at__lt=end + length, ends_at__gt=start
    ).values_list("member_id", "starts_at", "ends_at"):
        away.setdefault(member_id, []).append((begins, ends))
    slots: list[Slot] = []
    for shift in shifts:
        if not shift.member.is_active:
            continue
        taken = busy.get(shift.member.user_id, []) + away.get(shift.member_id, [])
        for window_start, window_end in calendar.intervals(shift.starts_at, shift.ends_at):
            begin, finish = max(window_start, shift.starts_at), min(window_end, shift.ends_at)
            slot_start = begin
            while slot_start + length <= finish:
                slot_end = slot_start + length
                if start <= slot_start < end and not any(b < slot_end and e > slot_start for b, e in taken):
                    slots.append(Slot(slot_start, slot_end, shift))
                slot_start = slot_end
    slots.sort(key=lambda slot: slot.starts_at)
    return slots


def slot_at(*, team: Team, starts_at: dt.datetime, now: dt.datetime | None = None) -> Slot | None:
    """The free slot starting exactly at `starts_at`, if it is bookable now."""
    for slot in free_slots(team=team, start=starts_at, end=starts_at + dt.timedelta(seconds=1), now=now):
        if slot.starts_at == starts_at:
            return slot
    return None


def live_sessions() -> Q:
    return ~Q(status=Booking.Status.CANCELLED)
