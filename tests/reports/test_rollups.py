"""Reports added up from daily rollups equal the reports computed from the raw rows, on random data,
before and after the sweep, after changes the sweep has not seen yet, and after a calendar change."""

import datetime as dt
import random
import zoneinfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inquiries.models import EffortLog, Event, Inquiry, Message
from reports import selectors
from reports.period import period_parse
from rollups.models import DayTopicFigures, DirtyDay, RolledDay
from rollups.services import gaps_fill, rollups_refresh
from shifts.models import Shift, Team
from tests.factories import ShiftFactory, TopicFactory, make_inquiry

# Rollups exist on PostgreSQL (triggers); SQLite reports are the raw ones.
pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
DAYS = 45


def _odd(rng):
    """Half the times are whole minutes apart (equal values, some on bucket bounds), half to the
    microsecond, as timestamps of real arrivals and responses are."""
    return dt.timedelta(microseconds=rng.randrange(60_000_000)) if rng.random() < 0.5 else dt.timedelta()


def _random_inquiries(team, members, topics, rng, now, count, first_number=1, days=DAYS):
    rows = []
    for n in range(first_number, first_number + count):
        received = now - dt.timedelta(minutes=rng.randrange(0, days * 24 * 60)) - _odd(rng)
        responded = (
            min(now, received + dt.timedelta(minutes=rng.randrange(1, 5000)) + _odd(rng))
            if rng.random() < 0.75
            else None
        )
        due = received + dt.timedelta(minutes=rng.randrange(30, 4000)) if rng.random() < 0.9 else None
        status = "new"
        if responded:
            status = rng.choice(["responded", "waiting", "resolved"])
        elif rng.random() < 0.1:
            status = "resolved"
        rows.append(
            Inquiry(
                team=team,
                number=n,
                reference=f"{team.reference_prefix}-{n}",
                tracking_token=f"rollup-{team.pk}-{n}-{rng.random()}",
                subject="q",
                body="b",
                requester_name="Lea",
                requester_email="lea@example.org",
                topic=rng.choice([*topics, None]),
                status=status,
                assignee=rng.choice(members),
                received_at=received,
                responded_at=responded,
                resolved_at=(responded or received) + dt.timedelta(minutes=5)
                if status == "resolved"
                else None,
                resolution_kind=rng.choice(["answered", "workaround", "other"])
                if status == "resolved"
                else "",
                response_due_at=due,
                response_guarantee_at=received + dt.timedelta(hours=24) if rng.random() < 0.95 else None,
                # Some have a resolution target, a few still running when the days are stored.
                resolution_due_at=received + dt.timedelta(minutes=rng.randrange(60, 6000))
                if rng.random() < 0.5
                else None,
            )
        )
    made = Inquiry.objects.bulk_create(rows)
    users = [m.user for m in members]
    efforts = [
        EffortLog(inquiry=i, member=rng.choice(members), minutes=rng.randrange(1, 90))
        for i in made
        if rng.random() < 0.6
    ]
    EffortLog.objects.bulk_create(efforts)
    # Logged some time after the arrival (created_at is set on insert: stamped afterwards).
    _stamp(
        EffortLog,
        [(e, e.inquiry.received_at + dt.timedelta(minutes=rng.randrange(0, 3000))) for e in efforts],
        now,
    )
    replies, resolutions = [], []
    for i in made:
        if i.responded_at is not None:
            for k in range(rng.choice([1, 1, 2])):  # the first reply's author is the one who responded
                author = rng.choice([*users, None]) if rng.random() < 0.1 else rng.choice(users)
                replies.append(
                    (
                        Message(inquiry=i, kind="reply", author=author, body="r"),
                        i.responded_at + dt.timedelta(minutes=k),
                    )
                )
        if i.resolved_at is not None:
            actor = rng.choice(users)
            resolutions.append((Event(inquiry=i, kind="resolved", actor=actor), i.resolved_at))
            if rng.random() < 0.3:  # resolved before too (reopened since): counted once in a period
                earlier = i.received_at + dt.timedelta(minutes=rng.randrange(0, 4000))
                resolutions.append((Event(inquiry=i, kind="resolved", actor=actor), earlier))
    for model, pairs in ((Message, replies), (Event, resolutions)):
        model.objects.bulk_create(obj for obj, _ in pairs)
        _stamp(model, pairs, now)
    return made


