#!/usr/bin/env python3
"""Hypothesis exploration of the sequence property (tests/shifts/test_joint_replan_sequence_properties.py),
not derandomized, printing every breach as a ready `@example` instead of failing and shrinking.

    .venv/bin/python tests/manual/explore_rotation_sequences.py --seed 12 --n 400 [--lengths 240,240]

Hypothesis draws edge cases the sweep's uniform draws rarely reach (a day's absence the day after a join,
the same team with one absence a little longer), and repeats near-misses with small changes. The last
line counts the examples planned, those whose team was not feasible, and the breaches the property
asserts, then every breach by kind: beyond a rotation's bound ("deviation"), more than BOUND ahead in
either rotation when planned, after the join and the leave, after the absence ("ahead-plan",
"ahead-join", "ahead-absence": the shorter rotation's allowance is for falling behind only; asserted
where it is at most AHEAD_ASSERTED_WITHIN, and not after the absence), conflicts, moves beyond the budget
("moved"), a member of the shorter rotation further behind than BOUND + their own allowance
("behind-own", reported only); and the furthest anyone was ahead. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportops.settings.test")

import django  # noqa: E402

django.setup()

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import seed as hypothesis_seed  # noqa: E402

from tests.shifts.test_joint_replan_sequence_properties import (  # noqa: E402
    Sequence,
    breaches_of,
    feasible,
    run_sequence,
    sequences,
)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--n", type=int, default=300, help="examples to draw")
    ap.add_argument("--lengths", help="primary,secondary minutes (default: drawn per example)")
    a = ap.parse_args()
    lengths = [int(x) for x in a.lengths.split(",")] if a.lengths else None
    counts = {"planned": 0, "not feasible": 0, "breaches": 0}
    kinds: dict[str, int] = {}
    furthest_ahead = [0.0]
    began = time.perf_counter()

    @hypothesis_seed(a.seed)
    @settings(
        max_examples=a.n,
        derandomize=False,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(**sequences(tuple(lengths) if lengths else None))
    def explore(**fields):
        seq = Sequence(**fields)
        role_lengths = {"primary": seq.primary, "secondary": seq.secondary}
        outcome = run_sequence(seq, limit=lambda c, ab: feasible(c, ab, role_lengths, seq.zone))
        if outcome is None:
            counts["not feasible"] += 1
            return
        counts["planned"] += 1
        furthest_ahead[0] = max(furthest_ahead[0], *(value for value, _ in outcome["ahead"]))
        asserted = breaches_of(outcome)
        for kind, value, allowed in breaches_of(outcome, own=True, ahead=True):
            kinds[kind] = kinds.get(kind, 0) + 1
            if (kind, value, allowed) in asserted:
                counts["breaches"] += 1
            print(f"BREACH {kind}: {value} > {allowed}\n  {seq.example()}", flush=True)

    explore()
    spent = time.perf_counter() - began
    print(
        f"seed {a.seed}, {a.n} examples, lengths {a.lengths or 'drawn'}: {counts}, by kind {kinds}, "
        f"furthest ahead {furthest_ahead[0]:.2f} ({spent:.0f} s)"
    )
    return 1 if counts["breaches"] else 0


if __name__ == "__main__":
    sys.exit(main())
