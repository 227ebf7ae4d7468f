"""Property tests of planning a team's primary and secondary rotations together (SPEC 3.2).

Fairness is read the way a manager reads it (tests/shifts/fairness.py, like rotation_audit.py): a member is
available for a shift when they are in the rotation and not absent — serving the other role does not
count them out. The longer-shift rotation stays within 1.5, the other within 1.5 plus the share of its
shifts that one longer shift covers; nobody serves both at once; whichever rotation is scheduled first.
"""

import bisect
import datetime as dt

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from shifts.scheduler import BOUND, Candidate, RolePlan, Slot, plan_team
from tests.shifts.fairness import deviations_after_every_shift, worst_ahead
from tests.shifts.test_scheduler_properties import CALENDAR, EPOCH, START, UNTIL, overlaps, year_of_slots

# 4 hours to 2 weeks, for each role independently.
LENGTHS = [240, 480, 24 * 60, 3 * 24 * 60, 7 * 24 * 60, 14 * 24 * 60]


@st.composite
def teams(draw, max_members=15):
    n = draw(st.integers(min_value=2, max_value=max_members))
    candidates = [Candidate(id=i, pct=draw(st.integers(10, 100))) for i in range(1, n + 1)]
    absences: dict[int, list] = {}
    for c in candidates:
        for _ in range(draw(st.integers(0, 3))):
            begin = EPOCH + dt.timedelta(hours=draw(st.integers(0, 360 * 24)))
            length = dt.timedelta(hours=draw(st.integers(1, 24 * 21)))
            absences.setdefault(c.id, []).append((begin, begin + length))
    return candidates, absences


def shares_of(start, end, candidates, absences):
    available = [c for c in candidates if not overlaps(start, end, absences.get(c.id, []))]
    total = sum(c.pct for c in available)
    return {c.id: c.pct / total for c in available}


def allowance(longer_rows, shorter_rows, candidates, absences):
    """The share of the shorter rotation's shifts that one longer shift covers (largest, any member)."""
    shared = [(s, e, shares_of(s, e, candidates, absences)) for s, e, _ in shorter_rows]
    starts = [s for s, _, _ in shared]
    worst = 0.0
    for l_start, l_end, _ in longer_rows:
        sums: dict[int, float] = {}
        i = max(0, bisect.bisect_left(starts, l_start) - 1)
        while i < len(shared) and shared[i][0] < l_end:
            s_start, s_end, part_of = shared[i]
            if l_start < s_end:
                for m, part in part_of.items():
                    sums[m] = sums.get(m, 0.0) + part
            i += 1
        worst = max(worst, *sums.values(), 0.0)
    return worst


# Up to this allowance beyond BOUND (the shorter rotation's bound up to 3, SPEC 3.2's example), nobody is
# more than BOUND ahead in either rotation when a team's rotations are planned or settle after a join or a
# leave. Beyond it, one longer shift keeps a member out of so many shorter ones that the others must run
# ahead to cover them: a fortnight's primary over 4 h secondaries (allowance 7), the other three members
# 3.0 ahead; daily primaries under a weekly secondary, 3 members (allowance 2.1), 1.53 (the sequence
# test's @examples).
AHEAD_ASSERTED_WITHIN = 1.5


# A member's share of one role at the busiest time plus their share of the other must leave this much of
# one person's time: serving both roles fairly is impossible above 1 (they would have to serve both at
# once), and greedy planning needs some slack below it.
LOAD_LIMIT = 0.9


def feasible(candidates, absences, lengths=None, limit=None) -> bool:
    """Both roles can be fair only if, at any time, nobody's share of the two together exceeds one
    person's time (a member with more than half of the percent-time of those present would have to serve
    both at once). We ask for slack: the largest share of the primary's slots plus the largest share of
    the secondary's slots (absences included, as the ledger counts them) at most LOAD_LIMIT."""
    limit = LOAD_LIMIT if limit is None else limit
    peaks = []
    for length in (lengths or {}).values() or [24 * 60, 24 * 60]:
        peak = 0.0
        for slot in year_of_slots(length):
            share = shares_of(slot.start, slot.end, candidates, absences)
            if share:
                peak = max(peak, *share.values())
        peaks.append(peak)
    return sum(peaks) <= limit + 1e-9


def worst_after_every_shift(rows, candidates, absences):
    pct = {c.id: c.pct for c in candidates}
    epoch = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    history = deviations_after_every_shift(rows, pct, dict.fromkeys(pct, epoch), absences)
    return max((abs(v) for surplus in history for v in surplus.values()), default=0.0)


def rows_of(assignments):
    return [(a.slot.start, a.slot.end, a.member) for a in assignments if a.member is not None]


def schedule_in_order(candidates, absences, lengths, first):
    """Schedule role `first` alone, then the other: the team is re-planned with both together."""
    roles = ["primary", "secondary"]
    # As the service plans it: alone, in a team that has another rotation (not scheduled yet).
    alone = plan_team(
        [RolePlan(first, lengths[first], year_of_slots(lengths[first]), candidates)],
        absences=absences,
        spread_out=True,
    )[first].assignments
    plans = []
    for role in roles:
        if role == first:
            slots = [Slot(a.slot.start, a.slot.end, preferred=a.member) for a in alone]
        else:
            slots = year_of_slots(lengths[role])
        plans.append(RolePlan(role, lengths[role], slots, candidates))
    return plan_team(plans, absences=absences)


