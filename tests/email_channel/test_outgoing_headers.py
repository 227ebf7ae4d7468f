"""Emails that thread (issue 9, item 6): a stable Message-ID, In-Reply-To/References to the previous
email of the inquiry, Reply-To the team mailbox, Auto-Submitted on automatic ones, an escaped HTML
alternative, and headers that survive CR/LF typed into a public subject (issue 10, item 8)."""

import email
from email import policy

import pytest
from django.core import mail

from inquiries.mail_intake import inbound_email_process, parse_email
from inquiries.models import Inquiry
from inquiries.services import inquiry_create, inquiry_respond
from notices import delivery
from notices.models import OutboundMessage

from .conftest import make_email

pytestmark = pytest.mark.django_db


def _sent(django_capture_on_commit_callbacks, action):
    with django_capture_on_commit_callbacks(execute=True):
        result = action()
    return result


def _parsed(message) -> email.message.EmailMessage:
    return email.message_from_bytes(message.message().as_bytes(), policy=policy.default)


@pytest.fixture
def team_mailbox(team):
    team.mail_enabled = True
    team.mail_host = "127.0.0.1"
    team.mail_username = "support-ads@example.org"
    team.mail_password = "x"
    team.save()
    return team


def _ask(team, **fields):
    data = {
        "team": team,
        "subject": "Cannot open <notebook 3> & more",
        "body": "The kernel dies.",
        "requester_name": "Lea Learner",
        "requester_email": "lea@example.net",
    }
    data.update(fields)
    return inquiry_create(**data)


def test_the_acknowledgement_threads_and_replies_go_to_the_team_mailbox(
    team_mailbox, primary, django_capture_on_commit_callbacks
):
    inquiry = _sent(django_capture_on_commit_callbacks, lambda: _ask(team_mailbox))
    ack_row = OutboundMessage.objects.get(inquiry=inquiry, to="lea@example.net")
    ack = _parsed(next(m for m in mail.outbox if m.to == ["lea@example.net"]))
    assert ack["Message-ID"] == f"<ADS-1.ack.{ack_row.pk}@127.0.0.1>"
    assert ack["Auto-Submitted"] == "auto-generated"
    assert ack["Reply-To"].addresses[0].addr_spec == "support-ads@example.org"
    assert ack["In-Reply-To"] is None  # a web-form inquiry: the acknowledgement starts the thread
    html = ack.get_body(preferencelist=("html",)).get_content()
    text = ack.get_body(preferencelist=("plain",)).get_content()
    assert "Cannot open &lt;notebook 3&gt; &amp; more" in html and "<notebook" not in html
    assert "Cannot open <notebook 3> & more" in text
    assert 'href="http://127.0.0.1:8000/track/' in html

    mail.outbox.clear()
    _sent(
        django_capture_on_commit_callbacks,
        lambda: inquiry_respond(inquiry=inquiry, actor=primary.user, body="Which browser?"),
    )
    reply = _parsed(mail.outbox[0])
    reply_row = OutboundMessage.objects.filter(inquiry=inquiry, to="lea@example.net").latest("pk")
    assert reply["Message-ID"] == f"<ADS-1.reply.{reply_row.pk}@127.0.0.1>"
    assert reply["In-Reply-To"] == ack["Message-ID"]
    assert reply["References"] == ack["Message-ID"]
    # Written by a person: no Auto-Submitted, so the requester's auto-responder may answer it.
    assert reply["Auto-Submitted"] is None
    assert reply["Subject"] == "[ADS-1] Re: Cannot open <notebook 3> & more"


def test_without_a_team_mailbox_there_is_no_reply_to(team, primary, django_capture_on_commit_callbacks):
    _sent(django_capture_on_commit_callbacks, lambda: _ask(team))
    ack = _parsed(next(m for m in mail.outbox if m.to == ["lea@example.net"]))
    assert ack["Reply-To"] is None


def test_an_email_inquiry_threads_under_the_requesters_own_message(
    team_mailbox, primary, django_capture_on_commit_callbacks
):
    raw = make_email(message_id="<question-1@mail.example.net>")
    _sent(
        django_capture_on_commit_callbacks,
        lambda: inbound_email_process(team=team_mailbox, email=parse_email(bytes(raw))),
    )
    inquiry = Inquiry.objects.get()
    ack = _parsed(next(m for m in mail.outbox if m.to == ["lea@example.net"]))
    assert ack["In-Reply-To"] == "<question-1@mail.example.net>"
    assert ack["References"] == "<question-1@mail.example.net>"

    mail.outbox.clear()
    _sent(
        django_capture_on_commit_callbacks,
        lambda: inquiry_respond(inquiry=inquiry, actor=primary.user, body="Which browser?"),
    )
    reply = _parsed(mail.outbox[0])
    assert reply["In-Reply-To"] == ack["Message-ID"]
    assert reply["References"].split() == ["<question-1@mail.example.net>", ack["Message-ID"]]


def test_personal_notices_are_automatic_and_thread_per_inquiry(
    team, primary, django_capture_on_commit_callbacks
):
    from supportops.notifications import notify

    # The intake's own delivery published first, as its commit would (without a transaction of its own,
    # its rows' delivery would otherwise be joined by the notices' inside the test's one transaction).
    inquiry = _sent(django_capture_on_commit_callbacks, lambda: _ask(team))
    with django_capture_on_commit_callbacks(execute=True):
        for title in ("first", "second"):
            notify(recipient=primary.user, kind="response_due_soon", title=title, team=team, inquiry=inquiry)
    first, second = (_parsed(m) for m in mail.outbox if m.to == [primary.user.email])
    assert first["Auto-Submitted"] == second["Auto-Submitted"] == "auto-generated"
    assert ".response_due_soon." in first["Message-ID"]
    assert second["In-Reply-To"] == first["Message-ID"]


def test_the_message_id_is_the_same_on_a_retry(team, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1
    inquiry = _ask(team)
    row = OutboundMessage.objects.get(inquiry=inquiry, to="lea@example.net")
    assert delivery.deliver(message_id=row.pk) == "failed"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutboundMessage.objects.filter(pk=row.pk).update(next_attempt_at=row.created_at)
    assert delivery.deliver(message_id=row.pk) == "sent"
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<ADS-1.ack.{row.pk}@127.0.0.1>"


@pytest.mark.parametrize(
    "subject", ["Help\r\nBcc: victim@example.com", "Line one\nline two", "Tab\tand\x1bescape"]
)
def test_a_subject_with_control_characters_still_gets_its_acknowledgement(
    subject, api, team, primary, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/public/inquiries/",
            {
                "team": "ads",
                "name": "Lea\r\nLearner",
                "email": "lea@example.net",
                "subject": subject,
                "body": "b",
            },
            format="json",
        )
    assert response.status_code == 201, response.content
    sent = [m for m in mail.outbox if m.to == ["lea@example.net"]]
    assert len(sent) == 1
    assert "\n" not in sent[0].subject and "\r" not in sent[0].subject
    assert sent[0].message()["Bcc"] is None
    assert OutboundMessage.objects.get(to="lea@example.net").status == "sent"
