"""Stability of a team's two rotations through the sequence managers go through (SPEC 3.2): one rotation
scheduled, then the other; a member joins and another leaves; THEN a new absence. The absence moves at
most 2 × the shifts it collides with + 8 across both rotations, and both rotations stay within their
bounds as a manager reads them (late joiner counted from the join, the leaver's shifts count for nobody),
in a team zone other than UTC.
"""

import dataclasses
import datetime as dt
from collections.abc import Callable

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from shifts.business_time import BusinessCalendar
from shifts.scheduler import BOUND, REPAIR_MOVES, Candidate, RolePlan, Slot, plan_team, slots_for_rotation
from tests.shifts.fairness import deviations_after_every_shift
from tests.shifts.test_joint_planning_properties import LENGTHS, teams

ROLES = ("primary", "secondary")
START = dt.date(2026, 1, 5)
UNTIL = dt.date(2026, 12, 31)
EPOCH = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
WEEKDAYS_9_17 = [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(5)]
ISSUE_TEAM = [Candidate(i, p) for i, p in enumerate([100, 100, 80, 50, 50, 20], start=1)]
_SLOTS: dict[tuple[str, int], list[tuple[dt.datetime, dt.datetime]]] = {}


def calendar(zone):
    return BusinessCalendar(timezone=zone, coverage=WEEKDAYS_9_17, holidays=[])


def year_of_slots(zone, length):
    if (zone, length) not in _SLOTS:
        _SLOTS[zone, length] = list(
            slots_for_rotation(
                calendar=calendar(zone),
                starts_on=START,
                handoff_time=dt.time(9, 0),
                shift_length_minutes=length,
                until=UNTIL,
            )
        )
    return _SLOTS[zone, length]


def plan(zone, candidates, absences, lengths, before=None, now=EPOCH, roles=ROLES):
    """Plan `roles` together; shifts started before `now` are kept, later ones are the published ones."""
    plans = []
    for role in roles:
        published = (
            {a.slot.start: a.member for a in before[role].assignments} if before and role in before else {}
        )
        slots = []
        for start, end in year_of_slots(zone, lengths[role]):
            member = published.get(start)
            if start < now:
                if member is not None:
                    slots.append(Slot(start, end, pinned=member))
            else:
                slots.append(Slot(start, end, preferred=member))
        plans.append(RolePlan(role, lengths[role], slots, candidates))
    # As the services plan it: the team has two rotations, so one planned alone spreads its shifts.
    return plan_team(plans, absences=absences, spread_out=True)


def moved_after(before, after, now):
    moved = 0
    for role in ROLES:
        old = {a.slot.start: a.member for a in before[role].assignments if a.slot.start >= now}
        new = {a.slot.start: a.member for a in after[role].assignments if a.slot.start >= now}
        moved += sum(1 for start, member in new.items() if old.get(start) != member)
    return moved


def shares_at(start, end, candidates, absences):
    available = [
        c
        for c in candidates
        if (c.since is None or c.since < end)
        and not any(s < end and start < e for s, e in absences.get(c.id, []))
    ]
    total = sum(c.pct for c in available)
    return {c.id: c.pct / total for c in available}


def feasible(candidates, absences, lengths, zone):
    """Nobody carries more than a third of the percent-time of those present at any slot (the slack the
    joint properties of test_joint_planning_properties.py ask for)."""
    for length in set(lengths.values()):
        for start, end in year_of_slots(zone, length):
            share = shares_at(start, end, candidates, absences)
            if share and max(share.values()) > 1 / 3 + 1e-9:
                return False
    return True


def worst(rows, candidates, absences):
    pct = {c.id: c.pct for c in candidates}
    joined = {c.id: c.since or dt.datetime(2000, 1, 1, tzinfo=dt.UTC) for c in candidates}
    history = deviations_after_every_shift(rows, pct, joined, absences)
    return max((abs(v) for surplus in history for v in surplus.values()), default=0.0)


