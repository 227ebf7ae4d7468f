"""Business time over a team's coverage (SPEC 3.1).

Coverage windows are wall-clock times in the team's time zone; every computation converts a window of
one local date into a pair of UTC instants and then works in UTC, so DST never stretches or shrinks a
window by accident: 09:00-17:00 is eight real hours on a DST-change day too, and a 00:00-24:00 window
is 23 or 25 real hours on those days, which is what the wall clock says.

Walks day by day over windows (never minute by minute), caching each day's intervals, so a calendar built
once with `BusinessCalendar.for_team(team)` can serve thousands of inquiries cheaply.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from collections.abc import Iterable, Iterator

import holidays as holidays_lib

from .coverage import parse_coverage
from .models import Team

logger = logging.getLogger(__name__)

UTC = dt.UTC
# "No opening within about two years" means the team is closed for good (e.g. every day a holiday).
HORIZON_DAYS = 2 * 366
_ONE_DAY = dt.timedelta(days=1)
# Calendars kept per process by `BusinessCalendar.for_team`, keyed by the values they are built from.
CALENDARS_KEPT = 256
_calendars: dict[tuple, BusinessCalendar] = {}

Interval = tuple[dt.datetime, dt.datetime]


def _local_to_utc(day: dt.date, minutes: int, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """Wall-clock `minutes` after midnight of `day` in `tz`, as a UTC instant.

    24:00 is the next day's midnight. A wall time inside a spring-forward gap (e.g. 02:30 in Zurich on
    the last Sunday of March) does not exist; fold=0 maps it to the instant one offset later (03:30 local),
    i.e. the window starts when the clock first shows a time at or after it. An ambiguous wall time in the
    fall-back hour takes its first occurrence (fold=0).
    """
    if minutes >= 1440:
        day, minutes = day + _ONE_DAY, minutes - 1440
    local = dt.datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=tz)
    return local.astimezone(UTC)


class BusinessCalendar:
    """A team's coverage as UTC intervals: parsed windows, ZoneInfo and holidays, built once, reused."""

    def __init__(
        self,
        *,
        timezone: str = "UTC",
        coverage: Iterable[dict] = (),
        holidays: Iterable[str | dt.date] = (),
        holiday_country: str = "",
        holiday_subdivision: str = "",
    ) -> None:
        self.tz = zoneinfo.ZoneInfo(timezone or "UTC")
        windows = parse_coverage(list(coverage))
        # Empty coverage means the team is open around the clock (SPEC: coverage is optional).
        self.always_open = not windows
        self.by_weekday: list[list[tuple[int, int]]] = [[] for _ in range(7)]
        if self.always_open:
            self.by_weekday = [[(0, 1440)] for _ in range(7)]
        for window in windows:
            self.by_weekday[window.weekday].append((window.start_minutes, window.end_minutes))
        self.explicit_holidays: frozenset[dt.date] = frozenset(
            day if isinstance(day, dt.date) else dt.date.fromisoformat(day) for day in holidays
        )
        self.country_holidays = None
        if holiday_country:
            try:
                self.country_holidays = holidays_lib.country_holidays(
                    holiday_country, subdiv=holiday_subdivision or None
                )
            except NotImplementedError:
                # Validated when the team is saved; an unknown calendar here only loses public holidays.
                logger.warning("unknown holiday calendar", extra={"country": holiday_country})
        self._day_cache: dict[dt.date, list[Interval]] = {}

    @classmethod
    def for_team(cls, team: Team) -> BusinessCalendar:
        """The team's calendar, shared by every caller in this process while the team's zone, coverage and
        holidays are the same (the key is their values, so an edited team gets a new one): parsing them
        and the days' intervals cost every public submission more than its deadlines. A calendar only
        ever adds days to its cache, each computed from those values alone."""
        key = (
            team.timezone,
            repr(team.coverage or []),
            repr(team.holidays or []),
            team.holiday_country,
            team.holiday_subdivision,
        )
        calendar = _calendars.get(key)
        if calendar is None:
            calendar = cls(
                timezone=team.timezone,
                coverage=team.coverage or [],
                holidays=team.holidays or [],
                holiday_country=team.holiday_country,
                holiday_subdivision=team.holiday_subdivision,
            )
            if len(_calendars) >= CALENDARS_KEPT:
                _calendars.clear()
            _calendars[key] = calendar
        return calendar

    # -- days ---------------------------------------------------------------------------------------

    def is_holiday(self, day: dt.date) -> bool:
        if day in self.explicit_holidays:
            return True
        return self.country_holidays is not None and day in self.country_holidays

    def day_intervals(self, day: dt.date) -> list[Interval]:
        """The open intervals (UTC, half-open [start, end)) of one local date; [] on holidays."""
        cached = self._day_cache.get(day)
        if cached is not None:
            return cached
        intervals: list[Interval] = []
        if not self.is_holiday(day):
            for start_min, end_min in self.by_weekday[day.weekday()]:
                start = _local_to_utc(day, start_min, self.tz)
                end = _local_to_utc(day, end_min, self.tz)
                if end > start:  # a window entirely inside a DST gap has no real time
                    intervals.append((start, end))
        self._day_cache[day] = intervals
        return intervals

    def local_date(self, at: dt.datetime) -> dt.date:
        return _aware(at).astimezone(self.tz).date()

    def intervals(self, start: dt.datetime, end: dt.datetime | None = None) -> Iterator[Interval]:
        """Open intervals that end after `start` (and begin before `end`), in order, clipped to neither.

        Without `end`, walks at most HORIZON_DAYS local days past `start`.
        """
        start = _aware(start)
        # A window never leaves its local date, so starting one day early catches one still open at `start`.
        day = self.local_date(start) - _ONE_DAY
        last_day = self.local_date(end) + _ONE_DAY if end is not None else day + dt.timedelta(HORIZON_DAYS)
        while day <= last_day:
            for interval in self.day_intervals(day):
                if interval[1] <= start:
                    continue
                if end is not None and interval[0] >= end:
                    return
                yield interval
            day += _ONE_DAY

    # -- questions ----------------------------------------------------------------------------------

    def is_open(self, at: dt.datetime) -> bool:
        at = _aware(at)
        day = self.local_date(at)
        return any(s <= at < e for d in (day - _ONE_DAY, day) for s, e in self.day_intervals(d))

    def next_opening(self, at: dt.datetime) -> dt.datetime | None:
        """`at` itself if open, else the start of the next window; None if closed for ~2 years."""
        for start, _end in self.intervals(at):
            return max(start, _aware(at))
        return None

    def add_minutes(self, start: dt.datetime, minutes: float) -> dt.datetime | None:
        """The instant at which `minutes` of coverage have elapsed since `start` (UTC).

        Counting starts at the next opening; a result that falls exactly on a window's end stays there.
        None if coverage does not provide that much time within ~2 years.
        """
        if minutes < 0:
            raise ValueError("minutes must not be negative")
        start = _aware(start).astimezone(UTC)
        remaining = dt.timedelta(minutes=minutes)
        for window_start, window_end in self.intervals(start):
            begin = max(window_start, start)
            available = window_end - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        return None

    def minutes_between(self, start: dt.datetime, end: dt.datetime) -> float:
        """Minutes of coverage in [start, end); 0 when end is not after start."""
        start, end = _aware(start), _aware(end)
        if end <= start:
            return 0.0
        total = dt.timedelta(0)
        for window_start, window_end in self.intervals(start, end):
            total += min(window_end, end) - max(window_start, start)
        return total / dt.timedelta(minutes=1)

    def overlaps(self, start: dt.datetime, end: dt.datetime) -> bool:
        """Does [start, end) contain any coverage time?"""
        return next(self.intervals(start, end), None) is not None


def _aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("business time needs time-zone-aware datetimes")
    return value


def add_business_minutes(*, team: Team, start: dt.datetime, minutes: int) -> dt.datetime | None:
    return BusinessCalendar.for_team(team).add_minutes(start, minutes)


def business_minutes_between(*, team: Team, start: dt.datetime, end: dt.datetime) -> float:
    return BusinessCalendar.for_team(team).minutes_between(start, end)