def _stamp(model, pairs, now):
    for obj, at in pairs:
        model.objects.filter(pk=obj.pk).update(created_at=min(at, now))


def _random_shifts(team, members, rng, now):
    """Primary shifts over the random days: effort inside them is on shift, outside is not."""
    start = now - dt.timedelta(days=DAYS + 2)
    while start < now + dt.timedelta(days=2):
        length = dt.timedelta(hours=rng.choice([4, 8, 30]))
        ShiftFactory(
            team=team, role="primary", member=rng.choice(members), starts_at=start, ends_at=start + length
        )
        start += length + dt.timedelta(hours=rng.choice([0, 6, 20]))


def _assert_reports_equal(team, now, spans):
    for first, last in spans:
        period = period_parse(start=first.isoformat(), end=last.isoformat(), tz_name=team.timezone)
        assert selectors.response_times(team=team, period=period, now=now) == selectors.response_times_raw(
            team=team, period=period, now=now
        ), (first, last)
        assert selectors.recurring_topics(
            team=team, period=period, now=now
        ) == selectors.recurring_topics_raw(team=team, period=period), (first, last)
        assert selectors.load_balance(team=team, period=period, now=now) == selectors.load_balance_raw(
            team=team, period=period
        ), (first, last)
        assert selectors.support_cost(team=team, period=period, now=now) == selectors.support_cost_raw(
            team=team, period=period, now=now
        ), (first, last)
        teams = Team.objects.order_by("slug")
        assert selectors.team_load(teams=teams, period=period, now=now) == selectors.team_load_raw(
            teams=teams, period=period, now=now
        ), (first, last)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_reports_from_rollups_equal_reports_from_raw_rows(
    team, primary, teammate, other_team, outsider, seed
):
    rng = random.Random(seed)
    now = timezone.now()
    topics = [TopicFactory(team=team, name=f"Topic {n}") for n in range(3)]
    _random_shifts(team, [primary, teammate], rng, now)
    made = _random_inquiries(team, [primary, teammate], topics, rng, now, 120)
    _random_inquiries(other_team, [outsider], [], rng, now, 20)
    today = now.astimezone(zoneinfo.ZoneInfo(team.timezone)).date()
    spans = [
        (today - dt.timedelta(days=DAYS), today),
        (today - dt.timedelta(days=rng.randrange(10, DAYS)), today - dt.timedelta(days=rng.randrange(0, 9))),
        (today - dt.timedelta(days=30), today - dt.timedelta(days=20)),
    ]
    _assert_reports_equal(team, now, spans)  # nothing stored yet: all raw

    assert DirtyDay.objects.filter(team=team).exists()  # the triggers marked the days written
    while rollups_refresh(now=now):
        pass
    assert not DirtyDay.objects.exists()
    assert RolledDay.objects.filter(team=team).exists() and DayTopicFigures.objects.exists()
    _assert_reports_equal(team, now, spans)

    # Changes of what members did, on clean days: an earlier reply by someone else (now the first), a
    # resolution undone and one whose actor is gone, effort moved to another day.
    answered = next(
        i
        for i in made[4:]
        if i.responded_at is not None
        and i.responded_at < now - dt.timedelta(days=3)
        and i.messages.order_by("created_at", "id").first().author_id == primary.user_id
    )
    earlier = Message.objects.create(inquiry=answered, kind="reply", author=teammate.user, body="e")
    Message.objects.filter(pk=earlier.pk).update(created_at=answered.responded_at - dt.timedelta(minutes=1))
    old_resolutions = Event.objects.filter(
        kind="resolved", inquiry__team=team, created_at__lt=now - dt.timedelta(days=3)
    ).order_by("pk")
    old_resolutions.first().delete()
    Event.objects.filter(pk=old_resolutions.last().pk).update(actor=None)
    log = EffortLog.objects.filter(member__team=team).order_by("pk").first()
    EffortLog.objects.filter(pk=log.pk).update(created_at=log.created_at - dt.timedelta(days=3))
    # Resolved again by the same person two days later: counted once in a period holding both days
    # (the stored day of the first resolution now holds a repeat: the event marks it too).
    again = (
        Event.objects.filter(kind="resolved", inquiry__team=team, actor__isnull=False)
        .filter(created_at__lt=now - dt.timedelta(days=5))
        .order_by("pk")
        .last()
    )
    second = Event.objects.create(inquiry=again.inquiry, kind="resolved", actor=again.actor)
    Event.objects.filter(pk=second.pk).update(created_at=again.created_at + dt.timedelta(days=2))
    _assert_reports_equal(team, now, spans)
    while rollups_refresh(now=now):
        pass
    _assert_reports_equal(team, now, spans)

    # Changes the sweep has not seen: answered late, re-topiced, more effort, deleted, a new arrival.
    waiting = [i for i in made if i.responded_at is None and i.status == "new"]
    if waiting:
        late = waiting[0]
        Inquiry.objects.filter(pk=late.pk).update(responded_at=now, status="responded")
    Inquiry.objects.filter(pk=made[1].pk).update(topic=topics[0] if made[1].topic != topics[0] else None)
    EffortLog.objects.create(inquiry=made[2], member=primary, minutes=44)
    Inquiry.objects.filter(pk=made[3].pk).delete()
    _random_inquiries(team, [primary], topics, rng, now, 3, first_number=1000)
    _assert_reports_equal(team, now, spans)
    # Shift changes move effort in or out of shifts (they mark every day they cover).
    ShiftFactory(
        team=team,
        role="primary",
        member=primary,
        starts_at=now - dt.timedelta(days=12, hours=3, minutes=7),
        ends_at=now - dt.timedelta(days=11),
    )
    taken_over = Shift.objects.filter(team=team, starts_at__lt=now - dt.timedelta(days=20)).last()
    Shift.objects.filter(pk=taken_over.pk).update(
        member=teammate if taken_over.member == primary else primary
    )
    _assert_reports_equal(team, now, spans)
    while rollups_refresh(now=now):
        pass
    _assert_reports_equal(team, now, spans)

    # Coverage changes business minutes: stored days computed under the old calendar are not used.
    team.coverage = [{"weekday": d, "start": "08:00", "end": "12:00"} for d in range(5)]
    team.save()
    _assert_reports_equal(team, now, spans)
    call_command("rollups_rebuild", team=team.slug, stdout=open("/dev/null", "w"))  # noqa: SIM115
    _assert_reports_equal(team, now, spans)


