"""A shift-end handoff of 10,000 inquiries is a handful of set-based statements."""

import datetime as dt
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inquiries.handoff import shifts_hand_off
from inquiries.models import Event, Inquiry, Message
from notices.models import Notification, OutboundMessage
from tests.benchmarks import inquiries_copy
from tests.factories import T0, make_inquiry, make_member, make_shift

pytestmark = [pytest.mark.benchmark, pytest.mark.postgres, pytest.mark.django_db]

QUEUE = 10_000
BOUNDARY = T0 + dt.timedelta(hours=4)

# The outgoing Primary's queue: new, responded and waiting; every 100th kept; every 10th with a note.
QUEUE_ROWS = {
    "status": "(ARRAY['new', 'responded', 'waiting'])[mod(g, 3) + 1]",
    "responded_at": "CASE WHEN mod(g, 3) = 0 THEN NULL ELSE t.received_at + interval '1 hour' END",
    "keep": "mod(g, 100) = 0",
    "handoff_note": "CASE WHEN mod(g, 10) = 0 THEN 'Check the exam PDF ' || g ELSE '' END",
    "response_due_at": "t.received_at + interval '4 hours' + g * interval '1 second'",
    # One requester each: the handoff emails each requester once (several questions: one email).
    "requester_email": "'learner' || n || '@example.net'",
}


def test_a_ten_thousand_inquiry_handoff_takes_under_twenty_statements(team):
    outgoing = make_member(team, "pat")
    incoming = make_member(team, "tom")
    make_shift(team, outgoing, T0)
    make_shift(team, incoming, BOUNDARY)
    template = make_inquiry(team, outgoing, received_at=T0)
    inquiries_copy(template, QUEUE - 1, first_number=1_000, varying=QUEUE_ROWS)
    queue = Inquiry.objects.filter(assignee=outgoing, status__in=["new", "responded", "waiting"])
    total, kept = queue.count(), queue.filter(keep=True).count()

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        handoff = shifts_hand_off(team=team, boundary=BOUNDARY)
    elapsed = time.perf_counter() - started

    print(
        f"\nHandoff of {total:,} open inquiries ({handoff.moved_count:,} moved, {kept} kept): "
        f"{len(queries)} SQL statements, {elapsed:.2f} s\n"
        + "\n".join(f"  {q['sql'][:100]}" for q in queries)
    )
    assert total == QUEUE
    assert handoff.moved_count == QUEUE - kept
    assert Inquiry.objects.filter(assignee=incoming).count() == QUEUE - kept
    assert Event.objects.filter(kind="handed_off").count() == QUEUE - kept
    assert Message.objects.filter(kind="system").count() == QUEUE - kept
    assert (
        OutboundMessage.objects.filter(inquiry__isnull=False, notification__isnull=True).count()
        == QUEUE - kept
    )
    assert Notification.objects.filter(kind="handoff_digest", recipient=incoming.user).count() == 1
    assert len(queries) < 20
