"""Checks of the SPEC 3.2 bound over shift rows or scheduler assignments, shared by the shift tests."""

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


def assert_within_bound(history: list[dict[int, float]]) -> None:
    for index, surplus in enumerate(history):
        worst = max(abs(v) for v in surplus.values())
        assert worst <= BOUND + 1e-9, (index, surplus)
