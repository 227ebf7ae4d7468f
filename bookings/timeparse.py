"""Query parameters that are an instant or a local date of the team."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils.dateparse import parse_datetime

from supportops.errors import InvalidInput


def parse_instant(raw: str | None, *, field: str, tz: str, required: bool = False) -> dt.datetime | None:
    """An ISO 8601 instant with offset, or a date (its local midnight in the team's zone)."""
    if raw is None or not str(raw).strip():
        if required:
            raise InvalidInput(f"{field} is required.", field=field)
        return None
    text = str(raw).strip()
    # A "+" in a query string arrives as a space: "2026-03-02T09:00:00 01:00".
    text = text.replace(" ", "+") if "T" in text else text
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            return dt.datetime.combine(day, dt.time(), tzinfo=zoneinfo.ZoneInfo(tz))
        value = parse_datetime(text)
    except ValueError:
        value = None
    if value is None:
        raise InvalidInput(
            f"{field} must be a date (2026-03-02) or an instant with offset (2026-03-02T09:00:00+01:00), "
            f"not {raw!r}.",
            field=field,
        )
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(
            f"{field} needs a time-zone offset, e.g. 2026-03-02T09:00:00+01:00 (got {raw!r}).", field=field
        )
    return value
