"""A year of 4-hour primaries plus weekly secondaries for 50 members: bulk inserts (constant query count).
And the re-plans of issue 8's team of 12 after a join, a leave and an absence (README, Benchmarks).

The times are printed for `make bench`; no wall-clock assertion (the machine is shared)."""

import datetime as dt
import hashlib
import time

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shifts.models import Member, Shift
from shifts.services import absence_create, member_remove, rotation_schedule, rotation_update
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


# Issue 8: a team of 12 with a 4 h primary and an 8 h secondary planned 180 days ahead, re-planned after a
# member joins, a member leaves and a new absence (each one request's service call).
TWELVE = (100, 100, 100, 90, 80, 80, 60, 50, 50, 40, 30, 20)
REPLAN_START = dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC)  # a Monday, 08:00 in Zurich


def _plan_digest(team) -> str:
    """A fingerprint of the team's shifts (role, bounds, member): equal digests, equal plans. Members by
    their rank among the team's (made in the same order), so it does not depend on the tests run before."""
    pks = sorted(Member.objects.filter(team=team).values_list("pk", flat=True))
    rank = {pk: i for i, pk in enumerate(pks)}
    rows = [
        (role, start, end, rank[member])
        for role, start, end, member in Shift.objects.filter(team=team)
        .order_by("role", "starts_at")
        .values_list("role", "starts_at", "ends_at", "member_id")
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:16]


@pytest.mark.benchmark
@pytest.mark.django_db
@pytest.mark.parametrize("coverage", ["24x7", "weekdays"])
def test_replans_of_a_team_of_twelve_after_a_join_a_leave_and_an_absence(coverage):
    timings: list[tuple[str, float, int, str]] = []

    def timed(step: str, call) -> None:
        with CaptureQueriesContext(connection) as queries:
            begin = time.perf_counter()
            call()
            spent = time.perf_counter() - begin
        timings.append((step, spent, len(queries), _plan_digest(team)))

    with time_machine.travel(REPLAN_START, tick=False):
        team = make_team(slug=f"twelve-{coverage}", **({"coverage": []} if coverage == "24x7" else {}))
        manager = make_member(team, f"boss-{coverage}", role="manager")
        members = [make_member(team, f"t{coverage}{i}", percent_time=p) for i, p in enumerate(TWELVE)]
        rotations = {
            role: RotationFactory(
                team=team,
                role=role,
                shift_length_minutes=length,
                handoff_time=dt.time(9),
                starts_on=REPLAN_START.date(),
            )
            for role, length in (("primary", 240), ("secondary", 480))
        }
        for rotation in rotations.values():
            rotation.members.set(members, through_defaults={"joined_at": REPLAN_START})
        until = REPLAN_START.date() + dt.timedelta(days=180)
        timed("schedule primary", lambda: rotation_schedule(rotation=rotations["primary"], until=until))
        timed("schedule secondary", lambda: rotation_schedule(rotation=rotations["secondary"], until=until))
    with time_machine.travel(REPLAN_START + dt.timedelta(days=20, hours=3, minutes=30), tick=False):
        newcomer = make_member(team, f"new-{coverage}", percent_time=60)
        for role, rotation in rotations.items():
            timed(
                f"join {role}",
                lambda rotation=rotation: rotation_update(
                    rotation=rotation,
                    actor=manager.user,
                    data={"members": [m.pk for m in [*members, newcomer]]},
                ),
            )
    with time_machine.travel(REPLAN_START + dt.timedelta(days=21, hours=3), tick=False):
        timed("leave", lambda: member_remove(member=members[3], actor=manager.user))
    with time_machine.travel(REPLAN_START + dt.timedelta(days=22, hours=3), tick=False):
        begin = REPLAN_START + dt.timedelta(days=36)
        timed(
            "absence",
            lambda: absence_create(
                member=members[0], starts_at=begin, ends_at=begin + dt.timedelta(days=5), actor=manager.user
            ),
        )
    shifts = Shift.objects.filter(team=team).count()
    print(
        f"\nscheduler re-plans, 12 members, 4 h primary / 8 h secondary, 180 days, {coverage} "
        f"({shifts} shifts):"
    )
    for step, spent, statements, digest in timings:
        print(f"  {step:<20} {spent:7.2f} s  {statements:4d} SQL statements  plan {digest}")
    assert (
        Shift.objects.filter(
            team=team, member=members[3], starts_at__gt=REPLAN_START + dt.timedelta(days=22)
        ).count()
        == 0
    )
