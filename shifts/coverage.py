"""Validation of a team's weekly coverage windows, holidays and time zone."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from supportops.errors import InvalidInput

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, order=True)
class Window:
    weekday: int
    start: dt.time
    # 24:00 is stored as dt.time.max's stand-in: end_minutes keeps the exact value.
    end_minutes: int

    @property
    def start_minutes(self) -> int:
        return self.start.hour * 60 + self.start.minute

    def as_dict(self) -> dict:
        end = (
            "24:00"
            if self.end_minutes == 1440
            else f"{self.end_minutes // 60:02d}:{self.end_minutes % 60:02d}"
        )
        return {"weekday": self.weekday, "start": self.start.strftime("%H:%M"), "end": end}


def _parse_hhmm(value: object, *, where: str, allow_24: bool = False) -> int:
    if not isinstance(value, str) or len(value) != 5 or value[2] != ":":
        raise InvalidInput(f'{where}: time must be "HH:MM", not {value!r}.', field="coverage")
    try:
        hours, minutes = int(value[:2]), int(value[3:])
    except ValueError:
        raise InvalidInput(f'{where}: time must be "HH:MM", not {value!r}.', field="coverage") from None
    if allow_24 and hours == 24 and minutes == 0:
        return 1440
    if not (0 <= hours <= 23 and 0 <= minutes <= 59):
        raise InvalidInput(f"{where}: {value!r} is not a time of day.", field="coverage")
    return hours * 60 + minutes


def parse_coverage(raw: object) -> list[Window]:
    """Return the windows sorted, or raise InvalidInput naming the first problem."""
    if not isinstance(raw, list):
        raise InvalidInput("coverage must be a list of {weekday, start, end} objects.", field="coverage")
    windows: list[Window] = []
    for index, item in enumerate(raw):
        where = f"coverage[{index}]"
        if not isinstance(item, dict) or set(item) - {"weekday", "start", "end"}:
            raise InvalidInput(
                f"{where} must be an object with weekday, start and end only.", field="coverage"
            )
        weekday = item.get("weekday")
        if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
            raise InvalidInput(
                f"{where}: weekday must be an integer 0-6 (Monday=0), not {weekday!r}.", field="coverage"
            )
        start = _parse_hhmm(item.get("start"), where=where)
        end = _parse_hhmm(item.get("end"), where=where, allow_24=True)
        if end <= start:
            raise InvalidInput(
                f"{where}: {WEEKDAYS[weekday]} window ends ({item['end']}) "
                f"before it starts ({item['start']}).",
                field="coverage",
            )
        windows.append(Window(weekday, dt.time(start // 60, start % 60), end))
    windows.sort()
    for before, after in zip(windows, windows[1:], strict=False):
        if before.weekday == after.weekday and after.start_minutes < before.end_minutes:
            raise InvalidInput(
                f"coverage: {WEEKDAYS[before.weekday]} windows {before.as_dict()['start']}-"
                f"{before.as_dict()['end']} and {after.as_dict()['start']}-{after.as_dict()['end']} overlap.",
                field="coverage",
            )
    return windows


def parse_holidays(raw: object) -> list[dt.date]:
    if not isinstance(raw, list):
        raise InvalidInput("holidays must be a list of ISO dates (YYYY-MM-DD).", field="holidays")
    days = []
    for value in raw:
        try:
            days.append(dt.date.fromisoformat(value))
        except (TypeError, ValueError):
            raise InvalidInput(
                f"holidays: {value!r} is not an ISO date (YYYY-MM-DD).", field="holidays"
            ) from None
    return sorted(set(days))


def validate_timezone(name: object) -> str:
    if not isinstance(name, str) or not name:
        raise InvalidInput("timezone must be an IANA name such as Europe/Zurich.", field="timezone")
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"Unknown time zone {name!r}: use an IANA name such as Europe/Zurich.", field="timezone"
        ) from None
    return name
