"""Merged weeks (rollups.models.RolledWeek): a report over whole weeks slices one merged row per week
instead of seven days, and still equals PERCENTILE_CONT over the raw rows; a week whose days changed
without it (older code, a lost race) is not used; the sweep, the rebuild command and migration 0006
write the same weeks."""

import datetime as dt
import random
import zoneinfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import F
from django.utils import timezone

from inquiries.models import Inquiry
from reports import selectors
from reports.period import period_parse
from rollups import selectors as rollup_selectors
from rollups import services
from rollups.figures import week_of
from rollups.models import DirtyDay, RolledDay, RolledWeek
from rollups.services import gaps_fill, rollups_refresh
from tests.factories import make_member, make_team
from tests.reports.test_rollups import _random_inquiries

pytestmark = [pytest.mark.postgres]
COLUMNS = ("calendar_minutes", "business_minutes", "calendar_buckets", "business_buckets")


def _busy_weeks(team, members, now, count=900):
    _random_inquiries(team, members, [], random.Random(5), now, count, days=30)
    with connection.cursor() as cursor:  # as autovacuum would: the sweep's plans need the row counts
        cursor.execute("ANALYZE inquiries_inquiry, inquiries_event, inquiries_message, inquiries_effortlog")
    while rollups_refresh(now=now):
        pass
    gaps_fill(now=now)


def _period(team, now):
    """26 days ending 5 days ago (all settled: no deadline of an unanswered inquiry ahead): two whole
    weeks at least, and days before and after them."""
    today = now.astimezone(zoneinfo.ZoneInfo(team.timezone)).date()
    return period_parse(
        start=(today - dt.timedelta(days=30)).isoformat(),
        end=(today - dt.timedelta(days=5)).isoformat(),
        tz_name=team.timezone,
    )


def _sliced(monkeypatch):
    """The sources of the runs `minute_slices` reads, recorded."""
    read, sources = rollup_selectors.minute_slices, []

    def recording(*, team, requests):
        sources.extend(run.source for run, _, _ in requests)
        return read(team=team, requests=requests)

    monkeypatch.setattr("reports.selectors.minute_slices", recording)
    return sources


def _weeks(team):
    return {
        week: tuple(bytes(v) for v in rest)
        for week, *rest in RolledWeek.objects.filter(team=team).order_by("week").values_list("week", *COLUMNS)
    }


@pytest.mark.django_db
def test_whole_weeks_are_read_from_their_merged_rows(team, primary, teammate, monkeypatch):
    now = timezone.now()
    _busy_weeks(team, [primary, teammate], now)
    period = _period(team, now)
    whole = {w for w in _weeks(team) if w >= period.start and w + dt.timedelta(days=6) <= period.end}
    assert len(whole) >= 2
    sources = _sliced(monkeypatch)

    report = selectors.response_times(team=team, period=period, now=now)

    assert report == selectors.response_times_raw(team=team, period=period, now=now)
    assert {s.day for s in sources if s.week} == whole  # every whole week's medians read its merged row
    assert not [s for s in sources if not s.week and week_of(s.day) in whole]  # and none of its days


@pytest.mark.django_db
def test_a_merged_week_holds_its_days_minutes(team, primary):
    now = timezone.now()
    _busy_weeks(team, [primary], now, count=300)
    for week, (calendar, business, *_) in _weeks(team).items():
        days = RolledDay.objects.filter(team=team, day__gte=week, day__lte=week + dt.timedelta(days=6))
        assert days.count() == 7
        for column, merged in (("calendar_minutes", calendar), ("business_minutes", business)):
            values = sorted(v for data in days.values_list(column, flat=True) for v in _floats(data))
            assert _floats(merged) == values


def _floats(data):
    from rollups.minutes import unpack_values

    return list(unpack_values(data))


@pytest.mark.django_db
def test_a_week_whose_day_was_recomputed_without_it_is_not_used(team, primary, monkeypatch):
    """A day stored by code that does not merge weeks (an older worker during a deploy, or a sweep that
    lost the race for the week): its week no longer matches the versions merged, so its days are read."""
    now = timezone.now()
    _busy_weeks(team, [primary], now, count=400)
    period = _period(team, now)
    week = min(w for w in _weeks(team) if w >= period.start)
    tz = zoneinfo.ZoneInfo(team.timezone)
    start = dt.datetime.combine(week, dt.time(), tzinfo=tz)
    # Every response of the week 7 minutes later: the same counts, other minutes.
    Inquiry.objects.filter(
        team=team, received_at__gte=start, received_at__lt=start + dt.timedelta(days=7)
    ).exclude(responded_at=None).update(responded_at=F("responded_at") + dt.timedelta(minutes=7))
    monkeypatch.setattr(services, "weeks_store", lambda **kwargs: None)
    services.days_store(team=team, days=[week + dt.timedelta(days=n) for n in range(7)], now=now)
    DirtyDay.objects.filter(team=team).delete()  # the marks that worker's sweep consumed
    monkeypatch.undo()
    sources = _sliced(monkeypatch)

    report = selectors.response_times(team=team, period=period, now=now)

    assert report == selectors.response_times_raw(team=team, period=period, now=now)
    assert week not in {s.day for s in sources if s.week}
    assert any(week_of(s.day) == week for s in sources if not s.week)


@pytest.mark.django_db
def test_a_week_missing_a_day_has_no_merged_row_until_it_is_stored(team, primary):
    now = timezone.now()
    _busy_weeks(team, [primary], now, count=200)
    week = min(_weeks(team))
    RolledDay.objects.filter(team=team, day=week + dt.timedelta(days=3)).delete()
    services.weeks_store(team=team, weeks=[week])
    assert week not in _weeks(team)

    gaps_fill(now=now)  # stores the day again (no mark needed), and its week with it

    assert week in _weeks(team)


@pytest.mark.django_db
def test_the_rebuild_writes_the_weeks_the_sweep_wrote(team, primary):
    now = timezone.now()
    _busy_weeks(team, [primary], now, count=300)
    swept = _weeks(team)
    RolledWeek.objects.all().delete()

    call_command("rollups_rebuild", team=team.slug, stdout=open("/dev/null", "w"))  # noqa: SIM115

    rebuilt = _weeks(team)
    assert swept and {w: rebuilt[w] for w in swept} == swept


@pytest.mark.django_db(transaction=True)
def test_migration_merges_the_stored_weeks_and_back():
    team = make_team("wks")
    now = timezone.now()
    _busy_weeks(team, [make_member(team, "wks1")], now, count=300)
    swept = _weeks(team)
    period = _period(team, now)

    executor = MigrationExecutor(connection)
    executor.migrate([("rollups", "0005_minute_buckets")])
    try:
        with connection.cursor() as cursor:
            assert "rollups_rolledweek" not in connection.introspection.table_names(cursor)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert swept and _weeks(team) == swept  # byte for byte what the sweep writes
    assert selectors.response_times(team=team, period=period, now=now) == selectors.response_times_raw(
        team=team, period=period, now=now
    )
