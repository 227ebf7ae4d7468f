#!/usr/bin/env python3
"""Random sweep of the sequence managers go through with a team's two rotations (SPEC 3.2, issue 8).

    .venv/bin/python tests/manual/sweep_rotation_sequences.py --seed 1 --count 200 [--jobs 2]

Each sequence, planned with `plan_team` the way the rotation services call it (past shifts kept,
published ones preferred, `spread_out` since the team has two rotations):

1. one rotation scheduled alone, then the other (the team re-planned together), in either order;
2. a member joins both rotations and another leaves them (re-plan from that moment);
3. a new absence of one member (re-plan an hour later).

Teams: 2–15 members at 10–100 %, 0–3 random absences each, primary and secondary lengths drawn
independently from 4 h to 2 weeks, zones other than UTC, a year from 2026-01-05 with weekday 09–17
coverage. Only teams where nobody holds more than half of a role (`--limit`) at any slot, before and
after the change, are kept. After every step both rotations are checked as a manager reads them (the
longer within 1.5, the shorter within 1.5 + the share of its shifts one longer shift covers, nobody in
both at once, nobody during an absence; and, reported as "served-allowance", the shorter one at each point
against the allowance of the longer shifts begun by then; "ahead", anyone more than BOUND ahead in either
rotation; reported as "behind-own", a member of the shorter one further behind than BOUND + their own
allowance); after the absence the moves across both rotations against 2 × colliding + 8. Every breach
is printed with its sequence (ready for an @example), then a summary: counts, worst moved vs allowed,
worst deviation vs allowance, furthest ahead. Exit status 1 when it finds a breach. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportops.settings.test")

import django  # noqa: E402

django.setup()

from shifts.scheduler import BOUND, REPAIR_MOVES, Candidate  # noqa: E402
from tests.shifts.test_joint_replan_sequence_properties import (  # noqa: E402
    EPOCH,
    ROLES,
    Sequence,
    breaches_of,
    feasible,
    run_sequence,
)

LENGTHS = [240, 480, 24 * 60, 3 * 24 * 60, 7 * 24 * 60, 14 * 24 * 60]
ZONES = ["Asia/Tokyo", "America/New_York", "Europe/Zurich"]


def random_sequence(rng: random.Random, lengths: tuple[int, int] | None) -> Sequence:
    n = rng.randint(2, 15)
    candidates = [Candidate(i, rng.randint(10, 100)) for i in range(1, n + 1)]
    absences: dict[int, list] = {}
    for c in candidates:
        for _ in range(rng.randint(0, 3)):
            begin = EPOCH + dt.timedelta(hours=rng.randint(0, 360 * 24))
            absences.setdefault(c.id, []).append((begin, begin + dt.timedelta(hours=rng.randint(1, 24 * 21))))
    primary, secondary = lengths or (rng.choice(LENGTHS), rng.choice(LENGTHS))
    return Sequence(
        team=(candidates, absences),
        primary=primary,
        secondary=secondary,
        first=rng.choice(ROLES),
        zone=rng.choice(ZONES),
        join_day=rng.randint(10, 200),
        newcomer_pct=rng.randint(10, 100),
        leaver_index=rng.randint(0, 14),
        victim_index=rng.randint(0, 15),
        offset_days=rng.randint(0, 60),
        days=rng.randint(1, 10),
    )


def one(args: tuple[int, int, float, tuple[int, int] | None]) -> tuple[str, Sequence | None, dict | None]:
    seed, index, limit, lengths = args
    rng = random.Random(seed * 1_000_003 + index)
    for _ in range(50):  # draw until the team is one where both roles can be fair
        seq = random_sequence(rng, lengths)
        outcome = run_sequence(seq, limit=lambda c, a, s=seq: _fits(c, a, s, limit))
        if outcome is not None:
            return "ok", seq, outcome
    return "skipped", None, None


def _fits(candidates, absences, seq: Sequence, limit: float) -> bool:
    lengths = {"primary": seq.primary, "secondary": seq.secondary}
    return feasible(candidates, absences, lengths, seq.zone, limit)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--limit", type=float, default=0.5, help="largest share of a role anyone may hold")
    ap.add_argument("--lengths", help="primary,secondary minutes (default: drawn per sequence)")
    a = ap.parse_args()
    lengths = tuple(int(x) for x in a.lengths.split(",")) if a.lengths else None
    work = [(a.seed, i, a.limit, lengths) for i in range(a.count)]
    began = time.perf_counter()
    done = skipped = join_moved = join_needed = 0
    found: list[tuple[str, float, float, Sequence]] = []
    # The closest to (or furthest beyond) its limit: (value, allowed).
    worst_moves = (0, REPAIR_MOVES)
    worst_dev = (0.0, BOUND)
    furthest_ahead = 0.0
    with ProcessPoolExecutor(a.jobs) if a.jobs > 1 else _Inline() as pool:
        for status, seq, outcome in pool.map(one, work):
            if status == "skipped":
                skipped += 1
                continue
            done += 1
            join_moved += outcome["join_moved"]
            join_needed += outcome["join_needed"]
            if outcome["moved"] - outcome["allowed"] > worst_moves[0] - worst_moves[1]:
                worst_moves = (outcome["moved"], outcome["allowed"])
            for value, allowed in outcome["deviations"] + outcome["served"]:
                if value - allowed > worst_dev[0] - worst_dev[1]:
                    worst_dev = (value, allowed)
            furthest_ahead = max(furthest_ahead, *(value for value, _ in outcome["ahead"]))
            for kind, value, allowed in breaches_of(outcome, served=True, own=True, ahead=True):
                found.append((kind, value, allowed, seq))
                print(f"BREACH {kind}: {value:.2f} > {allowed:.2f}\n  {seq.example()}", flush=True)
    stability = sum(1 for f in found if f[0] == "moved")
    served = sum(1 for f in found if f[0] == "served-allowance")
    ahead = sum(1 for f in found if f[0].startswith("ahead"))
    own = sum(1 for f in found if f[0] == "behind-own")
    print(
        f"{done} sequences ({skipped} draws gave up), {len(found)} breaches "
        f"({stability} stability, {len(found) - stability - served - ahead - own} bound, {ahead} ahead, "
        f"{served} served-allowance, {own} behind-own); furthest ahead {furthest_ahead:.2f}; "
        f"worst moved {worst_moves[0]} vs {worst_moves[1]} allowed; "
        f"worst deviation {worst_dev[0]:.2f} vs {worst_dev[1]:.2f} allowed "
        f"join/leave moved {join_moved} where the leavers' and newcomers' shifts are {join_needed} "
        f"(seed {a.seed}, {time.perf_counter() - began:.0f} s)"
    )
    return 1 if found else 0


class _Inline:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def map(self, fn, items):
        return map(fn, items)


if __name__ == "__main__":
    sys.exit(main())
