"""The fair-share scheduler (SPEC 3.2) as pure functions over plain data; `services/rotations.py` is the
thin database layer around it, so property tests can run a year of shifts per example without a database.

The rule, for every slot in time order:

* the members *available* for a slot are the rotation's members who are not absent for any part of it
  and do not serve the other role at any moment of it;
* each available member's *expected* count grows by pct(m) / Σ pct(available);
* the slot goes to the available member with the largest deficit (expected − served), except that
  - a kept shift (past, override, swap) is taken as it is and counts for whoever serves it,
  - an existing future assignment is kept when that member is still available and keeping it cannot
    push anyone outside the bound (so re-planning moves as few shifts as possible; this wins over the
    next rule, since a published shift that moves costs people more than a back-to-back pair),
  - the member who served the previous slot is passed over for the runner-up while both have slack,
    so back-to-back shifts happen only when fairness requires them.

Thresholds below keep |served − expected| ≤ BOUND (1.5) after every slot; hypothesis checks it.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from .business_time import BusinessCalendar

BOUND = 1.5
# A kept (preferred) or runner-up choice must leave the chosen member ≥ −1.5 after serving...
MIN_DEFICIT_TO_SERVE = BOUND - 1.0
# ...and leave whoever is passed over with room to catch up on the next slot (a share is at most 1).
MAX_DEFICIT_TO_PASS_OVER = BOUND - 1.0
EPSILON = 1e-9

Interval = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True)
class Candidate:
    id: int
    pct: int
    # When the member joined the rotation: slots that ended before it count neither toward their fair
    # share nor toward what they served (a late joiner owes nothing for the past, SPEC 3.2). The slot
    # under way when they joined counts, so founding members added mid-slot can take the first slot.
    since: dt.datetime | None = None

    def member_during(self, slot: Slot) -> bool:
        return self.since is None or self.since < slot.end


@dataclass(frozen=True)
class Slot:
    start: dt.datetime
    end: dt.datetime
    # A kept shift: who serves it, fixed (past, or an override/swap).
    pinned: int | None = None
    # The current assignment of an already-published future shift, kept if still fair and valid.
    preferred: int | None = None


@dataclass
class Ledger:
    served: dict[int, int] = field(default_factory=dict)
    expected: dict[int, float] = field(default_factory=dict)

    def deficit(self, member_id: int) -> float:
        return self.expected.get(member_id, 0.0) - self.served.get(member_id, 0)


@dataclass(frozen=True)
class Assignment:
    slot: Slot
    member: int | None  # None: nobody available, the slot stays uncovered
    available: tuple[int, ...]


def in_ledger(member: int | None, slot: Slot, by_id: dict[int, Candidate]) -> bool:
    """Whether a slot served by `member` takes part in the fair share at all.

    A kept shift served by someone outside the rotation at that time (a member who has left, an override
    to a teammate who is not in it, a shift before someone joined) is outside the ledger: it counts for
    nobody's share. Otherwise the members available would each owe part of a shift none of them served,
    and one member leaving would push everybody else out of the bound.
    """
    return member is None or (member in by_id and by_id[member].member_during(slot))


class IntervalIndex:
    """Per-member sorted, merged busy intervals with an O(log n) overlap test."""

    def __init__(self, intervals: dict[int, Iterable[Interval]] | None = None) -> None:
        self._starts: dict[int, list[dt.datetime]] = {}
        self._ends: dict[int, list[dt.datetime]] = {}
        for member_id, items in (intervals or {}).items():
            merged: list[list[dt.datetime]] = []
            for start, end in sorted(items):
                if merged and start <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], end)
                else:
                    merged.append([start, end])
            self._starts[member_id] = [s for s, _ in merged]
            self._ends[member_id] = [e for _, e in merged]

    def overlaps(self, member_id: int, start: dt.datetime, end: dt.datetime) -> bool:
        starts = self._starts.get(member_id)
        if not starts:
            return False
        # The last merged interval starting before `end` is the only one that can overlap [start, end).
        i = bisect.bisect_left(starts, end) - 1
        return i >= 0 and self._ends[member_id][i] > start


def slots_for_rotation(
    *,
    calendar: BusinessCalendar,
    starts_on: dt.date,
    handoff_time: dt.time,
    shift_length_minutes: int,
    until: dt.date,
    not_before: dt.datetime | None = None,
) -> Iterator[Interval]:
    """Shift slots [start, end) in UTC that overlap coverage and start on or before `until` (local date).

    Slot boundaries are wall-clock: starts_on at handoff_time, then every shift_length on the team's clock,
    so a daily handoff stays at 09:00 across DST changes (a slot spanning the change is an hour longer or
    shorter in real time). Slots keep their full bounds, they are not clipped to coverage: the Primary of a
    daily 09:00 shift owns the evening too, and an arrival outside coverage goes to the next shift's Primary.
    A boundary in a DST gap moves to the first real instant after it; a slot that collapses is skipped.
    """
    tz = calendar.tz
    step = dt.timedelta(minutes=shift_length_minutes)
    base = dt.datetime.combine(starts_on, handoff_time)
    last_start = dt.datetime.combine(until + dt.timedelta(days=1), dt.time())
    # Jump straight to the slot containing `not_before` instead of walking years of past slots.
    k = 0
    if not_before is not None:
        local_not_before = not_before.astimezone(tz).replace(tzinfo=None)
        if local_not_before > base:
            k = max(0, (local_not_before - base) // step - 1)
    wall = base + k * step
    start = wall.replace(tzinfo=tz).astimezone(dt.UTC)
    while wall < last_start:
        next_wall = wall + step
        end = next_wall.replace(tzinfo=tz).astimezone(dt.UTC)
        if end > start and (not_before is None or end > not_before) and calendar.overlaps(start, end):
            yield start, end
        wall, start = next_wall, end


def available_for(
    slot: Slot, candidates: Sequence[Candidate], absences: IntervalIndex, busy: IntervalIndex
) -> list[Candidate]:
    return [
        c
        for c in candidates
        if c.member_during(slot)
        and not absences.overlaps(c.id, slot.start, slot.end)
        and not busy.overlaps(c.id, slot.start, slot.end)
    ]


@dataclass(frozen=True)
class Mode:
    """How a re-plan treats the existing (preferred) assignments; see `assign`."""

    name: str
    # Keep every preferred assignment whose member can still serve, and fill only the slots that lost theirs.
    keep_all_valid: bool
    # Otherwise keep a preferred member only if their deficit is at least this before serving.
    min_deficit_to_keep: float = MIN_DEFICIT_TO_SERVE


MINIMAL = Mode("minimal", keep_all_valid=True)
# Keeps a preferred member as long as serving leaves them inside the bound (deficit ≥ −0.5 before).
LENIENT = Mode("lenient", keep_all_valid=False, min_deficit_to_keep=1.0 - BOUND)
GUARDED = Mode("guarded", keep_all_valid=False)
# Single-shift repairs tried on the minimal plan (see shifts/repair.py): a re-plan that gets by with them
# moves at most 2 × (shifts that lost their member) + REPAIR_MOVES shifts.
REPAIR_MOVES = 8


def assign(
    *,
    slots: Sequence[Slot],
    candidates: Sequence[Candidate],
    absences: dict[int, Iterable[Interval]] | None = None,
    busy: dict[int, Iterable[Interval]] | None = None,
) -> tuple[list[Assignment], Ledger]:
    """Assign `slots` (sorted by start) by the fair-share rule; returns the assignments and the ledger.

    Re-planning tries the plans that move the fewest shifts first and returns the first that holds the
    bound at every slot:

    1. minimal: only the slots whose member can no longer serve change, each by a two-shift trade with
       the member whose next slot the lost member can serve again, or else given to the available member
       with the largest deficit who does not serve the slot before or after;
    2. lenient: keep an assignment while serving it leaves its member inside the bound and nobody else is
       about to fall out of it; otherwise the largest deficit takes the slot. It moves more than (1) when
       the change shifts everyone's share (a new member, a long absence of someone with a large share):
       the bound then *requires* shifts to move, and the rule moves them where the deficit builds up;
    3. guarded: the same with a margin (keep only members truly behind), which always holds the bound
       (hypothesis checks it) but can move many shifts; used only when (2) fails.
    """
    absence_index, busy_index = IntervalIndex(absences), IntervalIndex(busy)
    if not any(slot.preferred is not None for slot in slots):
        return _run(slots, candidates, absence_index, busy_index, mode=GUARDED)
    minimal, ledger = _run(slots, candidates, absence_index, busy_index, mode=MINIMAL)
    if worst_deviation_over(minimal, candidates) <= BOUND + EPSILON:
        return minimal, ledger
    from .repair import repair  # repair.py builds on this module's types

    repaired = repair(
        minimal,
        candidates,
        movable=[slot.pinned is None for slot in slots],
        budget=REPAIR_MOVES,
        bound=BOUND,
    )
    if repaired is not None:
        return repaired, ledger_of(repaired, candidates)
    lenient = _run(slots, candidates, absence_index, busy_index, mode=LENIENT)
    if worst_deviation_over(lenient[0], candidates) <= BOUND + EPSILON:
        return lenient
    return _run(slots, candidates, absence_index, busy_index, mode=GUARDED)


def _run(
    slots: Sequence[Slot],
    candidates: Sequence[Candidate],
    absence_index: IntervalIndex,
    busy_index: IntervalIndex,
    *,
    mode: Mode,
) -> tuple[list[Assignment], Ledger]:
    ledger = Ledger()
    served, expected = ledger.served, ledger.expected
    by_id = {c.id: c for c in candidates}
    for c in candidates:
        served.setdefault(c.id, 0)
        expected.setdefault(c.id, 0.0)
    result: list[Assignment] = []
    previous: int | None = None
    # Minimal re-planning trades instead of cascading: a slot that lost its member v goes to the member W
    # whose own next slot is the first one v can serve again, and that later slot goes to v.
    reserved: dict[int, int] = {}  # slot index -> member who takes it in a trade
    for index, slot in enumerate(slots):
        available = available_for(slot, candidates, absence_index, busy_index)
        total = sum(c.pct for c in available)
        if in_ledger(slot.pinned, slot, by_id):
            for c in available:
                expected[c.id] += c.pct / total
        available_ids = {c.id for c in available}
        traded = reserved.pop(index, None)
        if slot.pinned is not None:
            chosen: int | None = slot.pinned
        elif not available:
            chosen = None
        elif traded in available_ids:
            chosen = traded
        elif mode.keep_all_valid and slot.preferred in available_ids:
            chosen = slot.preferred
        elif mode.keep_all_valid:
            chosen = None
            if slot.preferred is not None:
                chosen = _trade(
                    index, slots, slot.preferred, available_ids, reserved, by_id, absence_index, busy_index
                )
            if chosen is None:
                chosen = _fill(available, ledger, previous, _next_holder(slots, index, reserved))
        else:
            chosen = _choose(slot, available, available_ids, ledger, previous, mode.min_deficit_to_keep)
        if chosen is not None:
            if in_ledger(chosen, slot, by_id):
                served[chosen] += 1
            previous = chosen
        result.append(Assignment(slot, chosen, tuple(sorted(available_ids))))
    return result, ledger


def _next_holder(slots: Sequence[Slot], index: int, reserved: dict[int, int]) -> int | None:
    if index + 1 >= len(slots):
        return None
    following = slots[index + 1]
    return reserved.get(index + 1, following.pinned if following.pinned is not None else following.preferred)


def _fill(available: list[Candidate], ledger: Ledger, previous: int | None, following: int | None) -> int:
    """The largest deficit among the available members who serve neither the slot before nor after."""
    ranked = sorted(available, key=lambda c: (-ledger.deficit(c.id), -c.pct, c.id))
    for c in ranked:
        if c.id not in (previous, following):
            return c.id
    return ranked[0].id


def _trade(
    index: int,
    slots: Sequence[Slot],
    lost: int,
    available_ids: set[int],
    reserved: dict[int, int],
    by_id: dict[int, Candidate],
    absence_index: IntervalIndex,
    busy_index: IntervalIndex,
) -> int | None:
    """Find W for a trade with `lost` (see _run); reserve W's slot for `lost`. None if there is none."""
    if lost not in by_id:
        return None  # the member left the rotation: nobody to trade back with
    for j in range(index + 1, len(slots)):
        later = slots[j]
        if j in reserved or later.pinned is not None:
            continue
        if not available_for(later, [by_id[lost]], absence_index, busy_index):
            continue
        # The first slot `lost` can serve again: trade only if its holder can serve now.
        if later.preferred in available_ids and later.preferred != lost:
            reserved[j] = lost
            return later.preferred
        return None
    return None


