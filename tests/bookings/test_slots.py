"""Slots (SPEC 3.10): cut from future primary shifts inside coverage, DST-correct, closed on holidays,
from the notice period to 14 days ahead, never over another session of the host."""

import datetime as dt

import pytest
import time_machine

from bookings.slots import free_slots
from tests.factories import AbsenceFactory, BookingFactory, ShiftFactory, make_member, make_team

from .conftest import ZURICH, day_shifts, local

pytestmark = pytest.mark.django_db


def _by_local_day(slots):
    days: dict[dt.date, list[str]] = {}
    for slot in slots:
        start = slot.starts_at.astimezone(ZURICH)
        days.setdefault(start.date(), []).append(f"{start:%H:%M}")
    return days


@pytest.mark.parametrize(
    ("now", "before", "after"),
    [
        # Spring forward: Sunday 29 March 2026, 02:00 -> 03:00 in Zurich.
        (local(2026, 3, 26, 8), dt.date(2026, 3, 27), dt.date(2026, 3, 30)),
        # Fall back: Sunday 25 October 2026, 03:00 -> 02:00.
        (local(2026, 10, 22, 8), dt.date(2026, 10, 23), dt.date(2026, 10, 26)),
    ],
    ids=["spring-forward", "fall-back"],
)
def test_slots_keep_wall_clock_times_across_a_dst_change(sessions_team, primary, now, before, after):
    day_shifts(sessions_team, primary, now.date(), 8)
    with time_machine.travel(now, tick=False):
        slots = free_slots(team=sessions_team)
    days = _by_local_day(slots)
    expected = [f"{h:02d}:{m:02d}" for h in range(9, 17) for m in (0, 30)]
    assert days[before] == expected
    assert days[after] == expected
    # The same wall-clock time is a different UTC hour on either side of the change.
    first_before = next(s for s in slots if s.starts_at.astimezone(ZURICH).date() == before)
    first_after = next(s for s in slots if s.starts_at.astimezone(ZURICH).date() == after)
    utc_hours = {
        first_before.starts_at.astimezone(dt.UTC).hour,
        first_after.starts_at.astimezone(dt.UTC).hour,
    }
    assert utc_hours == {7, 8}
    assert all(s.ends_at - s.starts_at == dt.timedelta(minutes=30) for s in slots)
    # No coverage at the weekend, so no slots.
    assert not [d for d in days if d.weekday() >= 5]


def test_holidays_have_no_slots(sessions_team, primary):
    sessions_team.holidays = ["2026-03-31"]
    sessions_team.save()
    day_shifts(sessions_team, primary, dt.date(2026, 3, 26), 8)
    with time_machine.travel(local(2026, 3, 26, 8), tick=False):
        days = _by_local_day(free_slots(team=sessions_team))
    assert dt.date(2026, 3, 31) not in days
    assert dt.date(2026, 3, 30) in days and dt.date(2026, 4, 1) in days


def test_slots_start_after_the_notice_period_and_end_fourteen_days_ahead(sessions_team, primary):
    day_shifts(sessions_team, primary, dt.date(2026, 3, 2), 20)
    now = local(2026, 3, 5, 10, 10)  # a Thursday
    with time_machine.travel(now, tick=False):
        slots = free_slots(team=sessions_team)
    assert slots[0].starts_at == local(2026, 3, 5, 12, 30)  # 10:10 + 120 min notice, on the grid
    assert max(s.starts_at for s in slots) <= now + dt.timedelta(days=14)
    assert _by_local_day(slots).keys() >= {dt.date(2026, 3, 19)}
    assert dt.date(2026, 3, 20) not in _by_local_day(slots)


def test_only_primary_shifts_give_slots_and_each_slot_is_its_shifts_member(sessions_team, primary, teammate):
    day_shifts(sessions_team, teammate, dt.date(2026, 3, 9), 1, role="secondary")
    ShiftFactory(
        team=sessions_team, role="primary", member=primary,
        starts_at=local(2026, 3, 9, 12), ends_at=local(2026, 3, 9, 14),
    )  # fmt: skip
    with time_machine.travel(local(2026, 3, 6, 8), tick=False):
        slots = free_slots(team=sessions_team)
    assert [f"{s.starts_at.astimezone(ZURICH):%H:%M}" for s in slots] == ["12:00", "12:30", "13:00", "13:30"]
    assert {s.shift.member for s in slots} == {primary}


def test_a_hosts_sessions_in_any_team_block_overlapping_slots(sessions_team, primary):
    day_shifts(sessions_team, primary, dt.date(2026, 3, 9), 1)
    other = make_team("bio", reference_prefix="BIO", session_minutes_per_week=60)
    also_there = make_member(other, user=primary.user)
    BookingFactory(
        team=other, host=also_there, learner_name="Ola", learner_email="ola@example.org",
        learner_key="ola@example.org", starts_at=local(2026, 3, 9, 10, 15), ends_at=local(2026, 3, 9, 10, 45),
    )  # fmt: skip
    with time_machine.travel(local(2026, 3, 6, 8), tick=False):
        starts = [f"{s.starts_at.astimezone(ZURICH):%H:%M}" for s in free_slots(team=sessions_team)]
    assert "10:00" not in starts and "10:30" not in starts
    assert "09:30" in starts and "11:00" in starts


def test_a_team_that_does_not_offer_sessions_has_no_slots(team, primary):
    day_shifts(team, primary, dt.date(2026, 3, 9), 1)
    with time_machine.travel(local(2026, 3, 6, 8), tick=False):
        assert free_slots(team=team) == []


def test_slots_api_lists_free_slots_with_the_teams_offset(api, sessions_team, primary):
    day_shifts(sessions_team, primary, dt.date(2026, 3, 9), 2)
    with time_machine.travel(local(2026, 3, 6, 8), tick=False):
        response = api.get("/api/v1/public/sessions/slots/", {"team": "ads", "from": "2026-03-10"})
    assert response.status_code == 200
    body = response.json()
    assert body[0] == {"starts_at": "2026-03-10T09:00:00+01:00", "ends_at": "2026-03-10T09:30:00+01:00"}
    assert len(body) == 16


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"team": "nope"}, 404),
        ({}, 400),
        ({"team": "ads", "from": "tomorrow"}, 400),
        ({"team": "ads", "from": "2026-03-10T09:00:00"}, 400),
        ({"team": "ads", "from": "2026-03-10", "to": "2026-03-09"}, 400),
    ],
)
def test_slots_api_rejects_bad_queries(api, sessions_team, query, status):
    assert api.get("/api/v1/public/sessions/slots/", query).status_code == status


def test_slots_api_hides_teams_that_do_not_offer_sessions(api, team):
    assert api.get("/api/v1/public/sessions/slots/", {"team": team.slug}).status_code == 404


def test_a_hosts_absence_blocks_the_slots_it_overlaps(sessions_team, primary):

    day_shifts(sessions_team, primary, dt.date(2026, 3, 9), 1)
    AbsenceFactory(member=primary, starts_at=local(2026, 3, 9, 12), ends_at=local(2026, 3, 9, 14))
    with time_machine.travel(local(2026, 3, 6, 8), tick=False):
        starts = [f"{s.starts_at.astimezone(ZURICH):%H:%M}" for s in free_slots(team=sessions_team)]
    assert "11:30" in starts and "14:00" in starts
    assert not [t for t in starts if "12:00" <= t < "14:00"]
