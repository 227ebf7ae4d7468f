#!/usr/bin/env python3
"""Replay a team's stored shifts through the scheduler's own fairness ledger (shifts/fairness.py), as the
scheduler keeps SPEC 3.2: joins counted from `joined_at`, absences, a leaver's shifts counting for nobody.

    DATABASE_URL=… .venv/bin/python tests/manual/ledger_replay.py ny-ps [ny-sp …]

Prints per role the worst |served − expected| reached after any shift, per member, and for the rotation
with the shorter shifts the allowance SPEC 3.2 gives it (1.5 + the largest expected share of its shifts
that one longer shift covers, for any member — as the property tests read it; each member's own is
shown). `rotation_audit.py` reads the API the way a manager does and ignores join dates; this reads the
ledger. Each member's furthest ahead (+) and behind (−) are shown too; `--per-member` holds each member
of the shorter rotation to 1.5 + their own cover instead (the stricter reading of SPEC 3.2). Exit status 1
when a bound is broken. Not collected by pytest.

    DATABASE_URL=… .venv/bin/python tests/manual/ledger_replay.py [--per-member] ny-ps [ny-sp …]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportops.settings.local")

import django  # noqa: E402

django.setup()

from shifts.fairness import BOUND, Candidate, IntervalIndex, Ledger, availability, counts, shares  # noqa: E402
from shifts.models import Absence, Rotation, RotationMembership, Shift  # noqa: E402


def extremes(rows, candidates, index) -> tuple[Ledger, dict[int, float], dict[int, float]]:
    """The ledger of one rotation's shifts, with each member's furthest ahead and behind after any shift."""
    by_id = {c.id: c for c in candidates}
    ledger = Ledger.of(by_id)
    ahead: dict[int, float] = dict.fromkeys(by_id, 0.0)
    behind: dict[int, float] = dict.fromkeys(by_id, 0.0)
    for start, end, member in rows:
        if counts(member, end, by_id):
            ledger.record(shares(availability(candidates, start, end, index)), member)
            for m in by_id:
                ahead[m] = max(ahead[m], ledger.deviation(m))
                behind[m] = min(behind[m], ledger.deviation(m))
    return ledger, ahead, behind


def audit(slug: str, per_member: bool = False) -> bool:
    # The longer rotation first; of two as long, the primary (the secondary yields to it).
    rotations = sorted(
        Rotation.objects.filter(team__slug=slug), key=lambda r: (-r.shift_length_minutes, r.role != "primary")
    )
    absences: dict[int, list] = {}
    for member_id, start, end in Absence.objects.filter(member__team__slug=slug).values_list(
        "member_id", "starts_at", "ends_at"
    ):
        absences.setdefault(member_id, []).append((start, end))
    index = IntervalIndex(absences)
    rows, people = {}, {}
    for rotation in rotations:
        people[rotation.pk] = [
            Candidate(m, pct, since=since)
            for m, pct, since in RotationMembership.objects.filter(rotation=rotation).values_list(
                "member_id", "member__percent_time", "joined_at"
            )
        ]
        rows[rotation.pk] = list(
            Shift.objects.filter(rotation=rotation)
            .order_by("starts_at")
            .values_list("starts_at", "ends_at", "member_id")
        )
    allowance: dict[int, float] = {}
    if len(rotations) == 2:
        longer, shorter = rotations
        short_shares = [
            (s, e, shares(availability(people[shorter.pk], s, e, index))) for s, e, _ in rows[shorter.pk]
        ]
        for start, end, _ in rows[longer.pk]:
            sums: dict[int, float] = {}
            for s, e, share in short_shares:
                if s < end and start < e:
                    for m, part in share.items():
                        sums[m] = sums.get(m, 0.0) + part
            for m, total in sums.items():
                allowance[m] = max(allowance.get(m, 0.0), total)
    fine = True
    for rank, rotation in enumerate(rotations):
        ledger, ahead, behind = extremes(rows[rotation.pk], people[rotation.pk], index)
        yielding = len(rotations) == 2 and rank == 1
        size = len(rows[rotation.pk])
        print(f"{slug} {rotation.role} ({rotation.shift_length_minutes} min, {size} shifts)")
        for c in people[rotation.pk]:
            extra = allowance.get(c.id, 0.0) if per_member else max(allowance.values(), default=0.0)
            bound = BOUND + (extra if yielding else 0.0)
            worst = ledger.worst.get(c.id, 0.0)
            flag = " !" if worst > bound + 1e-9 else ""
            fine &= not flag
            print(
                f"  member {c.id:>5} {c.pct:>4}% served {ledger.served.get(c.id, 0):>5} "
                f"now {ledger.deviation(c.id):+6.2f} worst {worst:5.2f} "
                f"(+{ahead[c.id]:.2f} / {behind[c.id]:.2f}) of {bound:4.2f}{flag}"
                + (f" (own cover {allowance.get(c.id, 0.0):.2f})" if yielding else "")
            )
    return fine


if __name__ == "__main__":
    args = sys.argv[1:]
    per_member = "--per-member" in args
    results = [audit(slug, per_member) for slug in args if slug != "--per-member"]
    sys.exit(0 if all(results) else 1)
