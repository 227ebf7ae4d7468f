#!/usr/bin/env python3
"""Fingerprints of every plan the scheduler makes for drawn sequences (issue 8), to show that a change
meant to be a pure speed-up leaves every plan as it was.

    .venv/bin/python tests/manual/compare_rotation_plans.py --seed 8 --n 40 > before.txt
    ... change the scheduler ...
    .venv/bin/python tests/manual/compare_rotation_plans.py --seed 8 --n 40 > after.txt
    diff before.txt after.txt   # nothing: the same plans

Draws the sequences of the sequence property as the exploration does (hypothesis with `--seed`,
tests/manual/explore_rotation_sequences.py; `--lengths` as there) and prints one line per `plan_team` call
of `run_sequence` (the first rotation alone, both, after the join and the leave, after the absence): the
example, the call, each role's slot count and a digest of (start, end, member) of every slot; then what
the property reads of them (`run_sequence`'s outcome). The time spent goes to stderr. Not collected by
pytest.
"""

from __future__ import annotations

import argparse
import hashlib
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

import tests.shifts.test_joint_replan_sequence_properties as sequence_test  # noqa: E402


def digest(results) -> str:
    parts = []
    for role in sorted(results):
        rows = [(a.slot.start, a.slot.end, a.member) for a in results[role].assignments]
        parts.append(f"{role}:{len(rows)}:{hashlib.sha256(repr(rows).encode()).hexdigest()[:16]}")
    return " ".join(parts)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--n", type=int, default=40, help="examples to draw")
    ap.add_argument("--lengths", help="primary,secondary minutes (default: drawn per example)")
    a = ap.parse_args()
    lengths = tuple(int(x) for x in a.lengths.split(",")) if a.lengths else None
    planned = sequence_test.plan
    example = {"index": 0, "call": 0}

    def recording(*args, **kwargs):
        results = planned(*args, **kwargs)
        example["call"] += 1
        print(f"{example['index']} {example['call']} {digest(results)}", flush=True)
        return results

    sequence_test.plan = recording
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
    @given(**sequence_test.sequences(lengths))
    def explore(**fields):
        example["index"] += 1
        example["call"] = 0
        seq = sequence_test.Sequence(**fields)
        role_lengths = {"primary": seq.primary, "secondary": seq.secondary}
        outcome = sequence_test.run_sequence(
            seq, limit=lambda c, ab: sequence_test.feasible(c, ab, role_lengths, seq.zone)
        )
        if outcome is not None:
            # What the sequence property reads of the plans (deviations, allowances, conflicts, moves).
            print(f"{example['index']} outcome {sorted(outcome.items())}", flush=True)

    explore()
    print(f"# seed {a.seed}, {a.n} examples: {time.perf_counter() - began:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
