"""Stability of re-planning a team's two rotations together (SPEC 3.2): a new absence moves at most
2 × the shifts it collides with + 8 across both rotations; a member joining or leaving moves only what
fairness needs. Both rotations stay within their bounds as a manager reads them."""

import datetime as dt

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from shifts.scheduler import REPAIR_MOVES, Candidate, RolePlan, Slot, plan_team
from tests.shifts.fairness import moved
from tests.shifts.test_joint_planning_properties import LENGTHS, check_team_bounds, teams
from tests.shifts.test_joint_planning_properties import feasible as feasible_with
from tests.shifts.test_scheduler_properties import CALENDAR, overlaps, year_of_slots

ROLES = ("primary", "secondary")
JAN_5 = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)


def at(days, hours=0):
    return JAN_5 + dt.timedelta(days=days, hours=hours)


def first_plan(candidates, absences, lengths):
    plans = [RolePlan(role, lengths[role], year_of_slots(lengths[role]), candidates) for role in ROLES]
    return plan_team(plans, absences=absences)


def replan(result, candidates, absences, lengths, now):
    """Shifts started before `now` are kept; later ones are the preferred (published) assignment."""
    plans = []
    for role in ROLES:
        slots = [
            Slot(a.slot.start, a.slot.end, pinned=a.member)
            if a.slot.start < now and a.member is not None
            else Slot(a.slot.start, a.slot.end, preferred=a.member)
            for a in result[role].assignments
            if a.slot.start >= now or a.member is not None
        ]
        plans.append(RolePlan(role, lengths[role], slots, candidates))
    return plan_team(plans, absences=absences, covered=CALENDAR.overlaps)


def moved_after(before, after, now):
    return sum(
        moved(
            [(a.slot.start, a.slot.end, a.member) for a in before[role].assignments],
            [(a.slot.start, a.slot.end, a.member) for a in after[role].assignments],
            now,
        )
        for role in ROLES
    )


