"""The support-cost planner: "what if we had these members and this coverage?" (SPEC 3.8).

A week of coverage is staffed by one Primary at a time, so the cost is the weekly coverage hours over
the team's weekly capacity (sum of percent-time x 40 h). Six full-time members with Mon-Fri 09-17
cost 40/240 = 16.7%; Mon-Wed only 24/240 = 10%.
"""

from __future__ import annotations

from shifts.coverage import WEEKDAYS, parse_coverage
from supportops.errors import InvalidInput

from .selectors import HOURS_PER_WEEK

MAX_MEMBERS = 500


def percent_times_parse(
    *, members: object = None, percent_time: object = None, percent_times=None
) -> list[int]:
    """Either a list of percent-times, or a count of members who all work the same percent-time."""
    if percent_times not in (None, "", []):
        raw = percent_times.split(",") if isinstance(percent_times, str) else percent_times
        if not isinstance(raw, list | tuple):
            raise InvalidInput("percent_times must be a list like [100, 100, 50].", field="percent_times")
        values = [_int(v, field="percent_times", low=1, high=100) for v in raw if str(v).strip()]
    else:
        count = _int(members if members not in (None, "") else 0, field="members", low=1, high=MAX_MEMBERS)
        pct = _int(
            percent_time if percent_time not in (None, "") else 100, field="percent_time", low=1, high=100
        )
        values = [pct] * count
    if not values:
        raise InvalidInput("Give at least one member.", field="members")
    if len(values) > MAX_MEMBERS:
        raise InvalidInput(f"At most {MAX_MEMBERS} members.", field="members")
    return values


def coverage_from_days(*, days: object, start: str, end: str) -> list[dict]:
    """Windows from a day list (0=Monday, as "0,1,2" or [0, 1, 2]) and one daily start and end."""
    raw = days.split(",") if isinstance(days, str) else days
    if not raw:
        raise InvalidInput("Pick at least one day of coverage.", field="days")
    weekdays = sorted({_int(d, field="days", low=0, high=6) for d in raw if str(d).strip()})
    return [{"weekday": d, "start": start, "end": end} for d in weekdays]


def cost_plan(*, percent_times: list[int], coverage: list[dict]) -> dict:
    windows = parse_coverage(coverage)
    if not windows:
        raise InvalidInput("Give at least one coverage window.", field="coverage")
    coverage_hours = sum(w.end_minutes - w.start_minutes for w in windows) / 60
    capacity = sum(percent_times) / 100 * HOURS_PER_WEEK
    return {
        "members": len(percent_times),
        "percent_times": percent_times,
        "fte": round(sum(percent_times) / 100, 2),
        "coverage": [w.as_dict() for w in windows],
        "coverage_days": sorted({WEEKDAYS[w.weekday] for w in windows}, key=WEEKDAYS.index),
        "weekly_coverage_hours": round(coverage_hours, 2),
        "weekly_capacity_hours": round(capacity, 2),
        "cost_percent": round(100 * coverage_hours / capacity, 1),
        "hours_per_fte_per_week": round(coverage_hours / (capacity / HOURS_PER_WEEK), 2),
    }


def _int(value: object, *, field: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise InvalidInput(f"{field}: {value!r} is not a whole number.", field=field) from None
    if not low <= number <= high:
        raise InvalidInput(f"{field}: {number} is not between {low} and {high}.", field=field)
    return number
