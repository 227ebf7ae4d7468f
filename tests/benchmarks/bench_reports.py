"""Reports over a year of a busy team come from database aggregation (SPEC 5, Speed).

Generates 20,000 inquiries (with first replies, resolutions and effort logs) and a year of weekday
primary shifts, then prints each report's time and statement count. The statement count must be small
and the same as with a handful of inquiries: nothing is fetched per inquiry or per member.
"""

import datetime as dt
import random
import time
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inquiries.models import EffortLog, Event, Inquiry, Message
from shifts.models import Shift
from tests.factories import AbsenceFactory, RotationFactory, TopicFactory, make_member, make_team

pytestmark = [pytest.mark.benchmark, pytest.mark.postgres, pytest.mark.django_db]

ZURICH = zoneinfo.ZoneInfo("Europe/Zurich")
FIRST_DAY = dt.date(2025, 1, 6)
DAYS = 364
INQUIRIES = 20_000
SHOW_SLOW = __import__("os").environ.get("BENCH_SHOW_SLOW") == "1"
REPORTS = ("load", "response-times", "cost", "topics", "team-load")
PARAMS = {"team": "busy", "start": "2025-01-06", "end": "2026-01-04"}


def _weekdays():
    return [
        FIRST_DAY + dt.timedelta(days=n)
        for n in range(DAYS)
        if (FIRST_DAY + dt.timedelta(days=n)).weekday() < 5
    ]


def _year_of_shifts(team, members):
    rotation = RotationFactory(
        team=team, role="primary", shift_length_minutes=480, handoff_time=dt.time(9), starts_on=FIRST_DAY
    )
    rotation.members.set(members)
    Shift.objects.bulk_create(
        Shift(
            team=team,
            rotation=rotation,
            role="primary",
            member=members[index % len(members)],
            starts_at=dt.datetime.combine(day, dt.time(9), tzinfo=ZURICH),
            ends_at=dt.datetime.combine(day, dt.time(17), tzinfo=ZURICH),
        )
        for index, day in enumerate(_weekdays())
    )
    for index, member in enumerate(members):
        start = dt.datetime.combine(FIRST_DAY + dt.timedelta(days=40 * (index + 1)), dt.time(), tzinfo=ZURICH)
        AbsenceFactory(member=member, starts_at=start, ends_at=start + dt.timedelta(days=10))


def _inquiries(team, members, topics, count, first_number=1):
    rng = random.Random(count)
    weekdays = _weekdays()
    rows = []
    for n in range(first_number, first_number + count):
        received = dt.datetime.combine(rng.choice(weekdays), dt.time(9), tzinfo=ZURICH) + dt.timedelta(
            minutes=rng.randrange(0, 8 * 60)
        )
        responded = received + dt.timedelta(minutes=rng.randrange(5, 600)) if n % 10 else None
        rows.append(
            Inquiry(
                team=team,
                number=n,
                reference=f"BUSY-{n}",
                tracking_token=f"bench-{team.pk}-{n}",
                subject=f"Question {n}",
                body="body",
                requester_name="Lea",
                requester_email="lea@example.org",
                topic=topics[n % len(topics)] if n % 7 else None,
                status="resolved" if n % 3 == 0 and responded else ("responded" if responded else "new"),
                assignee=members[n % len(members)],
                received_at=received,
                responded_at=responded,
                resolved_at=responded + dt.timedelta(hours=1) if n % 3 == 0 and responded else None,
                resolution_kind="answered" if n % 3 == 0 and responded else "",
                response_due_at=received + dt.timedelta(hours=4),
                response_guarantee_at=received + dt.timedelta(hours=24),
            )
        )
    created = Inquiry.objects.bulk_create(rows, batch_size=2_000)
    responded = [i for i in created if i.responded_at]
    Message.objects.bulk_create(
        (
            Message(inquiry=i, kind="reply", author=members[i.number % len(members)].user, body="ok")
            for i in responded
        ),
        batch_size=2_000,
    )
    Event.objects.bulk_create(
        (
            Event(
                inquiry=i, kind="resolved", actor=members[i.number % len(members)].user, to_value="resolved"
            )
            for i in responded
            if i.resolved_at
        ),
        batch_size=2_000,
    )
    EffortLog.objects.bulk_create(
        (
            EffortLog(inquiry=i, member=members[i.number % len(members)], minutes=5 + i.number % 55)
            for i in created
        ),
        batch_size=2_000,
    )
    # auto_now_add stamped "now"; move every row to when it happened, in three statements.
    with connection.cursor() as cursor:
        for table, column in (
            (Message._meta.db_table, "responded_at"),
            (Event._meta.db_table, "resolved_at"),
            (EffortLog._meta.db_table, "received_at"),
        ):
            cursor.execute(
                f"UPDATE {table} AS t SET created_at = i.{column} + interval '10 minutes' "
                f"FROM {Inquiry._meta.db_table} AS i WHERE t.inquiry_id = i.id AND i.team_id = %s",
                [team.pk],
            )


def _measure(client, name):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(f"/api/v1/reports/{name}/", PARAMS)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.content
    if SHOW_SLOW:
        for query in queries.captured_queries:
            if float(query["time"]) > 0.05:
                print(f"\n  {name} slow ({query['time']} s): {query['sql'][:600]}")
    return len(queries), elapsed


def test_reports_over_a_year_of_a_busy_team(as_member):
    team = make_team("busy", name="Busy Team")
    members = [make_member(team, f"busy{n}", percent_time=(100, 80, 50)[n % 3]) for n in range(6)]
    manager = make_member(team, "boss", role="manager", percent_time=100)
    make_member(make_team("calm"), "calm1")
    topics = [TopicFactory(team=team, name=f"Topic {n}") for n in range(12)]
    _year_of_shifts(team, members)
    client = as_member(manager)

    _inquiries(team, members, topics, 20)
    _measure(client, "load")  # warm-up: first request imports and caches (URL resolver, holidays)
    small = {name: _measure(client, name) for name in REPORTS}

    started = time.perf_counter()
    _inquiries(team, members, topics, INQUIRIES - 20, first_number=21)
    generated = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    large = {name: _measure(client, name) for name in REPORTS}

    shifts = Shift.objects.count()
    lines = [
        f"\nReports over a year ({INQUIRIES:,} inquiries, {shifts} shifts; generated in {generated:.1f} s):"
    ]
    for name in REPORTS:
        lines.append(
            f"  {name:15} {large[name][1] * 1000:8.1f} ms, {large[name][0]:2d} statements "
            f"(20 inquiries: {small[name][1] * 1000:6.1f} ms, {small[name][0]} statements)"
        )
    print("\n".join(lines))
    for name in REPORTS:
        assert large[name][0] == small[name][0], name
        assert large[name][0] <= 12, name
    assert Inquiry.objects.filter(team=team).count() == INQUIRIES
