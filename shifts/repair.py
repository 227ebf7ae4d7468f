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

from .fairness import EPSILON, Candidate, Ledger, shares
from .scheduler import Assignment

HALF = 0.5


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
    for _ in range(budget + 1):
        violation = _first_violation(assignments, members, by_id, bound)
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
    return None


def _first_violation(
    assignments: Sequence[Assignment], members: list[int | None], by_id: dict[int, Candidate], bound: float
) -> tuple[int, int, dict[int, float]] | None:
    """The first slot after which someone is outside `bound`: (index, member, served − expected of all)."""
    ledger = Ledger.of(by_id)
    for k, (a, m) in enumerate(zip(assignments, members, strict=True)):
        if not a.available:
            continue  # outside the ledger (uncovered, or served by someone outside the rotation)
        share = shares(by_id[i] for i in a.available)
        ledger.record(share, m)
        for i in (*share, m):
            if i in by_id and abs(ledger.deviation(i)) > bound + EPSILON:
                return k, i, {j: ledger.deviation(j) for j in by_id}
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
    for j in range(k, -1, -1):
        if not movable[j] or members[j] != member:
            continue
        around = _neighbours(j, members)
        behind = [
            i
            for i in assignments[j].eligible
            if i != member and i not in around and surplus.get(i, 0.0) <= -HALF + EPSILON
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
    for j in range(k, -1, -1):
        holder = members[j]
        if (
            movable[j]
            and holder is not None
            and holder != member
            and assignments[j].available
            and member in assignments[j].eligible
            and member not in _neighbours(j, members)
            and surplus.get(holder, 0.0) >= HALF - EPSILON
        ):
            return j, member
    return None
