"""Checks of the SPEC 3.2 bound over shift rows or scheduler assignments, shared by the shift tests."""

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence

BOUND = 1.5


def deviations_after_every_shift(
    shifts: Sequence[tuple[dt.datetime, dt.datetime, int]],
    pct: dict[int, int],
    joined: dict[int, dt.datetime],
    absences: dict[int, Iterable[tuple[dt.datetime, dt.datetime]]] | None = None,
) -> list[dict[int, float]]:
    """served − expected of every member after each shift (start, end, member), counted from the join.

    A member counts (available, and what they serve) from the shift during which they joined on; a shift
    served by someone outside the rotation at the time is outside everybody's share (as in the scheduler).
    """
    absences = {m: list(v) for m, v in (absences or {}).items()}
    surplus = dict.fromkeys(pct, 0.0)
    history = []
    for start, end, member in shifts:
        if member not in pct or joined[member] >= end:
            continue  # served by someone outside the rotation then: part of nobody's share
        available = [
            m
            for m in pct
            if joined[m] < end and not any(s < end and start < e for s, e in absences.get(m, []))
        ]
        total = sum(pct[m] for m in available)
        for m in available:
            surplus[m] -= pct[m] / total
        surplus[member] += 1
        history.append(dict(surplus))
    return history


def moved(
    before: Sequence[tuple[dt.datetime, dt.datetime, int | None]],
    after: Sequence[tuple[dt.datetime, dt.datetime, int | None]],
    now: dt.datetime,
) -> int:
    """How many of one rotation's shifts (start, end, member) from `now` on a re-plan gave to someone else:
    a shift is moved when whoever held its time before (the shift covering its start) is not its member.
    A published shift split at an absence (shifts/scheduler.py, `_split_partial`) moves only the pieces
    someone else covers; the parts its member keeps are not moved shifts."""
    old = sorted((s, e, m) for s, e, m in before if e > now)
    starts = [s for s, _, _ in old]
    count = 0
    for start, _, member in after:
        if start < now:
            continue
        i = bisect.bisect_right(starts, start) - 1
        held = old[i][2] if i >= 0 and old[i][1] > start else None
        count += held != member
    return count


def shares_at(start, end, candidates, absences):
    """Each available member's share of the shift [start, end): in the rotation by its end (`since`) and
    not absent during it, in proportion to percent-time."""
    available = [
        c
        for c in candidates
        if (c.since is None or c.since < end)
        and not any(s < end and start < e for s, e in absences.get(c.id, []))
    ]
    total = sum(c.pct for c in available)
    return {c.id: c.pct / total for c in available}


class Rows:
    """Shift rows (start, end, …) and which of them overlap an interval, in their order: by bisection when
    they are sorted and do not overlap each other (one rotation's shifts), else by a full scan. The
    property tests check every longer shift against every shorter one, after every step."""

    def __init__(self, rows):
        self.rows = list(rows)
        self.starts = [row[0] for row in self.rows]
        self.ends = [row[1] for row in self.rows]
        self.apart = all(self.ends[i] <= self.starts[i + 1] for i in range(len(self.rows) - 1))

    def overlapping(self, start, end):
        if not self.apart:
            return [row for row in self.rows if row[0] < end and start < row[1]]
        # Apart and sorted, the ends rise too: the rows ending after `start` and starting before `end`.
        low = bisect.bisect_right(self.ends, start)
        high = bisect.bisect_left(self.starts, end)
        return self.rows[low:high]


def covers(longer_rows, shorter_rows, candidates, absences):
    """[(start, share)] of every longer shift: the largest share of the shorter rotation's shifts it covers
    for any one member."""
    out = []
    shorter = Rows(shorter_rows)
    for l_start, l_end, _ in longer_rows:
        sums: dict[int, float] = {}
        for s_start, s_end, _ in shorter.overlapping(l_start, l_end):
            if s_start < l_end and l_start < s_end:
                for m, part in shares_at(s_start, s_end, candidates, absences).items():
                    sums[m] = sums.get(m, 0.0) + part
        out.append((l_start, max(sums.values(), default=0.0)))
    return out


