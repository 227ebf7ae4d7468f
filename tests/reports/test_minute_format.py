"""Stored days in the format before minute buckets (rollups 0004: deflated minutes, no bucket counts):
migration 0005 converts them in place to exactly what the sweep writes now, and a row still in the old
format (written by an older worker during a deploy) is read raw, never sliced."""

import datetime as dt
import zlib
import zoneinfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from reports import selectors
from reports.period import period_parse
from rollups.models import DirtyDay, RolledDay
from rollups.services import rollups_refresh
from tests.factories import make_inquiry, make_member, make_team

pytestmark = [pytest.mark.postgres]
BEFORE = [("rollups", "0004_packed_minutes_pending_and_repeats")]
COLUMNS = ("calendar_minutes", "business_minutes", "calendar_buckets", "business_buckets")


def _answered_days(team, member, now):
    """Forty inquiries over four days, answered between a few seconds and a day later."""
    for n in range(40):
        received = now - dt.timedelta(days=1 + n % 4, minutes=37 * n, microseconds=7919 * n)
        make_inquiry(
            team,
            member,
            number=n + 1,
            received_at=received,
            responded_at=received + dt.timedelta(seconds=11 + 977 * n * (n % 3)),
            status="responded",
        )
    while rollups_refresh(now=now):
        pass


def _report(team, now):
    today = now.astimezone(zoneinfo.ZoneInfo(team.timezone)).date()
    period = period_parse(
        start=(today - dt.timedelta(days=7)).isoformat(), end=today.isoformat(), tz_name=team.timezone
    )
    return selectors.response_times(team=team, period=period, now=now), selectors.response_times_raw(
        team=team, period=period, now=now
    )


def _stored(team):
    return {day: tuple(bytes(v) for v in rest) for day, *rest in _rows(team)}


def _rows(team):
    return RolledDay.objects.filter(team=team).order_by("day").values_list("day", *COLUMNS)


@pytest.mark.django_db(transaction=True)
def test_migration_converts_stored_days_to_the_swept_format_and_back():
    team = make_team("fmt")
    now = timezone.now()
    _answered_days(team, make_member(team, "fmt1"), now)
    swept = _stored(team)
    assert any(minutes for minutes, *_ in swept.values())

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT day, calendar_minutes, business_minutes FROM rollups_rolledday WHERE team_id = %s",
                [team.pk],
            )
            old = {day: (bytes(c), bytes(b)) for day, c, b in cursor.fetchall()}
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    # Before: the same sorted values, deflated; after: what the sweep writes, byte for byte.
    for day, (calendar, business) in old.items():
        assert (zlib.decompress(calendar) if calendar else b"") == swept[day][0]
        assert (zlib.decompress(business) if business else b"") == swept[day][1]
    assert _stored(team) == swept
    assert not DirtyDay.objects.filter(team=team).exists()  # nothing left to recompute
    rolled, raw = _report(team, now)
    assert rolled == raw and raw["summary"]["median_calendar_minutes"] is not None


@pytest.mark.django_db
def test_a_day_stored_in_the_old_format_is_read_raw(team, primary):
    now = timezone.now()
    _answered_days(team, primary, now)
    day = RolledDay.objects.filter(team=team).exclude(calendar_minutes=b"").order_by("day").first()
    values = bytes(day.calendar_minutes)
    # As an older worker writes it: deflated minutes, no bucket counts.
    RolledDay.objects.filter(pk=day.pk).update(
        calendar_minutes=zlib.compress(values, 1), calendar_buckets=b"", business_buckets=b""
    )

    rolled, raw = _report(team, now)

    assert rolled == raw and raw["summary"]["responded"] == 40
