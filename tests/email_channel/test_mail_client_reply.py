"""Issue 9, "Done when": a real mail client's Reply to an acknowledgement reaches the team mailbox and
threads into the inquiry.

Real servers on localhost: the acknowledgement leaves through Django's SMTP backend to an SMTP server
(aiosmtpd) standing in for the outside world; the learner's reply is built as a mail client builds it
(Python's email package: To = the acknowledgement's Reply-To, In-Reply-To/References = its Message-ID,
"Re: " + its subject) and submitted over SMTP; that server, acting as the team's receiving MTA, stamps
its Authentication-Results and delivers into the team mailbox on pymap by IMAP APPEND; the poll reads
it from there over STARTTLS."""

import imaplib
import smtplib
import socket
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import pytest
from aiosmtpd.controller import Controller
from django.core import mail

from inquiries.mail_intake import mailbox_poll
from inquiries.models import InboundEmail, Inquiry, Message

from .conftest import AUTHSERV_ID

pytestmark = pytest.mark.django_db


class Mta:
    """Accepts everything; mail for the team mailbox is delivered into its IMAP folder, the rest is
    kept as "sent to the outside world"."""

    def __init__(self):
        self.outside: list[bytes] = []
        self.deliver_to: dict[str, object] = {}  # address -> tests' Mailbox

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's naming
        content = envelope.original_content or envelope.content
        for rcpt in envelope.rcpt_tos:
            mailbox = self.deliver_to.get(rcpt.lower())
            if mailbox is None:
                self.outside.append(content)
                continue
            # What the receiving server adds after checking DKIM/DMARC of the sender's domain.
            domain = envelope.mail_from.rpartition("@")[2]
            stamp = (
                f"Authentication-Results: {AUTHSERV_ID}; dkim=pass header.d={domain}; "
                f"dmarc=pass header.from={domain}\r\n"
            ).encode()
            conn = mailbox.server.connect()
            try:
                typ, data = conn.append(
                    mailbox.folder, None, imaplib.Time2Internaldate(time.time()), stamp + content
                )
                assert typ == "OK", data
            finally:
                conn.logout()
        return "250 Message accepted for delivery"


@pytest.fixture
def mta(settings):
    handler = Mta()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    handler.port = port
    yield handler
    controller.stop()


def _reply_as_a_mail_client(ack, text: str) -> EmailMessage:
    """What Thunderbird/Apple Mail/Gmail do on "Reply": answer the Reply-To (else From), keep the
    subject with "Re: ", and point In-Reply-To and References at the message replied to."""
    reply = EmailMessage()
    reply["From"] = "Lea Learner <lea@example.net>"
    reply["To"] = ack["Reply-To"] or ack["From"]
    subject = ack["Subject"]
    reply["Subject"] = subject if subject.lower().startswith("re:") else f"Re: {subject}"
    reply["Date"] = formatdate(localtime=True)
    reply["Message-ID"] = make_msgid(domain="example.net")
    reply["In-Reply-To"] = ack["Message-ID"]
    reply["References"] = " ".join(filter(None, [ack["References"], ack["Message-ID"]]))
    quoted = "\n".join("> " + line for line in ack.get_body(("plain",)).get_content().splitlines())
    reply.set_content(f"{text}\n\nOn {ack['Date']}, {ack['From']} wrote:\n{quoted}\n")
    return reply


def test_a_mail_clients_reply_to_the_acknowledgement_threads_into_the_inquiry(
    api, team, primary, mailbox, mta, django_capture_on_commit_callbacks
):
    mta.deliver_to[team.mail_username.lower()] = mailbox
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/public/inquiries/",
            {
                "team": "ads",
                "name": "Lea Learner",
                "email": "lea@example.net",
                "subject": "Cannot open notebook 3",
                "body": "The kernel dies.",
            },
            format="json",
        )
    assert response.status_code == 201, response.content
    assert mail.outbox == []  # it really left over SMTP
    acks = [message_from_bytes(raw, policy=policy.default) for raw in mta.outside]
    ack = next(m for m in acks if m["To"] == "lea@example.net")
    assert ack["Reply-To"].addresses[0].addr_spec == team.mail_username

    reply = _reply_as_a_mail_client(ack, "Thanks! It works in Firefox, not in Safari.")
    with smtplib.SMTP("127.0.0.1", mta.port, timeout=10) as smtp:
        smtp.send_message(reply)
    assert mailbox.unseen() == 1

    counts = mailbox_poll(team=team)

    assert counts["replied"] == 1 and counts["created"] == 0, counts
    inquiry = Inquiry.objects.get()
    assert inquiry.reference == response.json()["reference"]
    requests = list(inquiry.messages.filter(kind=Message.Kind.REQUEST).values_list("body", flat=True))
    assert len(requests) == 2 and requests[1].startswith("Thanks! It works in Firefox")
    assert InboundEmail.objects.get(message_id=reply["Message-ID"]).inquiry == inquiry


def test_the_reply_threads_by_its_headers_even_when_the_client_drops_the_reference(
    api, team, primary, mailbox, mta, django_capture_on_commit_callbacks
):
    mta.deliver_to[team.mail_username.lower()] = mailbox
    with django_capture_on_commit_callbacks(execute=True):
        api.post(
            "/api/v1/public/inquiries/",
            {"team": "ads", "name": "Lea", "email": "lea@example.net", "subject": "Quiz 2", "body": "b"},
            format="json",
        )
    ack = message_from_bytes(mta.outside[-1], policy=policy.default)
    reply = _reply_as_a_mail_client(ack, "Any news?")
    reply.replace_header("Subject", "Re: my quiz")  # no [ADS-1] left
    with smtplib.SMTP("127.0.0.1", mta.port, timeout=10) as smtp:
        smtp.send_message(reply)

    assert mailbox_poll(team=team)["replied"] == 1
    assert Inquiry.objects.count() == 1
