"""Minutes to first response as a stored day keeps them (`RolledDay.calendar_minutes`/`business_minutes`
and their `*_buckets`), so a report selects exact medians and p90 without reading every value.

The values are exact (microseconds apart: arrival and response are timestamps, so nearly every inquiry has
its own value; a histogram of distinct values would be as long as the values). A day stores them sorted,
packed as little-endian float64, uncompressed — PostgreSQL keeps the columns EXTERNAL, so a `substring`
reads only the TOAST chunks it covers — and how many fall in each of the fixed buckets below, from the
day's first non-empty bucket to its last (a few hundred numbers at most, whatever the day's volume). A
report adds up the counts of a span of days, finds the bucket holding each rank it needs and reads only
that bucket's values of each day, by offset (`reports.stats.bucket_percentiles`): O(days × buckets)
counts and one bucket's values per rank. A whole week's seven days are also kept merged in the same format
(`RolledWeek`), so a span of whole weeks reads a run per week instead of seven.

Changing BOUNDS changes the stored format: it needs a migration that recomputes the buckets (as 0005).
"""

from __future__ import annotations

import math
import sys
import zlib
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

STEPS_PER_OCTAVE = 16  # 4.4 % wide buckets
# Bucket b holds the values v with BOUNDS[b - 1] < v <= BOUNDS[b] (the first: v <= BOUNDS[0], the last:
# v > BOUNDS[-1]): below zero; exactly zero (responses outside business hours, whose values need no
# reading); then 1/16 octave each from 2**-6 minutes (about a second) to 2**21 minutes (four years).
BOUNDS = (
    math.nextafter(0.0, -1.0),
    0.0,
    *(2.0 ** (k / STEPS_PER_OCTAVE) for k in range(-6 * STEPS_PER_OCTAVE, 21 * STEPS_PER_OCTAVE + 1)),
)
# Buckets whose values are all equal: known from the counts alone.
SINGLE_VALUED = {1: 0.0}


def bucket_of(value: float) -> int:
    return bisect_left(BOUNDS, value)


def _little_endian(values: array) -> array:
    if sys.byteorder != "little":
        values.byteswap()
    return values


def pack(values: Iterable[float]) -> tuple[bytes, bytes]:
    """(the values sorted, as little-endian float64; their counts per bucket from the first bucket
    holding any to the last: little-endian uint32, the first bucket's number first, deflated)."""
    ordered = array("d", sorted(values))
    if not ordered:
        return b"", b""
    first, counts = _counts(ordered)
    histogram = _little_endian(array("I", [first, *counts])).tobytes()
    return _little_endian(ordered).tobytes(), zlib.compress(histogram, 1)


def _counts(ordered: Sequence[float]) -> tuple[int, list[int]]:
    """(first bucket, counts of the buckets from it to the last holding any) of sorted values: one
    bisection per non-empty bucket, not per value."""
    found, start = [], 0
    while start < len(ordered):
        bucket = bucket_of(ordered[start])
        end = bisect_right(ordered, BOUNDS[bucket], start) if bucket < len(BOUNDS) else len(ordered)
        found.append((bucket, end - start))
        start = end
    if not found:
        return 0, []
    first = found[0][0]
    counts = [0] * (found[-1][0] - first + 1)
    for bucket, count in found:
        counts[bucket - first] = count
    return first, counts


def unpack_values(data: bytes | memoryview | None) -> array:
    return _little_endian(array("d", bytes(data) if data else b""))


def unpack_buckets(data: bytes | memoryview | None) -> tuple[int, array]:
    """(first bucket, counts from it on) of a stored day's packed bucket counts."""
    histogram = _little_endian(array("I", zlib.decompress(data) if data else b""))
    return (histogram[0], histogram[1:]) if histogram else (0, histogram)


@dataclass(eq=False)
class MinuteRun:
    """A sorted run of minutes known by its counts per bucket (`counts[i]`: bucket `first + i`): in
    memory (`values`, from raw rows) or a stored day's (`values` None; `source` says where slices of it
    are read: day, column, computed_at)."""

    first: int
    counts: Sequence[int]
    values: Sequence[float] | None = None
    source: Any = None
    _ends: list[int] = field(default_factory=list, repr=False)
    _lanes: int | None = field(default=None, repr=False)

    @classmethod
    def of(cls, values: Iterable[float]) -> MinuteRun:
        ordered = sorted(values)
        first, counts = _counts(ordered)
        return cls(first=first, counts=counts, values=ordered)

    @classmethod
    def stored(cls, packed_buckets: bytes | memoryview | None, source: Any) -> MinuteRun:
        first, counts = unpack_buckets(packed_buckets)
        return cls(first=first, counts=counts, source=source)

    def __len__(self) -> int:
        return sum(self.counts)

    @property
    def lanes(self) -> int:
        """The counts as one integer, bucket b's in bits 32·b to 32·b + 31 (`reports.stats.lanes_counts`
        reads them back): runs add up as integers, at C speed, not bucket by bucket (a bucket never
        holds 2**32 values)."""
        if self._lanes is None:
            packed = _little_endian(array("I", self.counts)).tobytes()
            self._lanes = int.from_bytes(packed, "little") << (32 * self.first)
        return self._lanes

    def span(self, bucket: int) -> tuple[int, int]:
        """(index of the bucket's first value in the run, how many values it holds)."""
        index = bucket - self.first
        if index < 0 or index >= len(self.counts) or not self.counts[index]:
            return 0, 0
        if not self._ends:
            self._ends = list(accumulate(self.counts))
        return self._ends[index] - self.counts[index], self.counts[index]
