"""A day's absence in a long shift (SPEC 3.2, stable): the shift is split at the absence, a colleague
covers only the absent day, the member keeps the rest; no gap, nobody in both roles at once, and a later
re-plan keeps the pieces."""

import datetime as dt

import pytest
import time_machine

from notices.models import Notification
from shifts.business_time import BusinessCalendar
from shifts.models import Rotation, Shift, ShiftEvent
from shifts.scheduler import Candidate, RolePlan, Slot, plan_team
from shifts.services import (
    absence_create,
    rotation_create,
    rotation_schedule,
    rotation_update,
    rotations_extend,
)
from tests.factories import make_member

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 3, 2)
NOW = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)  # Monday 07:00 in Zurich
UNTIL = dt.date(2026, 4, 30)


def _scheduled(team, manager, role: str, minutes: int, members: list[int]) -> Rotation:
    """A rotation made and scheduled through the services as a manager would, handing off at 09:00."""
    rotation = rotation_create(
        team=team,
        actor=manager.user,
        role=role,
        shift_length_minutes=minutes,
        handoff_time=dt.time(9),
        starts_on=MONDAY,
        members=members,
    )
    rotation_schedule(rotation=rotation, until=UNTIL, actor=manager.user)
    return rotation


def _rows(role):
    return list(
        Shift.objects.filter(role=role).order_by("starts_at").values_list("starts_at", "ends_at", "member_id")
    )


def test_a_days_absence_in_a_fortnight_of_secondary_is_covered_for_that_day_only(team, manager, as_member):
    members = [
        make_member(team, name, percent_time=pct) for name, pct in (("ann", 100), ("ben", 80), ("cid", 60))
    ]
    ids = [m.pk for m in [manager, *members]]
    with time_machine.travel(NOW, tick=False):
        for role, minutes in (("secondary", 14 * 24 * 60), ("primary", 240)):
            _scheduled(team, manager, role, minutes, ids)
        # The second fortnight (16-30 March): its holder is away on Wednesday 18 March.
        fortnight = Shift.objects.filter(role="secondary").order_by("starts_at")[1]
        holder = fortnight.member
        away = (
            dt.datetime(2026, 3, 17, 23, 0, tzinfo=dt.UTC),
            dt.datetime(2026, 3, 18, 23, 0, tzinfo=dt.UTC),
        )
        primaries_before = _rows("primary")
        Notification.objects.all().delete()
        absence_create(member=holder, starts_at=away[0], ends_at=away[1], actor=manager.user)

        pieces = list(
            Shift.objects.filter(
                role="secondary", starts_at__gte=fortnight.starts_at, ends_at__lte=fortnight.ends_at
            ).order_by("starts_at")
        )
        assert [(p.starts_at, p.ends_at) for p in pieces] == [
            (fortnight.starts_at, away[0]),
            away,
            (away[1], fortnight.ends_at),
        ]
        cover = pieces[1].member
        assert (pieces[0].member, pieces[2].member) == (holder, holder) and cover != holder
        assert Notification.objects.filter(recipient=cover.user, kind="shift_changed").exists()
        assert ShiftEvent.objects.filter(
            shift=pieces[1], kind="reassigned", from_member=holder, to_member=cover
        ).exists()
        # The cover serves no primary that day; a few primaries move, not the fortnight's.
        primaries = _rows("primary")
        assert not [r for r in primaries if r[2] == cover.pk and r[0] < away[1] and away[0] < r[1]]
        moved = sum(1 for a, b in zip(primaries_before, primaries, strict=True) if a != b)
        assert moved <= 4, moved
        # No gap and no overlap in the secondary rotation; nobody in both roles at once.
        secondary = _rows("secondary")
        assert all(a[1] == b[0] for a, b in zip(secondary, secondary[1:], strict=False))
        assert not [
            (s, p) for s in secondary for p in primaries if s[2] == p[2] and s[0] < p[1] and p[0] < s[1]
        ]
        oncall = (
            as_member(manager).get("/api/v1/teams/ads/oncall/", {"at": "2026-03-18T10:00:00+01:00"}).json()
        )
        assert oncall["secondary"]["id"] == cover.pk

        # Re-planning later (beat, another schedule call) keeps the pieces as they are.
        rotations_extend()
        rotation_schedule(rotation=Rotation.objects.get(role="secondary"), until=UNTIL, actor=manager.user)
        assert _rows("secondary") == secondary
        assert _rows("primary") == primaries


ZURICH = BusinessCalendar(
    timezone="Europe/Zurich",
    coverage=[{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(5)],
    holidays=[],
)
WEEK = (dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC), dt.datetime(2026, 3, 9, 8, 0, tzinfo=dt.UTC))  # Mon-Mon