def worst_deviation_over(assignments: Sequence[Assignment], candidates: Sequence[Candidate]) -> float:
    """max |served − expected| over every prefix of the schedule (the SPEC 3.2 bound)."""
    by_id = {c.id: c for c in candidates}
    pct = {c.id: c.pct for c in candidates}
    served: dict[int, int] = dict.fromkeys(pct, 0)
    expected: dict[int, float] = dict.fromkeys(pct, 0.0)
    worst = 0.0
    for a in assignments:
        if not in_ledger(a.member, a.slot, by_id):
            continue
        total = sum(pct[m] for m in a.available)
        for m in a.available:
            expected[m] += pct[m] / total
        if a.member is not None:
            served[a.member] += 1
        # Only the members whose numbers moved can set a new maximum.
        for m in (*a.available, a.member):
            if m in served:
                worst = max(worst, abs(served[m] - expected[m]))
    return worst


def _choose(
    slot: Slot,
    available: list[Candidate],
    available_ids: set[int],
    ledger: Ledger,
    previous: int | None,
    min_deficit_to_keep: float = MIN_DEFICIT_TO_SERVE,
) -> int:
    # Largest deficit first; ties go to the larger percent-time, then the lower id (deterministic).
    ranked = sorted(available, key=lambda c: (-ledger.deficit(c.id), -c.pct, c.id))
    best = ranked[0].id
    # Stability beats variety: an existing assignment is kept even back-to-back when the bound allows,
    # because moving published shifts costs people more than a double shift the rule already accepted.
    if slot.preferred in available_ids:
        # Safe when the kept member stays ≥ −1.5 after serving and everyone passed over could take one
        # more slot of the same share without leaving the bound.
        total = sum(c.pct for c in available)
        if ledger.deficit(slot.preferred) >= min_deficit_to_keep - EPSILON and all(
            ledger.deficit(c.id) + c.pct / total <= BOUND + EPSILON
            for c in available
            if c.id != slot.preferred
        ):
            return slot.preferred
    if best == previous and len(ranked) > 1:
        runner_up = ranked[1].id
        if (
            ledger.deficit(best) <= MAX_DEFICIT_TO_PASS_OVER + EPSILON
            and ledger.deficit(runner_up) >= MIN_DEFICIT_TO_SERVE - EPSILON
        ):
            return runner_up
    return best


def ledger_of(assignments: Sequence[Assignment], candidates: Sequence[Candidate]) -> Ledger:
    ledger = Ledger()
    by_id = {c.id: c for c in candidates}
    for c in candidates:
        ledger.served[c.id], ledger.expected[c.id] = 0, 0.0
    for a in assignments:
        if not in_ledger(a.member, a.slot, by_id):
            continue
        total = sum(by_id[m].pct for m in a.available)
        for m in a.available:
            ledger.expected[m] += by_id[m].pct / total
        if a.member is not None:
            ledger.served[a.member] += 1
    return ledger


def worst_deviation(ledger: Ledger) -> float:
    return max((abs(ledger.deficit(m)) for m in ledger.expected), default=0.0)
