"""The fairness ledger of SPEC 3.2: the one definition of a member's fair share of a rotation.

    expected(m) = Σ over shifts s where m is available: pct(m) / Σ pct(available in s)
    deviation(m) = served(m) − expected(m)

*Available* for a shift means in the rotation during it (from the shift under way when the member joined)
and not absent for any part of it — nothing else: serving the other role at the same time is a conflict
for the scheduler to resolve, not a reason to leave someone out of the share. Shifts count for whoever
actually served them (overrides and swaps included); a shift served by someone outside the rotation at
the time is part of nobody's share.

The scheduler (shifts/scheduler.py), its repair step (shifts/repair.py) and the load report
(reports/) all keep their figures with `Ledger` and `availability`, so what a manager reads is
what the scheduler keeps within bounds.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

BOUND = 1.5
EPSILON = 1e-9

Interval = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True)
class Candidate:
    """A member of a rotation: percent-time, and since when they are in it (None: from the start)."""

    id: int
    pct: int
    # Shifts that ended before the member joined count neither toward their fair share nor toward what
    # they served (a late joiner owes nothing for the past). The shift under way when they joined counts.
    since: dt.datetime | None = None

    def in_rotation_for(self, end: dt.datetime) -> bool:
        return self.since is None or self.since < end


class IntervalIndex:
    """Per-member sorted, merged intervals (absences, shifts served) with an O(log n) overlap test."""

    def __init__(self, intervals: Mapping[int, Iterable[Interval]] | None = None) -> None:
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

    @property
    def has_any(self) -> bool:
        return bool(self._starts)

    def overlaps(self, member_id: int, start: dt.datetime, end: dt.datetime) -> bool:
        starts = self._starts.get(member_id)
        if not starts:
            return False
        # The last merged interval starting before `end` is the only one that can overlap [start, end).
        i = bisect.bisect_left(starts, end) - 1
        return i >= 0 and self._ends[member_id][i] > start

    def overlap_hours(self, member_id: int, start: dt.datetime, end: dt.datetime) -> float:
        """How many hours of [start, end) the intervals of `member_id` cover."""
        starts = self._starts.get(member_id)
        if not starts:
            return 0.0
        ends = self._ends[member_id]
        total = 0.0
        i = max(0, bisect.bisect_right(ends, start))
        while i < len(starts) and starts[i] < end:
            total += (min(end, ends[i]) - max(start, starts[i])).total_seconds() / 3600
            i += 1
        return total

    def within(self, member_id: int, start: dt.datetime, end: dt.datetime) -> list[Interval]:
        """The merged intervals of `member_id` that overlap [start, end), clipped to it."""
        starts = self._starts.get(member_id)
        if not starts:
            return []
        ends = self._ends[member_id]
        out = []
        i = max(0, bisect.bisect_right(ends, start))
        while i < len(starts) and starts[i] < end:
            if ends[i] > start:
                out.append((max(start, starts[i]), min(end, ends[i])))
            i += 1
        return out

    def covering(self, member_id: int, start: dt.datetime, end: dt.datetime) -> Interval | None:
        """The merged interval of `member_id` that overlaps [start, end), if any."""
        starts = self._starts.get(member_id)
        if not starts:
            return None
        i = bisect.bisect_left(starts, end) - 1
        if i >= 0 and self._ends[member_id][i] > start:
            return starts[i], self._ends[member_id][i]
        return None


def availability(
    candidates: Sequence[Candidate], start: dt.datetime, end: dt.datetime, absences: IntervalIndex
) -> list[Candidate]:
    """The members available for the shift [start, end): in the rotation and not absent."""
    return [c for c in candidates if c.in_rotation_for(end) and not absences.overlaps(c.id, start, end)]


def shares(available: Iterable[Candidate]) -> dict[int, float]:
    """Each available member's part of one shift, in proportion to percent-time."""
    available = list(available)
    total = sum(c.pct for c in available)
    return {c.id: c.pct / total for c in available} if total else {}


def counts(member: int | None, end: dt.datetime, by_id: Mapping[int, Candidate]) -> bool:
    """Whether a shift served by `member` (None: not served) takes part in the fair share.

    A shift served by someone outside the rotation at the time (a member who has left, an override to a
    teammate who is not in it) counts for nobody; neither does a slot nobody served (no shift exists).
    """
    return member is not None and member in by_id and by_id[member].in_rotation_for(end)


