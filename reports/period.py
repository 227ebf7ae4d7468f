"""The reporting period: two local dates of the team, inclusive, turned into UTC instants."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.utils import timezone

from supportops.errors import InvalidInput

DEFAULT_DAYS = 28  # the last four weeks, today included
MAX_DAYS = 2 * 366  # "at most two years"; a leap day must not push two calendar years over


@dataclass(frozen=True)
class Period:
    start: dt.date  # first local day, inclusive
    end: dt.date  # last local day, inclusive
    tz: zoneinfo.ZoneInfo

    @property
    def start_at(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(), tzinfo=self.tz)

    @property
    def end_at(self) -> dt.datetime:
        """Midnight after the last day: the period is the half-open [start_at, end_at)."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), tzinfo=self.tz)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def weeks(self) -> float:
        return self.days / 7

    def as_dict(self) -> dict:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "days": self.days}


def _date(value: str, *, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"{field} must be a date like 2026-03-31, not {value!r}.", field=field) from None


def period_parse(*, start: str | None, end: str | None, tz_name: str = "UTC") -> Period:
    """Parse ?start=&end= (ISO dates, both inclusive); default the last four weeks ending today."""
    tz = zoneinfo.ZoneInfo(tz_name or "UTC")
    today = timezone.now().astimezone(tz).date()
    end_date = _date(end, field="end") if end else None
    start_date = _date(start, field="start") if start else None
    if end_date is None:
        end_date = today if start_date is None else start_date + dt.timedelta(days=DEFAULT_DAYS - 1)
    if start_date is None:
        start_date = end_date - dt.timedelta(days=DEFAULT_DAYS - 1)
    if start_date > end_date:
        raise InvalidInput(
            f"start ({start_date}) is after end ({end_date}); pick a start on or before the end.",
            field="start",
        )
    if (end_date - start_date).days + 1 > MAX_DAYS:
        raise InvalidInput(
            f"The period {start_date} to {end_date} is longer than two years; pick a shorter one.",
            field="end",
        )
    return Period(start=start_date, end=end_date, tz=tz)