def allowance(longer_rows, shorter_rows, candidates, absences):
    """The largest share of the shorter rotation's shifts that one longer shift covers (any member)."""
    largest = 0.0
    for l_start, l_end, _ in longer_rows:
        sums: dict[int, float] = {}
        for s_start, s_end, _ in shorter_rows:
            if s_start < l_end and l_start < s_end:
                for m, part in shares_at(s_start, s_end, candidates, absences).items():
                    sums[m] = sums.get(m, 0.0) + part
        largest = max(largest, *sums.values(), 0.0)
    return largest


@dataclasses.dataclass(frozen=True)
class Sequence:
    """One run of the sequence: the team, the two lengths, which is scheduled first, the zone, when the
    newcomer joins (and at what percent-time), who leaves, and the new absence (whose, when, how long)."""

    team: tuple[list[Candidate], dict[int, list[tuple[dt.datetime, dt.datetime]]]]
    primary: int
    secondary: int
    first: str
    zone: str
    join_day: int
    newcomer_pct: int
    leaver_index: int
    victim_index: int
    offset_days: int
    days: int

    def example(self) -> str:
        """The sequence as an @example(...) for the test below."""
        fields = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in dataclasses.fields(self))
        text = f"@example({fields})"
        return text.replace("datetime.datetime(", "dt.datetime(").replace("datetime.timezone.utc", "dt.UTC")


def run_sequence(seq: Sequence, limit: Callable[[list, dict], bool]) -> dict | None:
    """Plan the sequence; None when `limit` rejects the team before or after the change. Returns the
    deviations (worst, allowed) of both rotations after every step, the conflicts and, for the new
    absence, the shifts moved and the moves allowed."""
    candidates, absences = seq.team
    lengths = {"primary": seq.primary, "secondary": seq.secondary}
    if not limit(candidates, absences):
        return None
    # One rotation is scheduled, then the other (the team is re-planned with both together).
    alone = plan(seq.zone, candidates, absences, lengths, roles=(seq.first,))
    both = plan(seq.zone, candidates, absences, lengths, before=alone)
    # A member joins both rotations and another leaves them.
    now = EPOCH + dt.timedelta(days=seq.join_day, hours=3)
    leaver = candidates[seq.leaver_index % len(candidates)].id if len(candidates) > 2 else None
    team_now = [c for c in candidates if c.id != leaver] + [Candidate(100, seq.newcomer_pct, since=now)]
    if not limit(team_now, absences):
        return None
    changed = plan(seq.zone, team_now, absences, lengths, before=both, now=now)
    # Then a new absence, once the shifts under way have ended.
    now += dt.timedelta(hours=1)
    under_way = [a.slot.end for role in ROLES for a in changed[role].assignments if a.slot.start < now]
    begin = max([now, *under_way]) + dt.timedelta(days=seq.offset_days)
    new_absence = (begin, begin + dt.timedelta(days=seq.days))
    victim = team_now[seq.victim_index % len(team_now)].id
    later = {**absences, victim: [*absences.get(victim, []), new_absence]}
    if not limit(team_now, later):
        return None
    after = plan(seq.zone, team_now, later, lengths, before=changed, now=now)

    outcome = {"deviations": [], "conflicts": 0}
    for result, members, away in (
        (both, candidates, absences),
        (changed, team_now, absences),
        (after, team_now, later),
    ):
        deviations, conflicts = bounds_of(result, members, away, lengths)
        outcome["deviations"] += deviations
        outcome["conflicts"] += conflicts
    colliding = sum(
        1
        for role in ROLES
        for a in changed[role].assignments
        if a.slot.start >= now
        and a.member == victim
        and a.slot.start < new_absence[1]
        and new_absence[0] < a.slot.end
    )
    # What the join and the leave moved, and the least they could: the leaver's published shifts and
    # the newcomer's new ones (each moves one shift).
    outcome["join_moved"] = moved_after(both, changed, now - dt.timedelta(hours=1))
    outcome["join_needed"] = 0
    for role in ROLES:
        old = {a.slot.start: a.member for a in both[role].assignments}
        outcome["join_needed"] += sum(
            1
            for a in changed[role].assignments
            if a.slot.start >= now - dt.timedelta(hours=1)
            and (old.get(a.slot.start) == leaver or a.member == 100)
        )
    outcome["moved"] = moved_after(changed, after, now)
    outcome["allowed"] = 2 * colliding + REPAIR_MOVES
    return outcome


