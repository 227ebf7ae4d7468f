"""A year of 4-hour shifts for 50 members: well under a second, bulk inserts (constant query count)."""

import datetime as dt
import time

import pytest
import time_machine
from django.db import connection

from shifts.models import Rotation, Shift
from shifts.services import rotation_schedule
from tests.factories import make_member, make_team


@pytest.mark.benchmark
@pytest.mark.django_db
def test_a_year_of_four_hour_shifts_for_fifty_members(django_assert_max_num_queries):
    with time_machine.travel(dt.datetime(2025, 12, 31, 12, tzinfo=dt.UTC), tick=False):
        # Around-the-clock coverage: 6 shifts a day, 2190 in the year.
        team = make_team(slug="bench", coverage=[])
        members = [make_member(team, f"m{i}", percent_time=10 + (i * 7) % 91) for i in range(50)]
        rotation = Rotation.objects.create(
            team=team, shift_length_minutes=240, handoff_time=dt.time(0), starts_on=dt.date(2026, 1, 1)
        )
        rotation.members.set(members)
        begin = time.perf_counter()
        # PostgreSQL inserts all rows in one statement; SQLite caps parameters per statement, so its
        # bulk insert is split into batches of max_query_params (still no per-shift query).
        fields = len(Shift._meta.concrete_fields)
        batches = (
            1
            if connection.features.max_query_params is None
            else -(-(365 * 6 * fields) // connection.features.max_query_params)
        )
        with django_assert_max_num_queries(12 + batches):
            made = rotation_schedule(rotation=rotation, until=dt.date(2026, 12, 31))
        elapsed = time.perf_counter() - begin
    assert len(made) == Shift.objects.count() == 365 * 6
    print(f"\nscheduler: {len(made)} four-hour shifts for 50 members in {elapsed * 1000:.0f} ms")
    assert elapsed < 1.0