@dataclass
class Ledger:
    """Served and expected shifts per member, the worst |deviation| reached after any shift, and the
    furthest ahead anyone went by serving a shift that was not kept as it was (`ahead`)."""

    served: dict[int, int] = field(default_factory=dict)
    expected: dict[int, float] = field(default_factory=dict)
    worst: dict[int, float] = field(default_factory=dict)
    # A rotation that yields to another may fall behind beyond BOUND (its allowance, `cover_share`), never
    # go ahead beyond it: this is what the scheduler holds to BOUND. Kept shifts (past, overrides) are
    # left out: a plan cannot change them.
    ahead: dict[int, float] = field(default_factory=dict)

    @classmethod
    def of(cls, member_ids: Iterable[int]) -> Ledger:
        ids = list(member_ids)
        return cls(dict.fromkeys(ids, 0), dict.fromkeys(ids, 0.0), dict.fromkeys(ids, 0.0))

    def record(self, share: Mapping[int, float], served_by: int | None, kept: bool = False) -> None:
        """One shift: everyone available accrues their share, whoever served it one shift."""
        expected, served, worst = self.expected, self.served, self.worst
        for member_id, part in share.items():
            expected[member_id] = expected.get(member_id, 0.0) + part
        if served_by is not None:
            served[served_by] = served.get(served_by, 0) + 1
            if not kept:
                deviation = served[served_by] - expected.get(served_by, 0.0)
                self.ahead[served_by] = max(self.ahead.get(served_by, 0.0), deviation)
        # |deviation| inlined: the scheduler records every slot of every plan it tries.
        for member_id in (*share, served_by):
            if member_id is not None:
                deviation = served.get(member_id, 0) - expected.get(member_id, 0.0)
                worst[member_id] = max(worst.get(member_id, 0.0), abs(deviation))

    def deviation(self, member_id: int) -> float:
        """served − expected: positive when the member served more than their share."""
        return self.served.get(member_id, 0) - self.expected.get(member_id, 0.0)

    def deficit(self, member_id: int) -> float:
        return -self.deviation(member_id)

    def worst_deviation(self) -> float:
        return max(self.worst.values(), default=0.0)

    def worst_ahead(self) -> float:
        return max(self.ahead.values(), default=0.0)

    def holds(self, bound: float, ahead: float = BOUND) -> bool:
        """Whether nobody went beyond `bound` either way, nor by serving more than `ahead` ahead."""
        return self.excess(bound, ahead) <= EPSILON

    def excess(self, bound: float, ahead: float = BOUND) -> float:
        """How far the ledger goes beyond what `holds` allows (0 when it holds)."""
        return max(0.0, self.worst_deviation() - bound, self.worst_ahead() - min(bound, ahead))


def replay(
    shifts: Iterable[tuple[dt.datetime, dt.datetime, int | None]],
    candidates: Sequence[Candidate],
    absences: IntervalIndex | Mapping[int, Iterable[Interval]] | None = None,
) -> Ledger:
    """The ledger of one rotation's shifts (start, end, who served), taken in time order."""
    index = absences if isinstance(absences, IntervalIndex) else IntervalIndex(absences)
    by_id = {c.id: c for c in candidates}
    ledger = Ledger.of(by_id)
    for start, end, member in sorted(shifts, key=lambda s: s[0]):
        if counts(member, end, by_id):
            ledger.record(shares(availability(candidates, start, end, index)), member)
    return ledger


def cover_share(
    longer: Iterable[Interval],
    shorter: Sequence[tuple[dt.datetime, dt.datetime, Mapping[int, float]]],
) -> float:
    """The largest expected share of the shorter-shift rotation that one longer shift covers.

    `shorter` holds each shorter shift with its shares. For every longer shift, sum per member the shares
    of the shorter shifts it overlaps; the largest sum is how far the holder of a longer shift can fall
    behind in the other role while they cannot serve it (SPEC 3.2: the shorter rotation's allowance).
    """
    starts = [s for s, _, _ in shorter]
    worst = 0.0
    for start, end in longer:
        i = max(0, bisect.bisect_left(starts, start) - 1)
        sums: dict[int, float] = {}
        while i < len(shorter) and shorter[i][0] < end:
            s_start, s_end, share = shorter[i]
            if s_end > start:
                for member_id, part in share.items():
                    sums[member_id] = sums.get(member_id, 0.0) + part
            i += 1
        worst = max(worst, max(sums.values(), default=0.0))
    return worst
