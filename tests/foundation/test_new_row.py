"""supportops.db.new_row builds the object `model(**values)` builds, through the positional __init__."""

import datetime as dt

import pytest

from inquiries.models import Event, Inquiry, Message
from notices.models import Notification, OutboundMessage
from shifts.models import Topic
from supportops.db import new_row

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def _state(obj) -> tuple[dict, dict]:
    """Every attribute (but the defaults made per object, a random token or the time now: present) and
    the related objects it holds."""
    made = {f.attname for f in obj._meta.concrete_fields if callable(f.default)}
    assert made <= set(obj.__dict__)
    values = {k: v for k, v in obj.__dict__.items() if k != "_state" and k not in made}
    return values, dict(obj._state.fields_cache)


def _alike(model, **values):
    ours, theirs = new_row(model, **values), model(**values)
    assert type(ours) is model and ours._state.adding
    assert _state(ours) == _state(theirs) and ours._state.db == theirs._state.db
    return ours


def test_an_inquiry_with_related_objects_ids_and_defaults(team, primary):
    topic = Topic.objects.create(team=team, name="Pandas")
    inquiry = _alike(
        Inquiry, team=team, number=7, reference="ADS-7", subject="s", body="b", requester_name="n",
        requester_email="a@example.org", created_by=None, topic=topic, assignee_id=primary.pk,
        priority=Inquiry.Priority.HIGH, received_at=AT, response_due_at=AT,
    )  # fmt: skip
    assert inquiry.team is team and inquiry.topic is topic and inquiry.created_by is None
    assert inquiry.status == "new" and inquiry.waiting_seconds == 0 and len(inquiry.tracking_token) > 20


def test_rows_pointing_to_an_unsaved_inquiry(team):
    inquiry = new_row(Inquiry, team=team, number=1, reference="ADS-1", received_at=AT)
    message = _alike(Message, inquiry=inquiry, kind=Message.Kind.REQUEST, body="b")
    assert message.inquiry is inquiry and message.inquiry_id is None
    _alike(Event, inquiry=inquiry, kind="created", actor=None, to_value="new", note="via Web form")


def test_other_keywords_go_to_the_model(team):
    with pytest.raises(TypeError):
        new_row(Inquiry, team=team, no_such_field=1)
    with pytest.raises(TypeError):
        Inquiry(team=team, no_such_field=1)


def test_a_notification_and_its_outbox_rows(team, primary):
    inquiry = new_row(Inquiry, team=team, number=1, reference="ADS-1", received_at=AT)
    notice = _alike(
        Notification, recipient=primary.user, kind="assigned", title="t", body="b", link="/x/", team=team,
        inquiry=inquiry, shift=None,
    )  # fmt: skip
    _alike(
        OutboundMessage, channel=OutboundMessage.Channel.EMAIL, to="a@example.org", cc="", subject="s",
        body="b", inquiry=inquiry, notification=notice, kind="assigned", automatic=True,
    )  # fmt: skip
    _alike(OutboundMessage, channel="webhook", to="https://hooks.example.org/x", payload={"text": "é"})