def _replanned_week(
    away: tuple[dt.datetime, dt.datetime],
) -> list[tuple[dt.datetime, dt.datetime, int | None]]:
    """Member 1's published week of secondary, re-planned after `away` (times in UTC)."""
    plan = RolePlan(
        "secondary", 7 * 24 * 60, [Slot(*WEEK, preferred=1)], [Candidate(i, 100) for i in (1, 2, 3)]
    )
    result = plan_team([plan], absences={1: [away]}, covered=ZURICH.overlaps)
    return [(a.slot.start, a.slot.end, a.member) for a in result["secondary"].assignments]


def _utc(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, tzinfo=dt.UTC)


def test_a_split_leaves_the_member_the_parts_they_can_serve_and_a_colleague_the_absent_one():
    # Away Wednesday (Zurich): the member keeps Monday-Tuesday and Thursday on.
    rows = _replanned_week((_utc(3, 23), _utc(4, 23)))
    assert [(s, e) for s, e, _ in rows] == [
        (WEEK[0], _utc(3, 23)),
        (_utc(3, 23), _utc(4, 23)),
        (_utc(4, 23), WEEK[1]),
    ]
    assert rows[0][2] == rows[2][2] == 1 and rows[1][2] in (2, 3)


def test_a_days_stub_at_the_edge_goes_with_the_absence_and_no_shift_is_made_outside_coverage():
    # Away Tuesday: Monday alone (a day or less) is the cover's too, so the member has one shift, not two.
    rows = _replanned_week((_utc(2, 23), _utc(3, 23)))
    assert [(s, e) for s, e, _ in rows] == [(WEEK[0], _utc(3, 23)), (_utc(3, 23), WEEK[1])]
    assert rows[0][2] in (2, 3) and rows[1][2] == 1
    # Away Saturday: nobody covers the weekend (no coverage), the member's week ends on Friday night.
    rows = _replanned_week((_utc(6, 23), _utc(7, 23)))
    assert rows == [(WEEK[0], _utc(6, 23), 1)]
    # Away most of the week: the whole shift is handed over, as before.
    rows = _replanned_week((_utc(2, 23), _utc(6, 23)))
    assert [(s, e) for s, e, _ in rows] == [WEEK] and rows[0][2] in (2, 3)


def test_weeks_that_tile_a_fortnight_are_no_split_pieces_when_the_rotation_is_lengthened(team, manager):
    members = [make_member(team, name) for name in ("ann", "ben")]
    with time_machine.travel(NOW, tick=False):
        rotation = _scheduled(team, manager, "secondary", 7 * 24 * 60, [m.pk for m in members])
        rotation_update(rotation=rotation, actor=manager.user, data={"shift_length_minutes": 14 * 24 * 60})
    rows = _rows("secondary")
    assert all(end - start >= dt.timedelta(days=13) for start, end, _ in rows[:-1]), rows
    assert all(a[1] == b[0] for a, b in zip(rows, rows[1:], strict=False))


def test_the_part_after_a_weekend_away_stays_when_the_re_plan_runs_during_the_first_part(team, manager):
    members = [make_member(team, name) for name in ("ann", "ben", "cid")]
    with time_machine.travel(NOW, tick=False):
        rotation = _scheduled(team, manager, "secondary", 14 * 24 * 60, [m.pk for m in members])
        fortnight = Shift.objects.filter(role="secondary").order_by("starts_at")[1]  # 16-30 March
        holder = fortnight.member
        # Away the first weekend (no coverage): no cover, the holder serves the weekdays either side.
        saturday = dt.datetime(2026, 3, 20, 23, 0, tzinfo=dt.UTC)
        absence_create(
            member=holder, starts_at=saturday, ends_at=saturday + dt.timedelta(days=1), actor=manager.user
        )
    rows = [r for r in _rows("secondary") if fortnight.starts_at <= r[0] < fortnight.ends_at]
    assert [(r[0], r[2]) for r in rows] == [(fortnight.starts_at, holder.pk), (rows[1][0], holder.pk)]
    assert rows[0][1] <= saturday and rows[1][0] >= saturday + dt.timedelta(days=1)
    # A re-plan while the holder serves the first part keeps the second.
    with time_machine.travel(fortnight.starts_at + dt.timedelta(days=1), tick=False):
        rotations_extend()
        rotation_schedule(rotation=rotation, until=UNTIL, actor=manager.user)
    assert [r for r in _rows("secondary") if fortnight.starts_at <= r[0] < fortnight.ends_at] == rows
