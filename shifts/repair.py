"""Repairing a re-plan with single moves, so that a change costs few moved shifts (SPEC 3.2).

The minimal re-plan keeps every assignment whose member can still serve. It can break the bound later,
because the change moved everyone's fair share a little (an absence takes a member's share away while
the shifts they lose go to others). Rather than re-deciding the whole future, this walks to the first
slot where someone is outside the bound and moves *one* shift before it:

* someone served too much: their latest movable shift up to there goes to the available member who is
  furthest behind (at least half a shift) and serves neither the slot before nor after;
* someone is too far behind: they take the latest movable shift up to there that they can serve without
  a back-to-back, from a holder who is at least half a shift ahead.

Moving the *latest* such shift keeps the change short: the shares between the moved shift and the
violation shift by one for two people only. A few moves usually suffice; when the budget runs out the
caller falls back to rules that re-decide more (see `scheduler.assign`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from .fairness import EPSILON, Candidate, shares
from .scheduler import Assignment

HALF = 0.5


CHECKPOINT_EVERY = 32


def repair(
    assignments: Sequence[Assignment],
    candidates: Sequence[Candidate],
    *,
    movable: Sequence[bool],
    budget: int,
    bound: float,
) -> list[Assignment] | None:
    """The assignments with at most `budget` single moves that hold `bound` everywhere, or None."""
    by_id = {c.id: c for c in candidates}
    members = [a.member for a in assignments]
    shares_at = [shares(by_id[i] for i in a.available) if a.available else None for a in assignments]
    # served − expected of everyone before slot index, every CHECKPOINT_EVERY slots: a move at j leaves
    # the schedule before j as it was, so the next scan starts from the checkpoint at or before j.
    checkpoints: dict[int, dict[int, float]] = {0: dict.fromkeys(by_id, 0.0)}
    start = 0
    for _ in range(budget + 1):
        violation = _first_violation(members, shares_at, by_id, bound, start, checkpoints)
        if violation is None:
            return [
                a if a.member == m else dataclasses.replace(a, member=m)
                for a, m in zip(assignments, members, strict=True)
            ]
        k, member, surplus = violation
        if surplus[member] > 0:
            move = _relieve(k, member, assignments, members, movable, surplus)
        else:
            move = _catch_up(k, member, assignments, members, movable, surplus)
        if move is None:
            return None
        j, new = move
        members[j] = new
        start = max(i for i in checkpoints if i <= j)
        for i in [i for i in checkpoints if i > start]:
            del checkpoints[i]
    return None


def _first_violation(
    members: list[int | None],
    shares_at: list[dict[int, float] | None],
    by_id: dict[int, Candidate],
    bound: float,
    start: int,
    checkpoints: dict[int, dict[int, float]],
) -> tuple[int, int, dict[int, float]] | None:
    """The first slot from `start` after which someone is outside `bound`: (index, member, surplus)."""
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
        for i in (*share, m):
            if i in surplus and abs(surplus[i]) > bound + EPSILON:
                return k, i, dict(surplus)
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
) -> tuple[int, int] | None:
    """Hand `member`'s latest movable shift up to k to whoever is furthest behind (at least half a shift
    behind if anyone is, else anyone behind) and serves neither neighbouring slot."""
    for least in (HALF, 0.0):
        for j in range(k, -1, -1):
            if not movable[j] or members[j] != member:
                continue
            around = _neighbours(j, members)
            behind = [
                i
                for i in assignments[j].eligible
                if i != member and i not in around and surplus.get(i, 0.0) < -least + EPSILON
            ]
            if behind:
                return j, min(behind, key=lambda i: (surplus[i], i))
    return None


def _catch_up(
    k: int,
    member: int,
    assignments: Sequence[Assignment],
    members: list[int | None],
    movable: Sequence[bool],
    surplus: dict[int, float],
) -> tuple[int, int] | None:
    """Give `member` the latest movable shift up to k they can serve without a back-to-back, from a
    holder at least half a shift ahead — or, when nobody is, from the holder furthest ahead."""
    fallback: tuple[float, int] | None = None
    for j in range(k, -1, -1):
        holder = members[j]
        if (
            movable[j]
            and holder is not None
            and holder != member
            and assignments[j].available
            and member in assignments[j].eligible
            and member not in _neighbours(j, members)
        ):
            ahead = surplus.get(holder, 0.0)
            if ahead >= HALF - EPSILON:
                return j, member
            if ahead > EPSILON and (fallback is None or ahead > fallback[0] + EPSILON):
                fallback = (ahead, j)
    return (fallback[1], member) if fallback else None
