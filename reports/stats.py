"""Percentiles: PERCENTILE_CONT in PostgreSQL, the same interpolation in Python where SQLite lacks it."""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from itertools import chain

from django.db import connection
from django.db.models import Aggregate, ExpressionWrapper, F, FloatField
from django.db.models.functions import Extract


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
    position = fraction * (len(sorted_values) - 1)
    low, high = math.floor(position), math.ceil(position)
    if low == high:
        return float(sorted_values[low])
    weight = position - low
    return float(sorted_values[low]) * (1 - weight) + float(sorted_values[high]) * weight


def rounded(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


# Up to this many values, runs are simply merged and sorted.
MERGE_AT_MOST = 512


def run_percentiles(runs: Sequence[Sequence[float]], fractions: Sequence[float]) -> list[float | None]:
    """`percentile(sorted(all values), f)` for each fraction, where the values come as sorted runs (a
    stored day's minutes each): the same figures, but only a window of values around each rank is
    sorted. The window is placed from a sample of every S-th value of each run and then checked with
    exact counts (bisect in every run); a window that misses the rank is widened, up to all values."""
    runs = [run for run in runs if len(run)]
    n = sum(len(run) for run in runs)
    if not n:
        return [None for _ in fractions]
    if len(runs) == 1 or n <= MERGE_AT_MOST:
        values = runs[0] if len(runs) == 1 else sorted(chain.from_iterable(runs))
        return [percentile(values, fraction) for fraction in fractions]
    r = len(runs)
    spread = math.sqrt(r / 12)  # a sampled count's error, in units of S, is about this
    step = max(1, round(math.sqrt(n / (4.6 * spread + 2))))
    sample = sorted(chain.from_iterable(run[::step] for run in runs))
    margin = int(4 * step * spread) + step + 1
    results = []
    for fraction in fractions:
        position = fraction * (n - 1)
        low, high = math.floor(position), math.ceil(position)
        window, below = _window(runs, sample, step, margin, low, high)
        low_value, high_value = window[low - below], window[high - below]
        if low == high:
            results.append(float(low_value))
        else:
            weight = position - low
            results.append(float(low_value) * (1 - weight) + float(high_value) * weight)
    return results


def _window(runs, sample, step: int, margin: int, low: int, high: int) -> tuple[list[float], int]:
    """The sorted values between two pivots that enclose ranks low..high, and how many values lie below."""
    bias = len(runs) * step / 2  # a sampled value's rank is about step × (index + 1) − bias
    widen = 1
    while True:
        first = math.floor((low - margin * widen + bias) / step) - 1
        last = math.ceil((high + margin * widen + bias) / step)
        lower = sample[first] if first >= 0 else -math.inf
        upper = sample[last] if last < len(sample) else math.inf
        starts = [bisect_left(run, lower) for run in runs]
        ends = [bisect_right(run, upper) for run in runs]
        below = sum(starts)
        if below <= low and sum(ends) > high:
            window = sorted(
                chain.from_iterable(run[s:e] for run, s, e in zip(runs, starts, ends, strict=True))
            )
            return window, below
        widen *= 4
