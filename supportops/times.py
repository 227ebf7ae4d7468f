"""Times given without an offset are wall-clock times in the team's time zone, everywhere in the API
(query parameters and bodies alike): one parser, one sentence for the schema."""

import datetime as dt
import zoneinfo

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework import serializers

from .errors import InvalidInput

TEAM_LOCAL_TIME = (
    "ISO 8601 date-time. With an offset (`Z`, `+02:00`) it is that instant; without one it is a "
    "wall-clock time in the team's time zone (`2025-06-03T10:00` in Europe/Zurich is 08:00Z)."
)


def in_team_zone(value: dt.datetime, *, tz: str) -> dt.datetime:
    """An aware datetime: as given if it has an offset, else the wall time in `tz`."""
    if timezone.is_naive(value):
        return value.replace(tzinfo=zoneinfo.ZoneInfo(tz))
    return value


def team_datetime(
    raw: str | None, *, tz: str, field: str, default: dt.datetime | None = None
) -> dt.datetime | None:
    """Parse a query parameter (or any text) per TEAM_LOCAL_TIME; a clear 400 when it is no date-time."""
    if raw is None or not raw.strip():
        return default
    text = raw.strip()
    # A "+" in a query string arrives as a space: "2025-06-03T10:00:00 02:00".
    if " " in text and "T" in text:
        text = text.replace(" ", "+")
    try:
        value = parse_datetime(text)
    except ValueError:
        value = None
    if value is None:
        raise InvalidInput(
            f"{field} must be an ISO 8601 date-time, e.g. 2025-06-03T10:00:00+02:00, not {raw!r}.",
            field=field,
        )
    return in_team_zone(value, tz=tz)


class TeamLocalDateTimeField(serializers.DateTimeField):
    """A body field read per TEAM_LOCAL_TIME: a naive value stays naive here, and the view (which knows
    the team) makes it aware with `in_team_zone`."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", TEAM_LOCAL_TIME)
        super().__init__(**kwargs)

    def enforce_timezone(self, value: dt.datetime) -> dt.datetime:
        if timezone.is_naive(value):
            return value
        return super().enforce_timezone(value)


def clock(at: dt.datetime, tz: str) -> str:
    """An instant as someone in `tz` reads it, zone named: "Mon 23 Nov 12:00 CET" (`tz` is validated)."""
    return timezone.localtime(at, zoneinfo.ZoneInfo(tz)).strftime("%a %d %b %H:%M %Z")
