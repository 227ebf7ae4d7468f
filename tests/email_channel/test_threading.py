"""What an inbound email becomes: new inquiry, requester reply, reopen, follow-up, or nothing (loops,
auto-replies), and never twice."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings

from inquiries.mail_intake import inbound_email_process, parse_email
from inquiries.models import Event, InboundEmail, Inquiry, Message
from inquiries.services import inquiry_resolve, inquiry_respond
from notices.mail import message_id_for as _message_id
from notices.models import OutboundMessage

from .conftest import make_email

pytestmark = pytest.mark.django_db


def _process(team, **kwargs) -> str:
    return inbound_email_process(team=team, email=parse_email(bytes(make_email(**kwargs))))


@pytest.fixture
def asked(team, primary):
    """An inquiry that came by email from Lea."""
    assert _process(team, message_id="<ask@example.net>") == "created"
    return Inquiry.objects.get(team=team)


def test_new_email_creates_an_email_inquiry_with_acknowledgement(team, primary):
    assert _process(team) == "created"
    inquiry = Inquiry.objects.get(team=team)
    assert inquiry.channel == Inquiry.Channel.EMAIL
    assert inquiry.reference == "ADS-1"
    assert (inquiry.requester_name, inquiry.requester_email) == ("Lea Learner", "lea@example.net")
    assert inquiry.subject == "Cannot open notebook 3"
    ack = OutboundMessage.objects.get(inquiry=inquiry, to="lea@example.net")
    assert ack.subject.startswith("[ADS-1] ")
    record = InboundEmail.objects.get(team=team)
    assert (record.message_id, record.outcome, record.inquiry) == ("<m1@example.net>", "created", inquiry)


def test_reply_with_reference_in_subject_from_requester_continues_the_inquiry(team, asked, primary):
    inquiry_respond(inquiry=asked, actor=primary.user, body="Which browser?")
    outcome = _process(team, subject="Re: [ADS-1] Re: Cannot open", body="Firefox", message_id="<r1@x>")
    assert outcome == "replied"
    assert Inquiry.objects.count() == 1
    assert list(asked.messages.filter(kind=Message.Kind.REQUEST).values_list("body", flat=True)) == [
        "The kernel dies when I run cell 4.",
        "Firefox",
    ]
    assert Event.objects.filter(inquiry=asked, kind="requester_replied").exists()


def test_reply_to_our_message_id_continues_the_inquiry_without_reference(team, asked):
    ack = OutboundMessage.objects.get(inquiry=asked)
    outcome = _process(team, subject="Re: thanks", message_id="<r2@x>", In_Reply_To=_message_id(ack))
    assert outcome == "replied"
    assert Inquiry.objects.count() == 1


def test_waiting_inquiry_goes_back_to_responded_on_email_reply(team, asked, primary):
    from inquiries.services import inquiry_wait

    inquiry_respond(inquiry=asked, actor=primary.user, body="Which browser?")
    inquiry_wait(inquiry=asked, actor=primary.user)
    _process(team, subject="[ADS-1] answer", message_id="<r3@x>")
    asked.refresh_from_db()
    assert asked.status == Inquiry.Status.RESPONDED


def test_reference_from_someone_else_is_a_new_inquiry(team, asked):
    outcome = _process(
        team, sender="Mallory <mallory@example.com>", subject="[ADS-1] hijack", message_id="<h@x>"
    )
    assert outcome == "created"
    assert Inquiry.objects.count() == 2
    assert asked.messages.count() == 1


def test_another_teams_reference_is_a_new_inquiry(team, other_team, asked):
    outcome = _process(other_team, subject="[ADS-1] wrong mailbox", message_id="<w@x>")
    assert outcome == "created"
    assert Inquiry.objects.get(team=other_team).reference == "BIO-1"


def test_reply_to_a_recently_resolved_inquiry_reopens_it(team, asked, primary):
    inquiry_resolve(inquiry=asked, actor=primary.user, kind="answered", reply="Restart the kernel.")
    assert _process(team, subject="Re: [ADS-1] still broken", message_id="<r4@x>") == "reopened"
    asked.refresh_from_db()
    assert asked.status == Inquiry.Status.RESPONDED
    assert Inquiry.objects.count() == 1


def test_reply_to_an_inquiry_resolved_long_ago_starts_a_follow_up(team, asked, primary):
    inquiry_resolve(inquiry=asked, actor=primary.user, kind="answered", reply="Restart the kernel.")
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=15)):
        assert _process(team, subject="Re: [ADS-1] again", message_id="<r5@x>") == "follow_up"
    asked.refresh_from_db()
    assert asked.status == Inquiry.Status.RESOLVED
    follow_up = Inquiry.objects.get(reference="ADS-2")
    assert follow_up.body.startswith("[Follow-up to ADS-1")
    assert InboundEmail.objects.get(message_id="<r5@x>").inquiry == follow_up


def test_mail_from_our_own_address_is_skipped(team):
    assert _process(team, sender=settings.DEFAULT_FROM_EMAIL) == "loop"
    assert not Inquiry.objects.exists()
    assert not OutboundMessage.objects.exists()


def test_auto_replies_and_bounces_are_skipped(team):
    assert _process(team, Auto_Submitted="auto-replied", message_id="<a1@x>") == "auto_reply"
    assert _process(team, sender="MAILER-DAEMON@mx.example.net", message_id="<a2@x>") == "auto_reply"
    assert _process(team, Precedence="bulk", message_id="<a3@x>") == "auto_reply"
    assert not Inquiry.objects.exists()
    assert InboundEmail.objects.filter(outcome="auto_reply").count() == 3


def test_sender_without_valid_address_is_recorded_as_rejected(team):
    assert _process(team, sender="not an address") == "rejected"
    assert not Inquiry.objects.exists()


def test_the_same_message_twice_makes_one_inquiry(team):
    assert _process(team) == "created"
    assert _process(team) == "duplicate"
    assert Inquiry.objects.count() == 1
    assert InboundEmail.objects.count() == 1


def test_attachments_and_truncation_are_noted_on_the_record(team):
    message = make_email(body="y" * 30_000)
    message.add_attachment(b"data", maintype="image", subtype="png", filename="screen.png")
    inbound_email_process(team=team, email=parse_email(bytes(message)))
    record = InboundEmail.objects.get()
    assert "screen.png" in record.note and "truncated from 30000" in record.note
    assert len(record.inquiry.body) <= 20000
