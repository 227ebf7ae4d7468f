"""Repairing a re-plan with single moves, so that a change costs few moved shifts (SPEC 3.2).

The minimal re-plan keeps every assignment whose member can still serve. It can break the bound later,
because the change moved everyone's fair share a little (an absence takes a member's share away while
the shifts they lose go to others). Rather than re-deciding the whole future, this walks to the first
slot where someone is outside the bound and moves *one* shift before it:

* someone served too much: their latest movable shift up to there goes to the available member who is
  furthest behind (at least half a shift) and serves neither the slot before nor after;
* someone is too far behind: they take the latest movable shift up to there that they can serve without
  a back-to-back, from a holder who is at least half a shift ahead.

For a new absence (`chained`), the violation is mended first by the cheapest chain of moves that keeps
everyone it concerns inside the bound to the end of the plan (`_chain`): the extra shift the absence left
with someone is carried by whoever has room for it, and handed on before they would break the bound.

Moving the *latest* such shift keeps the change short: the shares between the moved shift and the
violation shift by one for two people only. A few moves usually suffice; when no repair fits, the caller
tries again with the moves that leave no violation up to the one they mend first (`progress`, so a repair
cannot cycle), then falls back to rules that re-decide more (see `scheduler.assign`).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Mapping, Sequence

from .fairness import EPSILON, Candidate
from .scheduler import Assignment, slot_shares

HALF = 0.5


CHECKPOINT_EVERY = 32


def repair(
    assignments: Sequence[Assignment],
    candidates: Sequence[Candidate],
    *,
    movable: Sequence[bool],
    budget: int,
    bound: float,
    paired: bool = False,
    lasting: bool = False,
    avoid: Sequence[Mapping[int, float]] | None = None,
    kept_bound: float | None = None,
    progress: bool = False,
    chained: bool = False,
    ahead: float | None = None,
) -> list[Assignment] | None:
    """The assignments with at most `budget` single moves that hold `bound` everywhere, or None.

    `kept_bound`: the bound up to the first movable slot, when `bound` is a tighter target for the
    shifts still to be decided (the kept past is held to what it was planned under).

    `paired`: each move that takes a shift from A for B before the violation is followed by the first
    later shift of B that A can take, given back to A: the shares from there on are as they were, so a
    repair does not push the two out of the bound later in the year (a trade, as in the minimal plan).
    `lasting`: a move that keeps both members it concerns inside the bound to the end of the plan is
    preferred (see `_lasting_move`).
    `avoid`: per slot, who would have to give up published shifts of another rotation to take it, and how
    many hours of them; a move to someone else is preferred, else to whoever gives up the least, since
    each such collision moves more shifts there.
    `progress`: a move that leaves no violation up to the one it mends comes first (see `_Span`).
    `chained`: the violation is mended first by the shortest chain of moves that keeps the member it
    concerns inside the bound to the end of the plan (see `_chain`), else by a single move.
    `ahead`: how far ahead serving a shift may take its member from the first movable slot on (None:
    `bound`). A rotation that yields to another is held to its allowance beyond BOUND only behind
    (`fairness.Ledger.holds`).
    """
    avoid = avoid or [{}] * len(assignments)
    by_id = {c.id: c for c in candidates}
    members = [a.member for a in assignments]
    shares_at = slot_shares(assignments, by_id)
    # served − expected of everyone before slot index, every CHECKPOINT_EVERY slots: a move at j leaves
    # the schedule before j as it was, so the next scan starts from the checkpoint at or before j.
    checkpoints: dict[int, dict[int, float]] = {0: dict.fromkeys(by_id, 0.0)}
    start = 0
    moves = 0
    paths = _Paths(members, shares_at) if lasting else None
    first_movable = next((i for i, m in enumerate(movable) if m), len(members))
    limits = _Limits(bound, bound if ahead is None else min(bound, ahead))
    bounds = (bound if kept_bound is None else max(bound, kept_bound), limits, first_movable)
    while True:
        violation = _first_violation(members, shares_at, by_id, bounds, start, checkpoints)
        if violation is None:
            return [
                a if a.member == m else dataclasses.replace(a, member=m)
                for a, m in zip(assignments, members, strict=True)
            ]
        if moves >= budget:
            return None
        k, member, surplus = violation
        if chained:
            found = _chain(
                k, member, surplus[member] > 0, assignments, members, movable, shares_at, limits, avoid
            )
            # Counted by the published shifts it moves, at least one (so a repair cannot cycle).
            if found is not None and moves + max(found[1], 1) <= budget:
                chain, price = found
                for j, new in chain:
                    _hand(j, new, members, shares_at, paths)
                moves += max(price, 1)
                start = max(i for i in checkpoints if i <= chain[0][0])
                for i in [i for i in checkpoints if i > start]:
                    del checkpoints[i]
                continue
        span = _Span(k, surplus, members, shares_at, limits) if progress else None
        move = _next_move(
            k, member, surplus, assignments, members, movable, shares_at, limits, avoid, paths, span
        )
        if move is None:
            return None
        j, new = move
        old = _hand(j, new, members, shares_at, paths)
        moves += 1
        back = _trade_back(k, old, new, assignments, members, movable) if paired and moves < budget else None
        if back is not None:
            _hand(back, old, members, shares_at, paths)
            moves += 1
        start = max(i for i in checkpoints if i <= j)
        for i in [i for i in checkpoints if i > start]:
            del checkpoints[i]


def _next_move(
    k: int,
    member: int,
    surplus: dict[int, float],
    assignments: Sequence[Assignment],
    members: list[int | None],
    movable: Sequence[bool],
    shares_at: list[dict[int, float] | None],
    bound: _Limits,
    avoid: Sequence[Mapping[int, float]],
    paths: _Paths | None,
    span: _Span | None = None,
) -> tuple[int, int] | None:
    """The move that mends the violation at k: a lasting one if asked for and there is one, else a
    single move that relieves the member ahead or lets the member behind catch up."""
    ahead = surplus[member] > 0
    move = None
    if paths is not None:
        move = _lasting_move(k, member, ahead, assignments, members, movable, shares_at, bound, avoid, paths)
    for fits in (span.fits, None) if span is not None else (None,):
        if move is None and ahead:
            move = _relieve(k, member, assignments, members, movable, surplus, avoid, fits)
        elif move is None:
            move = _catch_up(k, member, assignments, members, movable, surplus, avoid, fits)
    return move


def _hand(
    j: int,
    new: int | None,
    members: list[int | None],
    shares_at: list[dict[int, float] | None],
    paths: _Paths | None,
) -> int | None:
    """Give slot j to `new`; returns who had it."""
    old = members[j]
    members[j] = new
    if paths is not None:
        paths.move(j, old, new, shares_at[j] is not None)
    return old


@dataclasses.dataclass(frozen=True)
class _Limits:
    """The bound from the first movable slot on: how far behind (`behind`) anyone may be, and how far
    ahead serving a shift may take its member (`ahead`, at most `behind`)."""

    behind: float
    ahead: float

    def outside(self, value: float) -> bool:
        """Whether a served − expected of `value` is outside the limits."""
        return value > self.ahead + EPSILON or value < -self.behind - EPSILON


def _first_violation(
    members: list[int | None],
    shares_at: list[dict[int, float] | None],
    by_id: dict[int, Candidate],
    bounds: tuple[float, _Limits, int],
    start: int,
    checkpoints: dict[int, dict[int, float]],
) -> tuple[int, int, dict[int, float]] | None:
    """The first slot from `start` after which someone is outside the bound: (index, member, surplus).
    `bounds`: the bound before the first movable slot, the limits from it, that slot's index. From there
    the member who served a slot is held to the limits; the others to `behind` either way (someone
    ahead from the kept past only falls back while not serving)."""
    kept, limits, first_movable = bounds
    surplus = dict(checkpoints[start])  # served − expected, the ledger's deviation
    for k in range(start, len(members)):
        if k % CHECKPOINT_EVERY == 0 and k not in checkpoints:
            checkpoints[k] = dict(surplus)
        share, m = shares_at[k], members[k]
        if share is None:
            continue  # outside the ledger (uncovered, or served by someone outside the rotation)
        for i, part in share.items():
            surplus[i] -= part
        if m is not None and m in surplus:
            surplus[m] += 1
        if k < first_movable:
            outside = [i for i in (*share, m) if i in surplus and abs(surplus[i]) > kept + EPSILON]
        else:
            outside = [
                i
                for i in (*share, m)
                if i in surplus
                and (limits.outside(surplus[i]) if i == m else abs(surplus[i]) > limits.behind + EPSILON)
            ]
        if outside:
            return k, outside[0], dict(surplus)
    return None


class _Paths:
    """Per member, served − expected after every slot, and its highest and lowest from each slot to the
    end of the plan; a move updates the two members it concerns only."""

    def __init__(self, members: list[int | None], shares_at: list[dict[int, float] | None]) -> None:
        ids = {i for share in shares_at if share for i in share} | {m for m in members if m is not None}
        n = len(members)
        surplus = dict.fromkeys(ids, 0.0)
        self.path = {i: [0.0] * n for i in ids}
        for k in range(n):
            share, m = shares_at[k], members[k]
            if share is not None:
                for i, part in share.items():
                    surplus[i] -= part
                if m in surplus:
                    surplus[m] += 1
            for i in ids:
                self.path[i][k] = surplus[i]
        self.highest: dict[int, list[float]] = {}
        self.lowest: dict[int, list[float]] = {}
        for i in ids:
            self._extremes(i)

    def _extremes(self, i: int) -> None:
        backwards = self.path[i][::-1]
        self.highest[i] = list(itertools.accumulate(backwards, max))[::-1]
        self.lowest[i] = list(itertools.accumulate(backwards, min))[::-1]

    def move(self, j: int, old: int | None, new: int | None, counted: bool) -> None:
        """The shift at j changes hands (it counts when it is part of the ledger)."""
        if not counted:
            return
        for member, step in ((old, -1), (new, 1)):
            if member in self.path:
                path = self.path[member]
                path[j:] = [value + step for value in path[j:]]
                self._extremes(member)


class _Span:
    """Whether a move of the shift at j from `giver` to `taker` keeps both inside the bound from j to the
    violation at k: each one's served − expected walked back from k (computed on demand, cached).

    A move that fails this only moves the violation earlier, and the next move can undo it: a repair that
    hands one shift back and forth spends its budget without progress."""

    def __init__(
        self,
        k: int,
        surplus: dict[int, float],
        members: list[int | None],
        shares_at: list[dict[int, float] | None],
        bound: _Limits,
    ) -> None:
        self.k, self.surplus, self.members, self.shares_at, self.bound = k, surplus, members, shares_at, bound
        # member -> served − expected after slot k − d, and its highest and lowest from there to k (d = 0, 1…)
        self.walked: dict[int, tuple[list[float], list[float], list[float]]] = {}

    def _extremes(self, member: int, j: int) -> tuple[float, float]:
        """Highest and lowest served − expected of `member` after each slot from j to k."""
        if member not in self.walked:
            value = self.surplus.get(member, 0.0)
            self.walked[member] = ([value], [value], [value])
        values, highs, lows = self.walked[member]
        while self.k - len(values) + 1 > j:
            index = self.k - len(values) + 1  # the earliest slot walked back over so far
            share, holder = self.shares_at[index], self.members[index]
            value = values[-1]
            if share is not None:
                value += share.get(member, 0.0) - (1 if holder == member else 0)
            values.append(value)
            highs.append(max(highs[-1], value))
            lows.append(min(lows[-1], value))
        return highs[self.k - j], lows[self.k - j]

    def fits(self, j: int, giver: int | None, taker: int) -> bool:
        if giver is not None and self._extremes(giver, j)[1] - 1 < -self.bound.behind - EPSILON:
            return False
        return self._extremes(taker, j)[0] + 1 <= self.bound.ahead + EPSILON


# How far back from a violation a move that is not lasting may be (see `_lasting_move`).
ROOMY_WINDOW = 64


def _lasting_move(
    k: int,
    member: int,
    ahead: bool,
    assignments: Sequence[Assignment],
    members: list[int | None],
    movable: Sequence[bool],
    shares_at: list[dict[int, float] | None],
    bound: _Limits,
    avoid: Sequence[Mapping[int, float]],
    paths: _Paths,
) -> tuple[int, int] | None:
    """A move up to k after which neither of the two members it concerns leaves the bound anywhere
    later: the giver stays ≥ −bound and the taker ≤ bound to the end of the plan (so the same two need
    no further repair). Among those, one that collides with nothing published elsewhere, then the one
    leaving the taker the most room.

    When there is none (members are at the edge of the bound all year, after a join's re-plan), the move
    among the last ROOMY_WINDOW slots up to k that keeps both inside up to k and takes them least far out
    of it after k: the next violation is then the least one, and the chain of single moves the shortest
    (4 h / 4 h, a day's absence after a join: each move handed the violation to the next member, 14 moved
    where 12 were allowed). None if no move keeps both inside up to k."""
    highest, lowest, path = paths.highest, paths.lowest, paths.path
    best: tuple[tuple[float, float, int, float], tuple[int, int]] | None = None
    # Highest and lowest served − expected of each member from j to k, as j walks back.
    high: dict[int, float] = {}
    low: dict[int, float] = {}
    for j in range(k, -1, -1):
        # Read only for a move near k (not lasting): further back, walking them costs a pass over every
        # member per slot for nothing.
        near = k - j <= ROOMY_WINDOW
        if near:
            for i, values in path.items():
                high[i] = max(high.get(i, values[j]), values[j])
                low[i] = min(low.get(i, values[j]), values[j])
        holder = members[j]
        if not movable[j] or holder is None or not assignments[j].available:
            continue
        if ahead and holder != member:
            continue
        takers = [i for i in assignments[j].eligible if i != member] if ahead else [member]
        if not ahead and (holder == member or member not in assignments[j].eligible):
            continue
        around = _neighbours(j, members)
        for taker in takers:
            if taker in around or taker not in highest or holder not in lowest:
                continue
            over = max(0.0, highest[taker][j] + 1 - bound.ahead) + max(
                0.0, -bound.behind - (lowest[holder][j] - 1)
            )
            # Not lasting: only near k, and only if it keeps both inside from j up to the violation.
            if over > EPSILON and not (near and _inside(high[taker] + 1, low[holder] - 1, bound)):
                continue
            key = (over, avoid[j].get(taker, 0.0), -j, highest[taker][j])
            if best is None or key < best[0]:
                best = (key, (j, taker))
    return best[1] if best else None


def _inside(highest: float, lowest: float, bound: _Limits) -> bool:
    return highest <= bound.ahead + EPSILON and lowest >= -bound.behind - EPSILON


def _trade_back(
    k: int,
    old: int | None,
    new: int,
    assignments: Sequence[Assignment],
    members: list[int | None],
    movable: Sequence[bool],
) -> int | None:
    """The first shift of `new` after k that `old` can serve without a back-to-back, or None."""
    if old is None:
        return None
    for j in range(k + 1, len(members)):
        if (
            movable[j]
            and members[j] == new
            and assignments[j].available
            and old in assignments[j].eligible
            and old not in _neighbours(j, members)
        ):
            return j
    return None


def _neighbours(j: int, members: list[int | None]) -> tuple[int | None, int | None]:
    return (members[j - 1] if j > 0 else None, members[j + 1] if j + 1 < len(members) else None)


def _relieve(
    k: int,
    member: int,
    assignments: Sequence[Assignment],
    members: list[int | None],
    movable: Sequence[bool],
    surplus: dict[int, float],
    avoid: Sequence[Mapping[int, float]],
    fits: Callable[[int, int | None, int], bool] | None = None,
) -> tuple[int, int] | None:
    """Hand `member`'s latest movable shift up to k to whoever is furthest behind (at least half a shift
    behind if anyone is, else anyone behind) and serves neither neighbouring slot — first to someone
    free in the other rotations then. A back-to-back only when there is no other way (fairness needs it)."""
    for least, strict, spaced in (
        (HALF, True, True),
        (HALF, False, True),
        (0.0, True, True),
        (0.0, False, True),
        (0.0, False, False),
    ):
        for j in range(k, -1, -1):
            if not movable[j] or members[j] != member:
                continue
            around = _neighbours(j, members) if spaced else ()
            behind = [
                i
                for i in assignments[j].eligible
                if i != member
                and i not in around
                and surplus.get(i, 0.0) < -least + EPSILON
                and not (strict and i in avoid[j])
                and (fits is None or fits(j, member, i))
            ]
            if behind:
                return j, min(behind, key=lambda i: (avoid[j].get(i, 0.0), surplus[i], i))
    return None


def _catch_up(
    k: int,
    member: int,
    assignments: Sequence[Assignment],
    members: list[int | None],
    movable: Sequence[bool],
    surplus: dict[int, float],
    avoid: Sequence[Mapping[int, float]],
    fits: Callable[[int, int | None, int], bool] | None = None,
) -> tuple[int, int] | None:
    """Give `member` the latest movable shift up to k they can serve without a back-to-back, from a
    holder at least half a shift ahead — or, when nobody is, from the holder furthest ahead. A shift
    that does not collide with their published shifts in the other rotations comes first, then the one
    that collides least, and a back-to-back only when there is no other way or it collides with at most
    half the hours. Each hour there moves shifts of the other rotation: for a violation a split two-day
    piece of secondary caused, a fortnight handed over moved its taker's eight 4 h primaries where
    taking the piece next to their own fortnight moved three (exploration seed 40, 13 moved of 10 -> 4)."""
    for strict, spaced in ((True, True), (False, True), (False, False)):
        move = _catch_up_once(k, member, assignments, members, movable, surplus, avoid, strict, spaced, fits)
        if move is not None and not strict and spaced:
            # A back-to-back that collides with at most half the hours in the other rotations beats a
            # shift apart.
            closer = _catch_up_once(
                k, member, assignments, members, movable, surplus, avoid, False, False, fits
            )
            if closer is not None and 2 * avoid[closer[0]].get(member, 0.0) <= avoid[move[0]].get(
                member, 0.0
            ):
                return closer
        if move is not None:
            return move
    return None


def _catch_up_once(
    k: int,
    member: int,
    assignments: Sequence[Assignment],
    members: list[int | None],
    movable: Sequence[bool],
    surplus: dict[int, float],
    avoid: Sequence[Mapping[int, float]],
    strict: bool,
    spaced: bool = True,
    fits: Callable[[int, int | None, int], bool] | None = None,
) -> tuple[int, int] | None:
    """One pass of `_catch_up`: `strict`, no shift that collides with the member's published shifts in
    the other rotations; else the one from a holder half a shift ahead that collides least (the latest of
    those); else from the holder furthest ahead."""
    fallback: tuple[float, int] | None = None
    least: tuple[float, int] | None = None  # (hours, j)
    for j in range(k, -1, -1):
        hours = avoid[j].get(member, 0.0)
        if strict and hours:
            continue
        holder = members[j]
        if (
            movable[j]
            and holder is not None
            and holder != member
            and assignments[j].available
            and member in assignments[j].eligible
            and not (spaced and member in _neighbours(j, members))
            and (fits is None or fits(j, holder, member))
        ):
            ahead = surplus.get(holder, 0.0)
            if ahead >= HALF - EPSILON and not hours:
                return j, member
            if hours and ahead >= HALF - EPSILON and (least is None or hours < least[0] - EPSILON):
                least = (hours, j)
            if ahead > EPSILON and (fallback is None or ahead > fallback[0] + EPSILON):
                fallback = (ahead, j)
    if least is not None:
        return least[1], member
    return (fallback[1], member) if fallback else None


def _chain(
    k: int,
    member: int,
    ahead: bool,
    assignments: Sequence[Assignment],
    members: list[int | None],
    movable: Sequence[bool],
    shares_at: list[dict[int, float] | None],
    bound: _Limits,
    avoid: Sequence[Mapping[int, float]],
) -> tuple[list[tuple[int, int]], int] | None:
    """The cheapest moves (slot, new member), the first up to k, after which `member` and everyone the
    moves concern stay inside the bound from the first movable slot to the end of the plan, and what they
    cost in published shifts moved; None if there are none.

    A member one shift too far ahead hands one of their shifts on; whoever takes it carries the extra
    shift while they have room for it and hands one of theirs on before they would break the bound (a
    member behind: the missing shift is passed on the same way). A new absence moves the absent member's
    share to everyone else but their shifts to one member each, and after a join or a leave members run
    near the bound all year: single moves each mend one peak and hand the violation on to their taker
    (4 h / 4 h, a 2-day absence after a join: 13 moved where 12 were allowed, the shift going back and
    forth between the absent member and two others), where the cheapest chain carries it in 3.

    Shortest path over (slot, who carries the shift): a move costs one published shift moved, none when
    it moves a shift the re-plan already moved (the lost shift itself goes to the member who can carry it
    longest), one less when it gives a shift back to its published member, and one more when its taker
    has published shifts in the other rotations then (each of those moves there)."""
    n = len(members)
    first = next((i for i, m in enumerate(movable) if m), n)
    if first > k:
        return None
    sign = 1 if ahead else -1
    ids = sorted({i for share in shares_at if share for i in share} | {m for m in members if m is not None})
    path = {i: [0.0] * n for i in ids}
    surplus = dict.fromkeys(ids, 0.0)
    for t in range(n):
        share, holder = shares_at[t], members[t]
        if share is not None:
            for i, part in share.items():
                surplus[i] -= part
            if holder in surplus:
                surplus[holder] += 1
        for i in ids:
            path[i][t] = surplus[i]
    # cost[c]: (published shifts moved, moves) so far with c carrying the extra (ahead) or missing
    # (behind) shift; None: c cannot carry it here.
    cost: dict[int, tuple[int, int] | None] = dict.fromkeys(ids)
    cost[member] = (0, 0)
    back: list[dict[int, tuple[int, int]]] = []  # per slot from `first`: carrier -> (previous, new member)
    for t in range(first, n):
        step: dict[int, tuple[int, int]] = {}
        holder, a = members[t], assignments[t]
        if movable[t] and holder in cost and a.available:
            around = _neighbours(t, members)
            published = a.slot.preferred
            # ahead: the carrier (holder of slot t) gives it to a taker, who carries the shift on;
            # behind: a carrier who can serve slot t takes it from its holder, who misses a shift on.
            pairs = (
                [(holder, i) for i in a.eligible if cost[holder] is not None]
                if ahead
                else [(i, holder) for i in a.eligible if cost.get(i) is not None]
            )
            for giver, taker in pairs:
                new = taker if ahead else giver
                if giver == taker or new in around or taker not in cost:
                    continue
                before = cost[giver]
                if before is None:
                    continue
                price = (new != published) - (holder != published) + (1 if avoid[t].get(new) else 0)
                target = taker if ahead else holder
                c = (before[0] + price, before[1] + 1)
                current = cost[target]
                if current is None or c < current:
                    cost[target] = c
                    step[target] = (giver, new)
        for i in ids:
            if cost[i] is not None and bound.outside(path[i][t] + (0 if i == member else sign)):
                cost[i] = None
        if bound.outside(path[member][t] - sign):  # the member while someone else carries it
            for i in ids:
                if i != member:
                    cost[i] = None
        back.append(step)
        if all(c is None for c in cost.values()):
            return None
    ends = [(c, i) for i, c in cost.items() if c is not None and c[1] > 0]
    if not ends:
        return None
    (price, _), carrier = min(ends)
    moves: list[tuple[int, int]] = []
    for t in range(n - 1, first - 1, -1):
        step = back[t - first]
        if carrier in step:
            carrier, new = step[carrier]
            moves.append((t, new))
    if carrier != member or not moves:
        return None
    moves.reverse()
    after = dict(moves)
    for j, new in moves:  # two moves next to each other must not make a back-to-back either
        if any(after.get(i, members[i] if 0 <= i < n else None) == new for i in (j - 1, j + 1)):
            return None
    return (moves, price) if moves[0][0] <= k else None
