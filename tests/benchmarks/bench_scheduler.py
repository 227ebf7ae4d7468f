"""A year of 4-hour primaries plus weekly secondaries for 50 members: bulk inserts (constant query count).

The time is printed for `make bench`; no wall-clock assertion (the machine is shared)."""

import datetime as dt
import time

import pytest
import time_machine
from django.db import connection

from shifts.models import Shift
from shifts.services import rotation_schedule
from tests.factories import RotationFactory, make_member, make_team


@pytest.mark.benchmark
@pytest.mark.django_db
def test_a_year_of_four_hour_primaries_and_weekly_secondaries_for_fifty_members(
    django_assert_max_num_queries,
):
    with time_machine.travel(dt.datetime(2025, 12, 31, 12, tzinfo=dt.UTC), tick=False):
        # Around-the-clock coverage: 6 primary shifts a day, 2190 in the year, and 53 weekly secondaries.
        team = make_team(slug="bench", coverage=[])
        members = [make_member(team, f"m{i}", percent_time=10 + (i * 7) % 91) for i in range(50)]
        primary = RotationFactory(
            team=team, shift_length_minutes=240, handoff_time=dt.time(0), starts_on=dt.date(2026, 1, 1)
        )
        secondary = RotationFactory(
            team=team,
            role="secondary",
            shift_length_minutes=7 * 24 * 60,
            handoff_time=dt.time(0),
            starts_on=dt.date(2026, 1, 1),
        )
        primary.members.set(members)
        secondary.members.set(members)
        # PostgreSQL inserts all rows in one statement; SQLite caps parameters per statement, so its
        # bulk insert is split into batches of max_query_params (still no per-shift query).
        fields = len(Shift._meta.concrete_fields)
        batches = (
            1
            if connection.features.max_query_params is None
            else -(-(365 * 6 * fields) // connection.features.max_query_params)
        )
        begin = time.perf_counter()
        with django_assert_max_num_queries(20 + batches):
            made = rotation_schedule(rotation=primary, until=dt.date(2026, 12, 31))
        first = time.perf_counter() - begin
        begin = time.perf_counter()
        # Planned together: the weekly secondaries lead, the primaries yield where they overlap.
        with django_assert_max_num_queries(20 + 2 * batches):
            rotation_schedule(rotation=secondary, until=dt.date(2026, 12, 31))
        both = time.perf_counter() - begin
    assert len(made) == 365 * 6
    assert Shift.objects.filter(role="primary").count() == 365 * 6
    assert Shift.objects.filter(role="secondary").count() == 53
    print(
        f"\nscheduler: {len(made)} four-hour primaries for 50 members in {first * 1000:.0f} ms; "
        f"adding 53 weekly secondaries (team re-planned together) in {both * 1000:.0f} ms"
    )
