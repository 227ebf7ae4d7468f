"""Percentiles: PERCENTILE_CONT in PostgreSQL, the same interpolation in Python where SQLite lacks it."""

from __future__ import annotations

import math
import sys
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
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

    first: int  # counts[i]: how many values lie in bucket first + i; a bucket's are below the next's
    counts: Sequence[int]
    values: Sequence[float] | None  # None: read through `fetch`
    lanes: int  # the counts as one integer, bucket b's in bits 32·b to 32·b + 31

    def span(self, bucket: int) -> tuple[int, int]: ...


# [(run, index of the first value wanted, how many)] -> those values of each run, in order
Fetch = Callable[[list[tuple[BucketRun, int, int]]], list[Sequence[float]]]
FULL, FIRST, LAST = "full", "first", "last"


def bucket_percentiles(
    groups: Mapping[K, Sequence[BucketRun]],
    fractions: Sequence[float],
    *,
    fetch: Fetch,
    unions: Mapping[K, Sequence[K]] | None = None,
    single_valued: Mapping[int, float] | None = None,
) -> dict[K, list[float | None]]:
    """`percentile(sorted(every value of the group's runs), f)` for each group (and each union of
    groups) and fraction, reading only the values of the bucket that holds each rank: the runs' counts,
    added up, tell which bucket that is and the rank within it; each run's values in that bucket are one
    slice of it. A rank that is the first (last) of its bucket needs only each run's first (last) value
    there, a bucket of `single_valued` none. The slices of the runs without values in memory are read in
    one `fetch`."""
    single_valued = single_valued or {}
    runs_of = dict(groups)
    size = max((run.first + len(run.counts) for runs in groups.values() for run in runs), default=0)
    # Counts added up as integers of 32-bit lanes (one addition per run, not per bucket).
    lanes = {key: sum(run.lanes for run in runs) for key, runs in groups.items()}
    for key, parts in (unions or {}).items():
        runs_of[key] = [run for part in parts for run in groups.get(part, ())]
        lanes[key] = sum(lanes.get(part, 0) for part in parts)
    located = {key: _locate(lanes_counts(lanes[key], size), fractions) for key in runs_of}
    reader = _SliceReader()
    for key, found in located.items():
        for bucket, rank, count in {where for ranks in found if ranks for where in ranks[1:]}:
            if bucket not in single_valued:
                reader.want(key, runs_of[key], bucket, _mode(rank, count))
    reader.read(fetch)
    results: dict[K, list[float | None]] = {}
    for key, found in located.items():
        results[key], merged = [], {}
        for ranks in found:
            if ranks is None:
                results[key].append(None)
                continue
            weight, low, high = ranks
            value = partial(_value, key, reader=reader, single_valued=single_valued, merged=merged)
            low_value = value(*low)
            results[key].append(interpolate(low_value, low_value if high == low else value(*high), weight))
    return results


def lanes_counts(lanes: int, size: int) -> array:
    """The counts of buckets 0..size - 1 held in an integer of 32-bit lanes (`BucketRun.lanes`)."""
    counts = array("I", lanes.to_bytes(4 * size, "little"))
    if sys.byteorder != "little":
        counts.byteswap()
    return counts


def _locate(totals: Sequence[int], fractions: Sequence[float]) -> list[tuple[float, tuple, tuple] | None]:
    """For each fraction: (weight, (bucket, rank in it, its count) of the low rank, the same of the
    high rank)."""
    ends = list(accumulate(totals))
    if not ends or not ends[-1]:
        return [None for _ in fractions]

    def where(rank: int) -> tuple[int, int, int]:
        bucket = bisect_right(ends, rank)
        return bucket, rank - (ends[bucket] - totals[bucket]), totals[bucket]

    found = []
    for fraction in fractions:
        position, low, high = ranks(ends[-1], fraction)
        found.append((position - low, where(low), where(high)))
    return found


def _mode(rank: int, count: int) -> str:
    return FIRST if rank == 0 else LAST if rank == count - 1 else FULL


class _SliceReader:
    """The slices of runs wanted — a run's values in a bucket, or only the first or the last of them —
    each read once (groups share runs: a week's days are the year's), all in one `fetch`."""

    def __init__(self) -> None:
        # (group, bucket) -> [(run, index of the bucket's first value in it, how many)] of runs holding any
        self.spans: dict[tuple, list[tuple[BucketRun, int, int]]] = {}
        # (id of the run, index of the first value, how many) -> the request, then the values read
        self.wanted: dict[tuple[int, int, int], tuple[BucketRun, int, int]] = {}
        self.slices: dict[tuple[int, int, int], Sequence[float]] = {}
        # the same of a first or last value wanted -> (run, its index, where its whole bucket is)
        self.edges: dict[tuple[int, int, int], tuple[BucketRun, int, tuple[int, int, int]]] = {}

    def want(self, key, runs: Iterable[BucketRun], bucket: int, mode: str) -> None:
        spans = self.spans.get((key, bucket))
        if spans is None:
            spans = self.spans[(key, bucket)] = [
                (run, start, count) for run in runs for start, count in (run.span(bucket),) if count
            ]
        for run, start, count in spans:
            if mode == FULL:
                self.wanted[(id(run), start, count)] = (run, start, count)
            else:  # one value, unless the whole bucket is read too
                edge = start if mode == FIRST else start + count - 1
                self.edges[(id(run), edge, 1)] = (run, edge, (id(run), start, count))

    def read(self, fetch: Fetch) -> None:
        for where, (run, edge, whole) in self.edges.items():
            if whole not in self.wanted:
                self.wanted[where] = (run, edge, 1)
        stored = iter(fetch([request for request in self.wanted.values() if request[0].values is None]))
        for where, (run, start, count) in self.wanted.items():
            self.slices[where] = next(stored) if run.values is None else run.values[start : start + count]

    def bucket(self, run: BucketRun, start: int, count: int) -> Sequence[float]:
        return self.slices[(id(run), start, count)]

    def value(self, run: BucketRun, start: int, count: int, index: int) -> float:
        """The value `index` of the run's bucket (read whole, or just that value)."""
        whole = self.slices.get((id(run), start, count))
        return whole[index] if whole is not None else self.slices[(id(run), start + index, 1)][0]


def _value(key, bucket: int, rank: int, count: int, *, reader, single_valued, merged: dict) -> float:
    """The value of the given rank within the bucket, over the group's runs (`merged`: the group's
    buckets already sorted)."""
    if bucket in single_valued:
        return single_valued[bucket]
    mode = _mode(rank, count)
    if mode == FULL and bucket in merged:
        return merged[bucket][rank]
    spans = reader.spans[(key, bucket)]
    if mode == FIRST:
        return min(reader.value(run, start, n, 0) for run, start, n in spans)
    if mode == LAST:
        return max(reader.value(run, start, n, n - 1) for run, start, n in spans)
    merged[bucket] = sorted(chain.from_iterable(reader.bucket(run, start, n) for run, start, n in spans))
    return merged[bucket][rank]
