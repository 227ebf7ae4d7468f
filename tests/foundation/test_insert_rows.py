"""supportops.db.insert_rows writes what bulk_create writes (the intake's hot path uses it)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inquiries.models import Event, Inquiry
from notices.models import Notification, OutboundMessage
from notices.services import email_message, webhook_message
from supportops.db import insert_rows

pytestmark = pytest.mark.django_db


def _values(obj) -> dict:
    skip = {"id", "created_at", "next_attempt_at"}  # times: now() when each row was made
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields if f.name not in skip}


def test_insert_rows_stores_the_same_rows_as_bulk_create_in_one_statement(team, primary):
    inquiry = Inquiry.objects.create(
        team=team, number=1, reference="ADS-1", subject="s", body="b", requester_name="n",
        requester_email="a@example.org", received_at="2026-03-02T08:00:00Z",
    )  # fmt: skip
    notice = Notification.objects.create(recipient=primary.user, kind="assigned", title="t", inquiry=inquiry)

    def rows():
        return [
            email_message(to="a@example.org", subject="Hi", body="x", inquiry=inquiry, notification=notice),
            webhook_message(url="https://hooks.example.org/x", payload={"text": "é <b>"}, inquiry=inquiry),
        ]

    with CaptureQueriesContext(connection) as queries:
        ours = insert_rows(rows())
    assert len(queries) == 1
    theirs = OutboundMessage.objects.bulk_create(rows())
    assert all(obj.pk and not obj._state.adding for obj in ours)
    for mine, reference in zip(ours, theirs, strict=True):
        stored, expected = (
            OutboundMessage.objects.get(pk=mine.pk),
            OutboundMessage.objects.get(pk=reference.pk),
        )
        assert _values(stored) == _values(expected)
        assert stored.created_at is not None and mine.created_at == stored.created_at  # auto_now_add
    events = insert_rows([Event(inquiry=inquiry, kind="created", to_value="new", note="via Web form")])
    assert Event.objects.get(pk=events[0].pk).note == "via Web form"
    assert insert_rows([]) == []


def test_insert_rows_together_writes_each_group_with_its_ids_in_one_statement_on_postgresql(team):
    from inquiries.models import Message
    from supportops.db import insert_rows_together

    inquiry = Inquiry.objects.create(
        team=team, number=1, reference="ADS-1", subject="s", body="b", requester_name="n",
        requester_email="a@example.org", received_at="2026-03-02T08:00:00Z",
    )  # fmt: skip
    messages = [Message(inquiry=inquiry, kind="request", body=f"m{n}") for n in range(3)]
    events = [Event(inquiry=inquiry, kind="created", to_value=f"e{n}") for n in range(2)]
    with CaptureQueriesContext(connection) as queries:
        insert_rows_together(messages, [], events)
    assert len(queries) == (1 if connection.vendor == "postgresql" else 2)
    # Every object got the id of its own row, in order, in each group.
    assert [Message.objects.get(pk=m.pk).body for m in messages] == ["m0", "m1", "m2"]
    assert [Event.objects.get(pk=e.pk).to_value for e in events] == ["e0", "e1"]
    assert all(not obj._state.adding for obj in messages + events)
    assert Message.objects.count() == 3 and Event.objects.count() == 2


def test_the_chain_writes_null_and_choice_values_into_its_text_and_stores_what_bulk_create_stores(
    team, primary
):
    """NULL, true/false, '' and a field's choice values go into the chain's text (no parameter); a column
    NULL in one row and set in the next, or a choice in one and another value in the next, still takes
    each row's own value, typed as the column."""
    from inquiries.models import Message
    from supportops.db import insert_rows_together

    inquiry = Inquiry.objects.create(
        team=team, number=1, reference="ADS-1", subject="s", body="b", requester_name="n",
        requester_email="a@example.org", received_at="2026-03-02T08:00:00Z",
    )  # fmt: skip
    notice = Notification.objects.create(recipient=primary.user, kind="assigned", title="t", inquiry=inquiry)

    def rows():
        sent = webhook_message(url="https://hooks.example.org/x", payload={"n": 1}, inquiry=inquiry)
        sent.status, sent.sent_at, sent.attempts = "sent", inquiry.received_at, 2
        odd = email_message(to="b@example.org", subject="Hi", body="y", inquiry=inquiry, notification=notice)
        odd.kind = "not-a-listed-kind"
        return [
            email_message(to="a@example.org", subject="Hi", body="x", inquiry=inquiry),
            sent,
            odd,
        ]

    ours = rows()
    messages = [
        Message(inquiry=inquiry, kind="request", body="m"),
        Message(inquiry=inquiry, kind="x", body=""),
    ]
    with CaptureQueriesContext(connection) as queries:
        insert_rows_together(messages, ours)
    theirs = OutboundMessage.objects.bulk_create(rows())
    if connection.vendor == "postgresql":
        (sql,) = [q["sql"] for q in queries]
        assert "NULL" in sql and "'pending'" in sql and "'email'" in sql and "'webhook'" in sql
        assert "not-a-listed-kind" in sql  # sent as a parameter: psycopg2's quoting in the log
    for mine, reference in zip(ours, theirs, strict=True):
        stored = OutboundMessage.objects.get(pk=mine.pk)
        assert _values(stored) == _values(OutboundMessage.objects.get(pk=reference.pk))
    assert [(m.kind, m.body) for m in Message.objects.order_by("pk")] == [("request", "m"), ("x", "")]
