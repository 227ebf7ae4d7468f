"""A forged From: cannot speak for a requester (issue 10, item 9): email replies count only when our
receiving server's Authentication-Results (MAIL_AUTHSERV_ID) show DMARC, or DKIM aligned with the
sender's domain, passing; otherwise the reply is held as an internal note a member may accept."""

from email import message_from_bytes, policy

import pytest

from inquiries.mail_intake import inbound_email_process, parse_email
from inquiries.mail_intake.parse import sender_verification
from inquiries.models import InboundEmail, Inquiry, Message
from inquiries.services import inquiry_respond, inquiry_wait

from .conftest import AUTHSERV_ID, make_email

pytestmark = pytest.mark.django_db


def _process(team, **kwargs) -> str:
    return inbound_email_process(team=team, email=parse_email(bytes(make_email(**kwargs))))


def _verify(*results: str, sender: str = "lea@example.net") -> bool:
    message = make_email(authenticated=False, sender=sender)
    for value in results:
        message["Authentication-Results"] = value
    parsed = message_from_bytes(bytes(message), policy=policy.default)
    return sender_verification(parsed, sender)[0]


@pytest.fixture
def waiting(team, primary):
    assert _process(team, message_id="<ask@example.net>") == "created"
    inquiry = Inquiry.objects.get()
    inquiry_respond(inquiry=inquiry, actor=primary.user, body="Which browser?")
    return inquiry_wait(inquiry=inquiry, actor=primary.user)


def test_what_counts_as_verified():
    assert _verify(f"{AUTHSERV_ID}; dmarc=pass header.from=example.net")
    assert _verify(f"{AUTHSERV_ID}; dkim=pass header.d=example.net")
    assert _verify(f"{AUTHSERV_ID}; dkim=pass header.d=example.net", sender="lea@mail.example.net")
    assert _verify(f"{AUTHSERV_ID}; dkim=pass header.i=@example.net")
    # Failing or unaligned results, SPF alone, and anybody else's server verify nothing.
    assert not _verify(f"{AUTHSERV_ID}; dmarc=fail header.from=example.net")
    assert not _verify(f"{AUTHSERV_ID}; dkim=pass header.d=evil.example")
    assert not _verify(f"{AUTHSERV_ID}; dkim=pass header.d=net")
    assert not _verify(f"{AUTHSERV_ID}; spf=pass smtp.mailfrom=example.net")
    assert not _verify(f"{AUTHSERV_ID}; dmarc=pass header.from=evil.example")
    assert not _verify("mx.evil.example; dmarc=pass header.from=example.net")
    assert not _verify()


def test_only_the_topmost_header_of_our_server_counts():
    # Our server adds its header on top; a "pass" the forger wrote further down is ignored.
    assert not _verify(
        f"{AUTHSERV_ID}; dmarc=fail header.from=example.net",
        f"{AUTHSERV_ID}; dmarc=pass header.from=example.net",
    )


def test_without_a_configured_authserv_id_nothing_is_verified(settings):
    settings.MAIL_AUTHSERV_ID = ""
    assert not _verify(f"{AUTHSERV_ID}; dmarc=pass header.from=example.net")


def test_a_forged_reply_is_held_as_an_internal_note(team, waiting):
    outcome = _process(
        team,
        subject="Re: [ADS-1] Cannot open",
        body="Please send my grades to attacker@evil.example",
        message_id="<forged@evil.example>",
        authenticated=False,
    )
    assert outcome == "unverified"
    waiting.refresh_from_db()
    assert waiting.status == "waiting"  # nothing changed on the requester's behalf
    assert not waiting.messages.filter(kind=Message.Kind.REQUEST, body__contains="grades").exists()
    note = waiting.messages.get(kind=Message.Kind.NOTE)
    assert note.body.startswith("Unverified reply from lea@example.net")
    assert "attacker@evil.example" in note.body
    record = InboundEmail.objects.get(message_id="<forged@evil.example>")
    assert (record.outcome, record.inquiry, record.held_note) == ("unverified", waiting, note)


def test_a_verified_reply_continues_the_inquiry(team, waiting):
    assert _process(team, subject="Re: [ADS-1] Cannot open", body="Firefox", message_id="<r1@x>") == "replied"
    waiting.refresh_from_db()
    assert waiting.status == "responded"


def test_a_new_inquiry_from_an_unverified_sender_is_still_created(team, primary):
    assert _process(team, authenticated=False) == "created"
    assert Inquiry.objects.get().requester_email == "lea@example.net"


def test_a_member_accepts_a_held_reply_through_the_api(team, waiting, as_member, primary, outsider):
    _process(team, subject="Re: [ADS-1] x", body="It was Firefox", message_id="<h1@x>", authenticated=False)
    record = InboundEmail.objects.get(message_id="<h1@x>")
    url = f"/api/v1/inquiries/ADS-1/inbound/{record.pk}/accept/"

    assert as_member(outsider).post(url).status_code == 404
    response = as_member(primary).post(url)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "responded"
    assert waiting.messages.filter(kind=Message.Kind.REQUEST, body="It was Firefox").exists()
    record.refresh_from_db()
    assert record.outcome == "replied" and "accepted by" in record.note
    assert as_member(primary).post(url).status_code == 409


def test_a_member_accepts_a_held_reply_on_the_page(team, waiting, client, primary):
    _process(team, subject="Re: [ADS-1] x", body="It was Chrome", message_id="<h2@x>", authenticated=False)
    record = InboundEmail.objects.get(message_id="<h2@x>")
    client.force_login(primary.user)
    page = client.get("/inquiries/ADS-1/").content.decode()
    assert 'data-testid="accept-reply"' in page
    client.post("/inquiries/ADS-1/accept-reply/", {"inbound": record.pk})
    assert waiting.messages.filter(kind=Message.Kind.REQUEST, body="It was Chrome").exists()
    page = client.get("/inquiries/ADS-1/").content.decode()
    assert 'data-testid="accept-reply"' not in page
