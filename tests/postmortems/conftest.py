"""Fixtures for postmortem tests: inquiries of `ads` (round-the-clock coverage) with effort logged."""

import datetime as dt

import pytest
from django.utils import timezone

from inquiries import services as inquiry_services
from postmortems import services
from tests.factories import ALWAYS, ShiftFactory, inquiry_through_intake


@pytest.fixture
def on_shift(team, primary):
    team.coverage = ALWAYS
    team.save()
    now = timezone.now()
    return ShiftFactory(
        team=team,
        role="primary",
        member=primary,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=23),
    )


@pytest.fixture
def inquiry(on_shift, team):
    return inquiry_through_intake(team)


@pytest.fixture
def draft(inquiry, primary):
    """A hand-made draft about `inquiry` (ADS-1), written by the Primary."""
    inquiry_services.inquiry_respond(inquiry=inquiry, actor=primary.user, body="Looking into it")
    return services.postmortem_create(team=inquiry.team, actor=primary.user, inquiries=[inquiry])