def allowance(longer_rows, shorter_rows, candidates, absences):
    """The largest share of the shorter rotation's shifts that one longer shift covers (any member)."""
    return max((share for _, share in covers(longer_rows, shorter_rows, candidates, absences)), default=0.0)


def member_allowances(longer_rows, shorter_rows, candidates, absences) -> dict[int, float]:
    """Per member, the largest share of theirs in the shorter rotation's shifts that one longer shift
    covers: how far they can fall behind in the shorter rotation while holding a longer shift (SPEC 3.2's
    allowance read for each member; `allowance` is the largest of these over the team)."""
    out: dict[int, float] = {}
    shorter = Rows(shorter_rows)
    for l_start, l_end, _ in longer_rows:
        sums: dict[int, float] = {}
        for s_start, s_end, _ in shorter.overlapping(l_start, l_end):
            if s_start < l_end and l_start < s_end:
                for m, part in shares_at(s_start, s_end, candidates, absences).items():
                    sums[m] = sums.get(m, 0.0) + part
        for m, total in sums.items():
            out[m] = max(out.get(m, 0.0), total)
    return out


def fast_member_allowances(longer_rows, shorter_rows, candidates, absences) -> dict[int, float]:
    """`member_allowances` with the shorter shifts found by bisection (a year of 4 h shifts under 12 h ones
    reads in well under a second)."""
    shorter = sorted((s, e) for s, e, _ in shorter_rows)
    starts = [s for s, _ in shorter]
    parts = [shares_at(s, e, candidates, absences) for s, e in shorter]
    out: dict[int, float] = {}
    for l_start, l_end, _ in longer_rows:
        sums: dict[int, float] = {}
        i = max(0, bisect.bisect_left(starts, l_start) - 1)
        while i < len(shorter) and shorter[i][0] < l_end:
            if shorter[i][1] > l_start:
                for m, part in parts[i].items():
                    sums[m] = sums.get(m, 0.0) + part
            i += 1
        for m, total in sums.items():
            out[m] = max(out.get(m, 0.0), total)
    return out


def worst_ahead(
    shifts: Sequence[tuple[dt.datetime, dt.datetime, int]],
    pct: dict[int, int],
    joined: dict[int, dt.datetime],
    absences: dict[int, Iterable[tuple[dt.datetime, dt.datetime]]] | None = None,
    since: dt.datetime | None = None,
) -> float:
    """The furthest a shift starting at or after `since` took whoever served it ahead (served − expected,
    counted as `deviations_after_every_shift` does); 0 when none did. Being ahead grows only by serving,
    so this is how far ahead anyone is after any of those shifts, but for what the kept past left (a
    leave re-reads it: the leaver's shifts count for nobody, so everyone's share of them grows)."""
    served = [(start, end, member) for start, end, member in shifts if member in pct and joined[member] < end]
    history = deviations_after_every_shift(served, pct, joined, absences)
    return max(
        (
            surplus[member]
            for (start, _, member), surplus in zip(served, history, strict=True)
            if since is None or start >= since
        ),
        default=0.0,
    )


def worst_behind_own(history: list[dict[int, float]], own: dict[int, float]) -> tuple[float, float]:
    """(how far behind, allowed) of the member who comes closest to BOUND + their own allowance `own`."""
    closest = (0.0, BOUND)
    for surplus in history:
        for m, v in surplus.items():
            allowed = BOUND + own.get(m, 0.0)
            if -v - allowed > closest[0] - closest[1]:
                closest = (-v, allowed)
    return closest


def assert_within_bound(history: list[dict[int, float]]) -> None:
    for index, surplus in enumerate(history):
        worst = max(abs(v) for v in surplus.values())
        assert worst <= BOUND + 1e-9, (index, surplus)
