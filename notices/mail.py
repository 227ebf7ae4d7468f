"""Turning an outbox row into an email that threads in the requester's mail client.

Every email about an inquiry has a stable Message-ID derived from its outbox row
(`<ADS-12.ack.345@host>`: the same on every retry, so a receiver can drop a duplicate), and
`In-Reply-To`/`References` naming the previous email of the same conversation (ours to that
recipient and, for the requester, the mails they sent us), so clients show one thread. Emails to the
requester carry `Reply-To:` the team mailbox when one is polled, so pressing Reply lands where intake
reads it (inquiries.mail_intake recognizes our Message-IDs and the `[ADS-12]` in the subject).
Automatic emails say so (`Auto-Submitted: auto-generated`, RFC 3834). A plain-text part and a simple
escaped HTML alternative. Header values never contain control characters: a subject typed with CR/LF
into the public form would otherwise make Django raise BadHeaderError on every email about it.
"""

from __future__ import annotations

import re
import unicodedata
from email.utils import formataddr, parseaddr
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.html import linebreaks, urlize

from inquiries.mail_threads import inbound_message_ids

from .models import OutboundMessage

REFERENCES_MAX = 10
_ID_SAFE = re.compile(r"[^A-Za-z0-9_-]+")


def header_safe(value: str) -> str:
    """One line of printable text: control characters (CR, LF, NUL, tabs, …) become spaces."""
    if not value:
        return ""
    if value.isprintable():  # no control character (Cc is not printable): nothing to replace
        return " ".join(value.split())
    cleaned = "".join(" " if unicodedata.category(c) == "Cc" else c for c in value)
    return " ".join(cleaned.split())


def mail_domain() -> str:
    return urlparse(settings.SITE_URL).hostname or "localhost"


def message_id_for(message: OutboundMessage) -> str:
    """`<REF.kind.pk@host>` for an email about an inquiry, else `<supportops.kind.pk@host>`."""
    kind = _ID_SAFE.sub("-", message.kind or "outbound")
    inquiry = message.inquiry if message.inquiry_id else None
    prefix = _ID_SAFE.sub("-", inquiry.reference) if inquiry is not None else "supportops"
    return f"<{prefix}.{kind}.{message.pk}@{mail_domain()}>"


def team_reply_to(team) -> str:
    """The polled team mailbox as an address, if there is one (its IMAP username is the address)."""
    address = (team.mail_username or "").strip()
    if not team.mail_enabled or "@" not in address:
        return ""
    return formataddr((header_safe(team.name), address))


def thread_ids(message: OutboundMessage) -> list[str]:
    """Message-IDs of the conversation before this email, oldest first: earlier emails about the
    inquiry to the same recipient and, when the recipient is the requester, the emails they sent us
    (the first of which starts the thread for email-channel inquiries)."""
    inquiry = message.inquiry
    earlier = list(
        OutboundMessage.objects.filter(
            inquiry=inquiry, channel=OutboundMessage.Channel.EMAIL, to=message.to, pk__lt=message.pk
        )
        .select_related("inquiry")
        .order_by("created_at", "pk")
    )
    timeline = [(m.created_at, message_id_for(m)) for m in earlier]
    if message.to.lower() == inquiry.requester_email.lower():
        timeline += inbound_message_ids(inquiry=inquiry, until=message.created_at)
    timeline.sort(key=lambda pair: pair[0])
    return [message_id for _, message_id in timeline]


def _html(body: str) -> str:
    # urlize escapes the text (autoescape) and links the URLs; linebreaks then adds <p>/<br>.
    content = linebreaks(urlize(body, nofollow=True, autoescape=True), autoescape=False)
    return f'<!doctype html>\n<html><body style="font-family:sans-serif">{content}</body></html>\n'


def build_email(message: OutboundMessage) -> EmailMultiAlternatives:
    headers = {"Message-ID": message_id_for(message)}
    if message.automatic:
        headers["Auto-Submitted"] = "auto-generated"
    reply_to: list[str] = []
    if message.inquiry_id:
        inquiry = message.inquiry
        ids = thread_ids(message)
        if ids:
            # References: the thread's root and the most recent ones (RFC 5322 3.6.4, trimmed).
            refs = ids if len(ids) <= REFERENCES_MAX else [ids[0], *ids[-(REFERENCES_MAX - 1) :]]
            headers["In-Reply-To"] = ids[-1]
            headers["References"] = " ".join(refs)
        if message.to.lower() == inquiry.requester_email.lower():
            team_address = team_reply_to(inquiry.team)
            if team_address:
                reply_to = [team_address]
    email = EmailMultiAlternatives(
        subject=header_safe(message.subject),
        body=message.body,
        to=[_address(message.to)],
        cc=[_address(message.cc)] if message.cc else [],
        headers=headers,
        reply_to=reply_to,
    )
    email.attach_alternative(_html(message.body), "text/html")
    return email


def _address(value: str) -> str:
    name, address = parseaddr(header_safe(value))
    return formataddr((name, address)) if name else address
