"""Fixtures for one-to-one sessions: a team offering them, and its Primary's shifts."""

import datetime as dt
import zoneinfo

import pytest

from shifts.models import Shift
from tests.factories import ShiftFactory

ZURICH = zoneinfo.ZoneInfo("Europe/Zurich")


def local(year, month, day, hour=0, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=ZURICH)


def day_shifts(team, member, first: dt.date, days: int, role: str = "primary") -> list[Shift]:
    """One shift per local day, midnight to midnight (23 or 25 hours on DST-change days)."""
    shifts = []
    for n in range(days):
        day = first + dt.timedelta(days=n)
        shifts.append(
            ShiftFactory(
                team=team,
                role=role,
                member=member,
                starts_at=local(day.year, day.month, day.day),
                ends_at=local(day.year, day.month, day.day) + dt.timedelta(days=1),
            )
        )
    return shifts


@pytest.fixture
def sessions_team(team):
    """`ads` (Europe/Zurich, Mon-Fri 09:00-17:00) offering 30 minutes a week in 30-minute sessions."""
    team.session_minutes_per_week = 30
    team.session_length_minutes = 30
    team.session_notice_minutes = 120
    team.session_video_url = "https://meet.example.org/ads-office-hours"
    team.save()
    return team


@pytest.fixture
def learner():
    return {"name": "Lea Learner", "email": "lea@example.org", "agenda": "My notebook kernel dies."}
