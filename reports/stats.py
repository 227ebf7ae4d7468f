"""Percentiles: PERCENTILE_CONT in PostgreSQL, the same interpolation in Python where SQLite lacks it."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from itertools import accumulate, chain
from typing import Protocol, TypeVar

from django.db import connection
from django.db.models import Aggregate, ExpressionWrapper, F, FloatField
from django.db.models.functions import Extract

K = TypeVar("K")


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate: continuous percentile with linear interpolation."""

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    output_field = FloatField()
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    allow_distinct = False

    def __init__(self, expression, *, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("fraction must be within 0..1")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def sql_percentiles() -> bool:
    return connection.vendor == "postgresql"


def response_minutes_expression():
    """Calendar minutes from received_at to responded_at, as a float (PostgreSQL)."""
    return ExpressionWrapper(
        Extract(F("responded_at") - F("received_at"), "epoch") / 60.0, output_field=FloatField()
    )


def percentile(sorted_values: Sequence[float], fraction: float) -> float | None:
    """PERCENTILE_CONT over an already sorted sequence: interpolate between the two nearest ranks.

    SQLite has no PERCENTILE_CONT; callers fetch the durations with one sorted `values_list` and use
    this, so both databases give the same figure for the same rows.
    """
    if not sorted_values:
        return None
    position, low, high = ranks(len(sorted_values), fraction)
    return interpolate(sorted_values[low], sorted_values[high], position - low)


def ranks(count: int, fraction: float) -> tuple[float, int, int]:
    """PERCENTILE_CONT's position among `count` sorted values and the two ranks around it."""
    position = fraction * (count - 1)
    return position, math.floor(position), math.ceil(position)


def interpolate(low: float, high: float, weight: float) -> float:
    """The value `weight` of the way from the lower rank's value to the higher's (equal ranks: weight 0)."""
    if not weight:
        return float(low)
    return float(low) * (1 - weight) + float(high) * weight


def rounded(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


class BucketRun(Protocol):
    """A sorted run of values known by how many fall in each bucket (rollups.minutes.MinuteRun)."""

    buckets: Sequence[int]  # ascending; a bucket's values are all below the next bucket's
    counts: Sequence[int]
    values: Sequence[float] | None  # None: read through `fetch`

    def span(self, bucket: int) -> tuple[int, int]: ...


# (run, index of the first value wanted, how many) -> those values of the run, in order
Fetch = Callable[[list[tuple[BucketRun, int, int]]], list[Sequence[float]]]
FULL, FIRST, LAST = "full", "first", "last"


def bucket_percentiles(
    groups: Mapping[K, Sequence[BucketRun]],
    fractions: Sequence[float],
    *,
    fetch: Fetch,
    single_valued: Mapping[int, float] | None = None,
) -> dict[K, list[float | None]]:
    """`percentile(sorted(every value of the group's runs), f)` for each group and fraction, reading only
    the values of the bucket that holds each rank: the runs' counts, added up, tell which bucket that is
    and the rank within it; each run's values in that bucket are one slice of it. A rank that is the first
    (last) of its bucket needs only each run's first (last) value there, a bucket of `single_valued` none.
    Every slice of the runs without values in memory is read in one `fetch`."""
    single_valued = single_valued or {}
    located: dict[K, list[tuple[float, tuple, tuple] | None]] = {}
    wanted: dict[tuple[int, int], tuple[BucketRun, set[str]]] = {}
    for key, runs in groups.items():
        totals: dict[int, int] = defaultdict(int)
        for run in runs:
            for bucket, count in zip(run.buckets, run.counts, strict=True):
                totals[bucket] += count
        located[key] = [_locate(totals, fraction) for fraction in fractions]
        for found in located[key]:
            for bucket, rank, size in found[1:] if found else ():
                if bucket not in single_valued:
                    mode = FIRST if rank == 0 else LAST if rank == size - 1 else FULL
                    for run in runs:
                        if run.span(bucket)[1]:
                            wanted.setdefault((id(run), bucket), (run, set()))[1].add(mode)
    slices = _read(wanted, fetch)
    results: dict[K, list[float | None]] = {}
    for key, runs in groups.items():
        results[key], merged = [], {}
        for found in located[key]:
            if found is None:
                results[key].append(None)
                continue
            weight, low, high = found
            low_value = _value(runs, *low, slices, single_valued, merged)
            high_value = low_value if high == low else _value(runs, *high, slices, single_valued, merged)
            results[key].append(interpolate(low_value, high_value, weight))
    return results


def _locate(totals: Mapping[int, int], fraction: float) -> tuple[float, tuple, tuple] | None:
    """(weight, (bucket, rank in it, its size) of the low rank, the same of the high rank)."""
    buckets = sorted(totals)
    ends = list(accumulate(totals[bucket] for bucket in buckets))
    if not ends or not ends[-1]:
        return None
    position, low, high = ranks(ends[-1], fraction)

    def where(rank: int) -> tuple[int, int, int]:
        index = bisect_right(ends, rank)
        size = totals[buckets[index]]
        return buckets[index], rank - (ends[index] - size), size

    return position - low, where(low), where(high)


def _read(wanted, fetch: Fetch) -> dict[tuple[int, int, str], list[float]]:
    """(run id, bucket, mode) -> the run's values of the bucket (all, or its first or last)."""
    requests, keys = [], []
    for (run_id, bucket), (run, modes) in wanted.items():
        start, count = run.span(bucket)
        for mode in (FULL,) if FULL in modes else sorted(modes):
            first, length = {FULL: (start, count), FIRST: (start, 1), LAST: (start + count - 1, 1)}[mode]
            requests.append((run, first, length))
            keys.append((run_id, bucket, mode))
    stored = iter(fetch([request for request in requests if request[0].values is None]))
    slices = {}
    for key, (run, first, length) in zip(keys, requests, strict=True):
        values = next(stored) if run.values is None else run.values[first : first + length]
        slices[key] = values
        if key[2] == FULL:  # a full slice serves the first and last values too
            slices[(key[0], key[1], FIRST)], slices[(key[0], key[1], LAST)] = values[:1], values[-1:]
    return slices


def _value(runs, bucket: int, rank: int, size: int, slices, single_valued, merged: dict) -> float:
    """The value of the given rank within the bucket, over the runs (`merged`: the group's buckets already
    sorted)."""
    if bucket in single_valued:
        return single_valued[bucket]
    mode = FIRST if rank == 0 else LAST if rank == size - 1 else FULL
    if mode == FULL and bucket in merged:
        return merged[bucket][rank]
    parts = [slices[(id(run), bucket, mode)] for run in runs if run.span(bucket)[1]]
    if mode == FIRST:
        return min(part[0] for part in parts)
    if mode == LAST:
        return max(part[0] for part in parts)
    merged[bucket] = sorted(chain.from_iterable(parts))
    return merged[bucket][rank]
