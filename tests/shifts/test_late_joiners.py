"""A member added to a scheduled rotation counts from the day they join: no burst of catch-up shifts."""

import datetime as dt

import pytest
import time_machine

from shifts.models import Rotation, RotationMembership, Shift
from shifts.services import rotation_create, rotation_schedule, rotation_update
from tests.factories import make_member
from tests.shifts.fairness import assert_within_bound, deviations_after_every_shift

START = dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC)  # Monday 08:00 in Zurich
JOIN = dt.datetime(2026, 4, 15, 10, 30, tzinfo=dt.UTC)  # mid-shift on a Wednesday, six weeks in


@pytest.fixture
def four_scheduled_for_three_months(team, manager):
    with time_machine.travel(START, tick=False):
        members = [make_member(team, f"dev{i}") for i in range(4)]
        rotation = rotation_create(
            team=team,
            actor=manager.user,
            shift_length_minutes=240,
            handoff_time=dt.time(9),
            starts_on=START.date(),
            members=[m.pk for m in members],
        )
        rotation_schedule(rotation=rotation, until=dt.date(2026, 6, 1), actor=manager.user)
    return rotation, members


def _rows(rotation: Rotation) -> list[tuple[dt.datetime, dt.datetime, int]]:
    return list(rotation.shifts.order_by("starts_at").values_list("starts_at", "ends_at", "member_id"))


def test_a_fifth_member_takes_a_fair_share_from_the_join_without_back_to_back_shifts(
    team, manager, four_scheduled_for_three_months
):
    rotation, members = four_scheduled_for_three_months
    before = {s.pk: s.member_id for s in rotation.shifts.all()}
    with time_machine.travel(JOIN, tick=False):
        newcomer = make_member(team, "newcomer")
        rotation_update(
            rotation=rotation, actor=manager.user, data={"members": [m.pk for m in [*members, newcomer]]}
        )
        rotation_schedule(rotation=rotation, until=dt.date(2026, 6, 1), actor=manager.user)

    joined = dict(RotationMembership.objects.filter(rotation=rotation).values_list("member_id", "joined_at"))
    assert joined[newcomer.pk] == JOIN and all(joined[m.pk] == START for m in members)
    rows = _rows(rotation)
    # The past is kept; the newcomer serves only after joining.
    assert all(before[s.pk] == s.member_id for s in rotation.shifts.filter(starts_at__lte=JOIN))
    theirs = [i for i, (start, _, member) in enumerate(rows) if member == newcomer.pk]
    assert theirs and rows[theirs[0]][0] > JOIN
    # Five equal members: fairness never requires a back-to-back shift.
    assert all(b - a > 1 for a, b in zip(theirs, theirs[1:], strict=False)), theirs
    history = deviations_after_every_shift(rows, {m.pk: 100 for m in [*members, newcomer]}, joined)
    assert_within_bound(history)
    after_join = [i for i, (start, _, _) in enumerate(rows) if start > JOIN]
    assert abs(len(theirs) - len(after_join) / 5) <= 1.5


def test_a_member_who_leaves_and_rejoins_starts_a_new_window(team, manager, four_scheduled_for_three_months):
    rotation, members = four_scheduled_for_three_months
    with time_machine.travel(JOIN, tick=False):
        rotation_update(rotation=rotation, actor=manager.user, data={"members": [m.pk for m in members[1:]]})
        assert not Shift.objects.filter(member=members[0], starts_at__gt=JOIN).exists()
    rejoin = JOIN + dt.timedelta(days=14)
    with time_machine.travel(rejoin, tick=False):
        rotation_update(rotation=rotation, actor=manager.user, data={"members": [m.pk for m in members]})
    membership = RotationMembership.objects.get(rotation=rotation, member=members[0])
    assert membership.joined_at == rejoin
    rows = _rows(rotation)
    returns = [start for start, _, member in rows if member == members[0].pk and start > JOIN]
    assert returns and min(returns) > rejoin
    # Counted from the rejoin, the returning member is within the bound like everybody else; the
    # shifts they served before leaving count for nobody once they are out.
    joined = {m.pk: START for m in members} | {members[0].pk: rejoin}
    assert_within_bound(deviations_after_every_shift(rows, {m.pk: 100 for m in members}, joined))
