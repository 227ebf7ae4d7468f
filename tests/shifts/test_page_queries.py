"""The rotation and calendar pages and the iCal feed cost the same number of queries however many shifts."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shifts.models import Shift
from shifts.services import feed_create
from tests.factories import AbsenceFactory

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC)


def _shifts(team, members, count):
    Shift.objects.bulk_create(
        Shift(
            team=team,
            role="primary",
            member=members[i % len(members)],
            starts_at=MONDAY + dt.timedelta(hours=4 * i),
            ends_at=MONDAY + dt.timedelta(hours=4 * (i + 1)),
        )
        for i in range(count)
    )
    for member in members:
        AbsenceFactory(
            member=member, starts_at=MONDAY + dt.timedelta(days=20), ends_at=MONDAY + dt.timedelta(days=21)
        )


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    # The shifts are really on the page (a page showing none would trivially be constant).
    assert b"Tom" in response.content
    return len(captured)


@pytest.mark.parametrize(
    "url",
    [
        "/rotations/?team=ads",
        "/calendar/?team=ads&date=2026-03-02",
        "/calendar/?team=ads&view=month&date=2026-03-02",
    ],
)
def test_rotation_and_calendar_pages_use_constant_queries(client, manager, primary, teammate, url):
    client.force_login(manager.user)
    with time_machine.travel(MONDAY - dt.timedelta(days=1), tick=False):
        _shifts(manager.team, [primary, teammate], 4)
        few = _queries(client, url)
        Shift.objects.all().delete()
        _shifts(manager.team, [primary, teammate, manager], 40)
        many = _queries(client, url)
    assert few == many


def test_ical_feed_uses_constant_queries(client, manager, primary, teammate):
    feed = feed_create(owner=manager.user, team=manager.team)
    with time_machine.travel(MONDAY - dt.timedelta(days=1), tick=False):
        _shifts(manager.team, [primary, teammate], 4)
        few = _queries(client, f"/calendar/{feed.token}.ics")
        Shift.objects.all().delete()
        _shifts(manager.team, [primary, teammate, manager], 40)
        many = _queries(client, f"/calendar/{feed.token}.ics")
    assert few == many
