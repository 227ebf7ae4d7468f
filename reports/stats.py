"""Percentiles: PERCENTILE_CONT in PostgreSQL, the same interpolation in Python where SQLite lacks it."""

from __future__ import annotations

import math
from collections.abc import Sequence

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
