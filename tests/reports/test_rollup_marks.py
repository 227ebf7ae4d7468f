"""The rollup triggers' marks on INSERT (rollups/migrations/0007): an inquiry marks its received and
responded days in one statement; a message marks the responded day only when a reply is among the rows
written, an event the days of its inquiry's resolutions only when a "resolved" one is — the same days as
the triggers of 0003/0004, which ran the marking INSERT for every statement."""

import datetime as dt
import zoneinfo

import pytest

from inquiries.models import Event, Message
from rollups.models import DirtyDay
from tests.factories import make_inquiry

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]  # the rollups' triggers

RECEIVED = dt.datetime(2026, 3, 2, 23, 30, tzinfo=dt.UTC)  # Tue 3 Mar in the team's Zurich
RESPONDED = dt.datetime(2026, 3, 5, 8, 0, tzinfo=dt.UTC)
RESOLVED = dt.datetime(2026, 3, 9, 10, 0, tzinfo=dt.UTC)


def _marks() -> set[tuple[int, dt.date]]:
    days = set(DirtyDay.objects.values_list("team_id", "day"))
    DirtyDay.objects.all().delete()
    return days


def test_a_new_inquiry_marks_its_received_and_responded_days(team):
    _marks()
    make_inquiry(team, received_at=RECEIVED)
    assert _marks() == {(team.pk, dt.date(2026, 3, 3))}
    make_inquiry(team, received_at=RECEIVED, status="responded", responded_at=RESPONDED)
    assert _marks() == {(team.pk, dt.date(2026, 3, 3)), (team.pk, dt.date(2026, 3, 5))}


def test_only_a_reply_among_the_new_messages_marks_the_responded_day(team, primary):
    inquiry = make_inquiry(team, received_at=RECEIVED, status="responded", responded_at=RESPONDED)
    _marks()
    Message.objects.create(inquiry=inquiry, kind="request", body="More detail")
    Message.objects.bulk_create([Message(inquiry=inquiry, kind=k, body="x") for k in ("note", "system")])
    assert _marks() == set()
    Message.objects.bulk_create(
        [
            Message(inquiry=inquiry, kind="note", body="x"),
            Message(inquiry=inquiry, kind="reply", body="On it"),
        ]
    )
    assert _marks() == {(team.pk, dt.date(2026, 3, 5))}


def test_only_a_resolved_event_among_the_new_events_marks_its_inquirys_resolution_days(team, primary):
    inquiry = make_inquiry(team, received_at=RECEIVED)
    earlier = Event.objects.create(inquiry=inquiry, kind="resolved", to_value="resolved")
    Event.objects.filter(pk=earlier.pk).update(created_at=RESOLVED)
    _marks()
    Event.objects.bulk_create([Event(inquiry=inquiry, kind=k) for k in ("created", "assigned", "reopened")])
    assert _marks() == set()
    Event.objects.bulk_create(
        [
            Event(inquiry=inquiry, kind="assigned"),
            Event(inquiry=inquiry, kind="resolved", to_value="resolved"),
        ]
    )
    today = dt.datetime.now(zoneinfo.ZoneInfo(team.timezone)).date()
    assert _marks() == {(team.pk, dt.date(2026, 3, 9)), (team.pk, today)}
