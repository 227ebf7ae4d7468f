"""Business time over a team's coverage (SPEC 3.1). Owned by the rotation work; see tests/shifts."""

import datetime as dt

from .models import Team


def add_business_minutes(*, team: Team, start: dt.datetime, minutes: int) -> dt.datetime | None:
    raise NotImplementedError("business time is being written")


def business_minutes_between(*, team: Team, start: dt.datetime, end: dt.datetime) -> int:
    raise NotImplementedError("business time is being written")