def check_team_bounds(result, candidates, absences, lengths, ahead=True):
    rows = {role: rows_of(r.assignments) for role, r in result.items()}
    longer, shorter = sorted(rows, key=lambda role: (-lengths[role], role != "primary"))
    assert worst_after_every_shift(rows[longer], candidates, absences) <= BOUND + 1e-9
    extra = allowance(rows[longer], rows[shorter], candidates, absences)
    assert worst_after_every_shift(rows[shorter], candidates, absences) <= BOUND + extra + 1e-9, extra
    # The allowance is for falling behind while a longer shift keeps a member busy: nobody is ahead by
    # more than BOUND in either rotation (where one longer shift keeps a member out of at most 1.5 of their
    # share of the shorter ones: beyond, the others must run ahead to cover them, see the sequence test).
    if ahead and extra <= AHEAD_ASSERTED_WITHIN + 1e-9:
        pct = {c.id: c.pct for c in candidates}
        joined = dict.fromkeys(pct, dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
        for role in (longer, shorter):
            assert worst_ahead(rows[role], pct, joined, absences) <= BOUND + 1e-9, (role, extra)
    # Never the same person in both roles at once, nobody during an absence, every shift in coverage.
    for start, end, member in rows[shorter]:
        assert not any(m == member and s < end and start < e for s, e, m in rows[longer])
    for role_rows in rows.values():
        for start, end, member in role_rows:
            assert not overlaps(start, end, absences.get(member, []))
            assert CALENDAR.overlaps(start, end)
    return rows


@settings(max_examples=25, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    team=teams(),
    primary=st.sampled_from(LENGTHS),
    secondary=st.sampled_from(LENGTHS),
    first=st.sampled_from(["primary", "secondary"]),
)
# Three members, daily under weekly: back-to-back weeks kept the 13 % member out of the daily role for two
# weeks (3.67 where 3.47 is allowed) until the weekly rotation spread its shifts.
@example(
    team=([Candidate(1, 10), Candidate(2, 10), Candidate(3, 13)], {}),
    primary=24 * 60,
    secondary=7 * 24 * 60,
    first="secondary",
)
@example(
    team=([Candidate(1, 10), Candidate(2, 10), Candidate(3, 13)], {}),
    primary=7 * 24 * 60,
    secondary=8 * 60,
    first="primary",
)
def test_primary_and_secondary_planned_together_are_each_fair_whichever_is_scheduled_first(
    team, primary, secondary, first
):
    candidates, absences = team
    lengths = {"primary": primary, "secondary": secondary}
    assume(feasible(candidates, absences, lengths))
    result = schedule_in_order(candidates, absences, lengths, first)
    check_team_bounds(result, candidates, absences, lengths)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=st.sampled_from(["primary", "secondary"]), seed=st.integers(0, 3))
def test_daily_primaries_under_weekly_secondaries_the_issue_team(first, seed):
    """6 members at 100/100/80/50/50/20 %: secondary within 1.5, primary within 3, and the 20 % member
    never carries more secondary weeks than a 100 % one."""
    candidates = [Candidate(i, p) for i, p in enumerate([100, 100, 80, 50, 50, 20], start=1)]
    absences = {
        1 + seed: [(EPOCH + dt.timedelta(days=40), EPOCH + dt.timedelta(days=47))],
        6 - seed: [(EPOCH + dt.timedelta(days=200), EPOCH + dt.timedelta(days=203))],
    }
    lengths = {"primary": 24 * 60, "secondary": 7 * 24 * 60}
    result = schedule_in_order(candidates, absences, lengths, first)
    rows = check_team_bounds(result, candidates, absences, lengths)
    assert worst_after_every_shift(rows["primary"], candidates, absences) <= 3 + 1e-9
    weeks = {c.id: sum(1 for _, _, m in rows["secondary"] if m == c.id) for c in candidates}
    assert weeks[6] <= min(weeks[1], weeks[2]), weeks
    # The first week of the year and the last are planned (a weekly rotation from the first Monday).
    assert rows["secondary"][0][0].date() == START and rows["secondary"][-1][0].date() <= UNTIL


def test_the_secondary_never_takes_the_only_member_who_can_be_primary():
    """Two members, one away for three days: the other stays Primary; the secondary week goes unfilled."""
    candidates = [Candidate(1, 100), Candidate(2, 100)]
    away = {1: [(EPOCH + dt.timedelta(days=9), EPOCH + dt.timedelta(days=12))]}
    plans = [
        RolePlan("primary", 24 * 60, year_of_slots(24 * 60)[:40], candidates),
        RolePlan("secondary", 7 * 24 * 60, year_of_slots(7 * 24 * 60)[:8], candidates),
    ]
    result = plan_team(plans, absences=away)
    assert all(a.member is not None for a in result["primary"].assignments)
    assert result["secondary"].assignments[1].member is None
    assert all(a.member is not None for i, a in enumerate(result["secondary"].assignments) if i != 1)