def bounds_of(result, candidates, absences, lengths):
    """[(worst deviation, allowed)] of the longer and the shorter rotation, and how many shifts are
    served by someone absent or serving the other role then."""
    rows = {
        role: [(a.slot.start, a.slot.end, a.member) for a in r.assignments if a.member is not None]
        for role, r in result.items()
    }
    longer, shorter = sorted(rows, key=lambda role: (-lengths[role], role != "primary"))
    extra = allowance(rows[longer], rows[shorter], candidates, absences)
    deviations = [
        (worst(rows[longer], candidates, absences), BOUND),
        (worst(rows[shorter], candidates, absences), BOUND + extra),
    ]
    conflicts = sum(
        1
        for start, end, member in rows[shorter]
        if any(m == member and s < end and start < e for s, e, m in rows[longer])
    )
    conflicts += sum(
        1
        for role_rows in rows.values()
        for start, end, member in role_rows
        if any(s < end and start < e for s, e in absences.get(member, []))
    )
    return deviations, conflicts


def breaches_of(outcome: dict) -> list[tuple[str, float, float]]:
    """(kind, value, allowed) of every breach of SPEC 3.2 in a run's outcome."""
    found = [
        ("deviation", value, allowed) for value, allowed in outcome["deviations"] if value > allowed + 1e-9
    ]
    if outcome["conflicts"]:
        found.append(("conflict", outcome["conflicts"], 0))
    if outcome["moved"] > outcome["allowed"]:
        found.append(("moved", outcome["moved"], outcome["allowed"]))
    return found


@settings(max_examples=8, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    team=teams(max_members=12),
    primary=st.sampled_from(LENGTHS),
    secondary=st.sampled_from(LENGTHS),
    first=st.sampled_from(ROLES),
    zone=st.sampled_from(["Asia/Tokyo", "America/New_York", "Europe/Zurich"]),
    join_day=st.integers(10, 200),
    newcomer_pct=st.integers(10, 100),
    leaver_index=st.integers(0, 14),
    victim_index=st.integers(0, 15),
    offset_days=st.integers(0, 60),
    days=st.integers(1, 10),
)
# The breach the last verification found: daily primary, weekly secondary, primary scheduled first, a
# late joiner and a leaver, then a week's absence of a full-time member (15 moved where 12 were allowed).
@example(
    team=(ISSUE_TEAM, {}),
    primary=24 * 60,
    secondary=7 * 24 * 60,
    first="primary",
    zone="Asia/Tokyo",
    join_day=30,
    newcomer_pct=60,
    leaver_index=3,
    victim_index=0,
    offset_days=29,
    days=7,
)
@example(
    team=(ISSUE_TEAM, {}),
    primary=24 * 60,
    secondary=7 * 24 * 60,
    first="primary",
    zone="America/New_York",
    join_day=30,
    newcomer_pct=60,
    leaver_index=3,
    victim_index=0,
    offset_days=62,
    days=7,
)
@example(
    team=(ISSUE_TEAM, {}),
    primary=24 * 60,
    secondary=7 * 24 * 60,
    first="secondary",
    zone="Asia/Tokyo",
    join_day=30,
    newcomer_pct=60,
    leaver_index=3,
    victim_index=2,
    offset_days=40,
    days=7,
)
def test_after_a_join_and_a_leave_a_new_absence_moves_at_most_twice_the_colliding_shifts_plus_eight(
    team,
    primary,
    secondary,
    first,
    zone,
    join_day,
    newcomer_pct,
    leaver_index,
    victim_index,
    offset_days,
    days,
):
    seq = Sequence(
        team,
        primary,
        secondary,
        first,
        zone,
        join_day,
        newcomer_pct,
        leaver_index,
        victim_index,
        offset_days,
        days,
    )
    lengths = {"primary": primary, "secondary": secondary}
    outcome = run_sequence(
        seq, limit=lambda candidates, absences: feasible(candidates, absences, lengths, zone)
    )
    assume(outcome is not None)
    assert not breaches_of(outcome), outcome