def test_a_swept_period_reads_rollups_and_only_the_pending_inquiries(team, primary):
    """Up to today: the stored days (today's too) are used; the inquiries still pending when they were
    stored (unanswered before a deadline) are read by id, never a range of raw rows."""
    rng = random.Random(7)
    now = timezone.now()
    _random_inquiries(team, [primary], [], rng, now, 60)
    waiting = make_inquiry(team, primary, number=9999, received_at=now - dt.timedelta(minutes=5))  # due: 4 h
    while rollups_refresh(now=now):
        pass
    gaps_fill(now=now)  # quiet days (no inquiry) are stored too
    arrived = waiting.received_at.astimezone(zoneinfo.ZoneInfo(team.timezone)).date()
    assert waiting.pk in RolledDay.objects.get(team=team, day=arrived).pending_ids
    period = period_parse(
        start=(now - dt.timedelta(days=40)).date().isoformat(),
        end=now.astimezone(zoneinfo.ZoneInfo(team.timezone)).date().isoformat(),
        tz_name=team.timezone,
    )
    raw_tables = ("inquiries_inquiry", "inquiries_message", "inquiries_event", "inquiries_effortlog")
    with CaptureQueriesContext(connection) as queries:
        report = selectors.response_times(team=team, period=period, now=now)
        topics = selectors.recurring_topics(team=team, period=period, now=now)
        load = selectors.load_balance(team=team, period=period, now=now)
        team_load = selectors.team_load(teams=[team], period=period, now=now)
        cost = selectors.support_cost(team=team, period=period, now=now)
    assert (
        report["summary"]["pending"] >= 1 and topics["summary"]["inquiries"] == report["summary"]["received"]
    )
    assert sum(row["responded"] for row in load["rows"]) > 0 and team_load["rows"][0]["inquiries"] > 0
    assert cost["summary"]["effort_hours"] > 0
    raw = [q["sql"] for q in queries if any(f'FROM "{table}"' in q["sql"] for table in raw_tables)]
    assert raw and all("= ANY(" in sql and '_at" >= ' not in sql for sql in raw), raw
    assert report == selectors.response_times_raw(team=team, period=period, now=now)