def feasible(candidates, absences=None, lengths=None):
    return feasible_with(candidates, absences or {}, lengths)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    team=teams(),
    primary=st.sampled_from(LENGTHS[:4]),
    secondary=st.sampled_from(LENGTHS[2:]),
    cut=st.floats(min_value=0.05, max_value=0.9),
    victim_index=st.integers(0, 14),
    offset_hours=st.integers(0, 200),
    days=st.integers(1, 10),
)
# Found by exploring: a day's absence takes member 4's 2-week secondary; trading it with member 1 moved
# both members' 4-hour primaries in two fortnights (17 moved, 10 allowed). Given to someone free in the
# primary rotation then, it moves far fewer.
@example(
    team=(
        [Candidate(i, p) for i, p in enumerate([100, 39, 10, 55, 86, 89, 19, 38], start=1)],
        {
            1: [(at(0), at(0, 1)), (at(0), at(16, 11)), (at(48, 13), at(48, 14))],
            2: [(at(0, 1), at(0, 9))],
            5: [(at(0, 2), at(0, 9))],
        },
    ),
    primary=240,
    secondary=14 * 24 * 60,
    cut=0.625,
    victim_index=3,
    offset_hours=0,
    days=1,
)
def test_a_new_absence_moves_at_most_twice_the_colliding_shifts_plus_eight_across_both_rotations(
    team, primary, secondary, cut, victim_index, offset_hours, days
):
    candidates, absences = team
    lengths = {"primary": primary, "secondary": secondary}
    assume(feasible(candidates, absences, lengths))
    before = first_plan(candidates, absences, lengths)
    slots = before["primary"].assignments
    now = slots[int(len(slots) * cut)].slot.start
    victim = candidates[victim_index % len(candidates)].id
    # The absence begins once the shifts under way end (the service splits a shift under way instead).
    under_way = [a.slot.end for role in ROLES for a in before[role].assignments if a.slot.start < now]
    begin = max([now, *under_way]) + dt.timedelta(hours=offset_hours)
    new_absence = (begin, begin + dt.timedelta(days=days))
    absences = {**absences, victim: [*absences.get(victim, []), new_absence]}

    after = replan(before, candidates, absences, lengths, now)

    check_team_bounds(after, candidates, absences, lengths)
    colliding = sum(
        1
        for role in ROLES
        for a in before[role].assignments
        if a.slot.start >= now and a.member == victim and overlaps(a.slot.start, a.slot.end, [new_absence])
    )
    moved = moved_after(before, after, now)
    assert moved <= 2 * colliding + REPAIR_MOVES, (moved, colliding)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    team=teams(max_members=10),
    primary=st.sampled_from(LENGTHS[:4]),
    secondary=st.sampled_from(LENGTHS[2:]),
    cut=st.floats(min_value=0.05, max_value=0.8),
    newcomer_pct=st.integers(10, 100),
)
# Found by CI: a 21 % newcomer joins ten members (3-day primary and secondary) and takes 2 shifts of
# each. Each rotation was held to its own budget (2 × its share of the newcomer's shifts + 8): settling
# the primary moved 12 and the secondary 8, 20 where 2 × 4 + 8 = 16 were allowed across both.
@example(
    team=(
        [Candidate(i, p) for i, p in enumerate([10, 32, 90, 99, 58, 44, 100, 17, 35, 61], start=1)],
        {
            1: [(at(17, 1), at(17, 17))],
            2: [(at(5, 11), at(14, 3)), (at(101, 18), at(111, 16))],
            4: [(at(274, 19), at(294, 8)), (at(40, 23), at(47, 1))],
            6: [(at(24, 15), at(31, 4))],
            7: [(at(179, 18), at(196, 23)), (at(4, 14), at(11, 6)), (at(74, 23), at(75, 18))],
            8: [(at(9, 23), at(21, 19))],
        },
    ),
    primary=3 * 24 * 60,
    secondary=3 * 24 * 60,
    cut=0.3810145392505125,
    newcomer_pct=21,
)
def test_a_late_joiner_takes_over_only_about_their_share(team, primary, secondary, cut, newcomer_pct):
    candidates, absences = team
    lengths = {"primary": primary, "secondary": secondary}
    before = first_plan(candidates, absences, lengths)
    slots = before["primary"].assignments
    now = slots[int(len(slots) * cut)].slot.start
    newcomer = Candidate(100, newcomer_pct, since=now)
    everyone = [*candidates, newcomer]
    assume(feasible(everyone, absences, lengths) and feasible(candidates, absences, lengths))

    after = replan(before, everyone, absences, lengths, now)

    taken = sum(1 for role in ROLES for a in after[role].assignments if a.member == newcomer.id)
    # Each shift the newcomer takes moves one shift; the rest is a small repair of the shares.
    assert moved_after(before, after, now) <= 2 * taken + REPAIR_MOVES
    assert all(
        a.member != newcomer.id for role in ROLES for a in after[role].assignments if a.slot.end <= now
    )


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    team=teams(max_members=10),
    primary=st.sampled_from(LENGTHS[:4]),
    secondary=st.sampled_from(LENGTHS[2:]),
    cut=st.floats(min_value=0.05, max_value=0.8),
    leaver_index=st.integers(0, 9),
)
def test_a_leaver_moves_only_their_own_shifts_and_a_small_repair(team, primary, secondary, cut, leaver_index):
    candidates, absences = team
    assume(len(candidates) >= 3)
    lengths = {"primary": primary, "secondary": secondary}
    before = first_plan(candidates, absences, lengths)
    slots = before["primary"].assignments
    now = slots[int(len(slots) * cut)].slot.start
    leaver = candidates[leaver_index % len(candidates)]
    staying = [c for c in candidates if c.id != leaver.id]
    assume(feasible(staying, absences, lengths) and feasible(candidates, absences, lengths))

    after = replan(before, staying, absences, lengths, now)

    theirs = sum(
        1 for role in ROLES for a in before[role].assignments if a.slot.start >= now and a.member == leaver.id
    )
    assert all(
        a.member != leaver.id for role in ROLES for a in after[role].assignments if a.slot.start >= now
    )
    assert moved_after(before, after, now) <= 2 * theirs + REPAIR_MOVES
