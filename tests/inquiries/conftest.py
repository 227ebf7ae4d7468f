"""Fixtures for inquiry tests: the Primary on shift now and an inquiry made through intake."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import ALWAYS, ShiftFactory, TopicFactory, inquiry_through_intake


@pytest.fixture
def open_team(team):
    """The `ads` team with round-the-clock coverage, so deadlines are simple to reason about."""
    team.coverage = ALWAYS
    team.response_target_minutes = 240
    team.save()
    return team


@pytest.fixture
def on_shift(open_team, primary):
    """`primary` is the Primary of `ads` from an hour ago for a day."""
    now = timezone.now()
    return ShiftFactory(
        team=open_team,
        role="primary",
        member=primary,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=23),
    )


@pytest.fixture
def topic(open_team):
    return TopicFactory(team=open_team, name="Pandas")


@pytest.fixture
def inquiry(on_shift, open_team):
    return inquiry_through_intake(open_team)