def test_response_times_from_minute_buckets_equal_raw_on_busy_days(team, primary, teammate):
    """Hundreds of responses a day: the medians and p90 read bucket slices of many days (the stored days'
    minutes to the microsecond), and still equal PERCENTILE_CONT over every raw row."""
    rng = random.Random(11)
    now = timezone.now()
    _random_inquiries(team, [primary, teammate], [], rng, now, 1500, days=6)
    with connection.cursor() as cursor:  # as autovacuum would: the sweep's plans need the row counts
        cursor.execute("ANALYZE inquiries_inquiry, inquiries_event, inquiries_message, inquiries_effortlog")
    while rollups_refresh(now=now):
        pass
    today = now.astimezone(zoneinfo.ZoneInfo(team.timezone)).date()
    spans = [
        (today - dt.timedelta(days=9), today),
        (today - dt.timedelta(days=6), today - dt.timedelta(days=2)),
    ]
    for first, last in spans:
        period = period_parse(start=first.isoformat(), end=last.isoformat(), tz_name=team.timezone)
        assert selectors.response_times(team=team, period=period, now=now) == selectors.response_times_raw(
            team=team, period=period, now=now
        )


def test_a_day_recomputed_between_its_counts_and_its_minutes_is_read_again(team, primary, monkeypatch):
    """The minutes are read in a second statement: if a sweep rewrote a day in between (other counts,
    other offsets), the report reads the period again instead of slicing the new row by the old counts."""
    from rollups import selectors as rollup_selectors
    from rollups.services import days_store

    rng = random.Random(3)
    now = timezone.now()
    _random_inquiries(team, [primary], [], rng, now, 300, days=5)
    while rollups_refresh(now=now):
        pass
    tz = zoneinfo.ZoneInfo(team.timezone)
    today = now.astimezone(tz).date()
    period = period_parse(
        start=(today - dt.timedelta(days=6)).isoformat(), end=today.isoformat(), tz_name=team.timezone
    )
    read, calls = rollup_selectors.period_days, []

    def read_then_recompute(**kwargs):
        days = read(**kwargs)
        calls.append(days)
        if len(calls) == 1:  # a sweep commits a new version of two days (a new arrival on one of them)
            busy = sorted(days.calendar)[-2:]
            _random_inquiries(team, [primary], [], rng, now, 40, first_number=5000, days=2)
            days_store(team=team, days=busy, now=now)
        return days

    monkeypatch.setattr("reports.selectors.period_days", read_then_recompute)
    report = selectors.response_times(team=team, period=period, now=now)

    assert len(calls) == 2
    while rollups_refresh(now=now):
        pass
    assert report == selectors.response_times_raw(team=team, period=period, now=now)
