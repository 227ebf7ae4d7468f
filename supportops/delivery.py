"""Sending what the outbox holds: claim a row, send outside any transaction, record the outcome.

Why a claim and not `select_for_update` around the send: the send can take up to EMAIL_TIMEOUT or
WEBHOOK_TIMEOUT seconds, and holding a transaction open that long pins a database connection and, on
SQLite (IMMEDIATE transactions), the database-wide write lock, stalling intake. Instead a conditional
UPDATE moves the row from due to `sending` with a random token; only the holder of the token may record
the outcome. Two deliverers racing for one row: exactly one UPDATE matches. A deliverer killed mid-send
leaves a claim that goes stale after CLAIM_SECONDS and is taken again by the sweep, so delivery is
at-least-once; the email's Message-ID and the webhook's Idempotency-Key are stable per row, so a
receiver can drop the rare duplicate."""

import datetime as dt
import json
import logging
import secrets
import time
import urllib.request
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F
from django.utils import timezone

from .models import OutboundMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
WEBHOOK_TIMEOUT = 10
# Longer than the slowest send (SMTP and webhook time out at 10 s), so a live claim is never stolen.
CLAIM_SECONDS = 120
DUE = (OutboundMessage.Status.PENDING, OutboundMessage.Status.SENDING)


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min, … capped at 1 h, after the `attempts`-th failure."""
    return dt.timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def _message_id(message: OutboundMessage) -> str:
    host = urlparse(settings.SITE_URL).hostname or "localhost"
    return f"<supportops.outbound.{message.pk}@{host}>"


def _send(message: OutboundMessage) -> None:
    if message.channel == OutboundMessage.Channel.EMAIL:
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            to=[message.to],
            cc=[message.cc] if message.cc else [],
            headers={"Message-ID": _message_id(message)},
        )
        _attach(email, message)
        email.send(fail_silently=False)
        return
    request = urllib.request.Request(
        message.to,
        data=json.dumps(message.payload).encode(),
        headers={
            "Content-Type": "application/json",
            "User-Agent": "SupportOps",
            "Idempotency-Key": f"supportops-outbound-{message.pk}",
        },
        method="POST",
    )
    # urlopen raises HTTPError for 4xx/5xx; redirects are followed.
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:  # noqa: S310 - team's URL
        response.read()


def _attach(email: EmailMessage, message: OutboundMessage) -> None:
    """Attachments carried in an email row's payload: {"attachments": [{filename, content, mimetype}]}
    (text content, e.g. a session's .ics invitation)."""
    for item in (message.payload or {}).get("attachments", []):
        email.attach(item["filename"], item["content"], item.get("mimetype") or "application/octet-stream")


def _claim(*, message_id: int, now: dt.datetime) -> str | None:
    token = secrets.token_hex(16)
    claimed = OutboundMessage.objects.filter(pk=message_id, status__in=DUE, next_attempt_at__lte=now).update(
        status=OutboundMessage.Status.SENDING,
        claim_token=token,
        claimed_at=now,
        next_attempt_at=now + dt.timedelta(seconds=CLAIM_SECONDS),
        attempts=F("attempts") + 1,
    )
    return token if claimed else None


def deliver(*, message_id: int) -> str:
    """Send one message if it is due and nobody else holds it: "sent", "failed" (will be retried),
    "gave_up" (MAX_ATTEMPTS reached, kept as `failed` for a person to look at) or "skipped"."""
    token = _claim(message_id=message_id, now=timezone.now())
    if token is None:
        return "skipped"
    message = OutboundMessage.objects.get(pk=message_id)
    mine = OutboundMessage.objects.filter(pk=message_id, claim_token=token)
    try:
        _send(message)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row and retried later.
        error = f"{type(exc).__name__}: {exc}"[:2000]
        gave_up = message.attempts >= MAX_ATTEMPTS
        mine.update(
            status=OutboundMessage.Status.FAILED if gave_up else OutboundMessage.Status.PENDING,
            last_error=error,
            next_attempt_at=timezone.now() + backoff(message.attempts),
            claim_token="",
        )
        log = logger.error if gave_up else logger.warning
        log(
            "delivery failed",
            extra={
                "message_id": message_id,
                "attempts": message.attempts,
                "error": error,
                "gave_up": gave_up,
            },
        )
        return "gave_up" if gave_up else "failed"
    if not mine.update(
        status=OutboundMessage.Status.SENT, sent_at=timezone.now(), last_error="", claim_token=""
    ):
        # Only possible if the send outlasted CLAIM_SECONDS and another deliverer took the row over.
        logger.warning("claim lost during a slow send", extra={"message_id": message_id})
    return "sent"


def retry_delay(*, message_id: int) -> float:
    """Seconds until the row is due again (for a task that wants to retry it itself)."""
    due = OutboundMessage.objects.filter(pk=message_id).values_list("next_attempt_at", flat=True).first()
    if due is None:
        return 0.0
    return max((due - timezone.now()).total_seconds(), 0.0)


def deliver_pending(*, limit: int = 200, budget_seconds: float = 120.0) -> dict[str, int]:
    """Backstop for lost tasks, broker outages, failures and killed deliverers: send what is due
    (pending and past its next attempt, or claimed and stale), oldest first, within a time budget so
    a dead SMTP server cannot push the task past its time limit. Returns counts by outcome."""
    started = time.monotonic()
    ids = list(
        OutboundMessage.objects.filter(status__in=DUE, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    counts = dict.fromkeys(("sent", "failed", "gave_up", "skipped"), 0)
    for message_id in ids:
        if time.monotonic() - started > budget_seconds:
            break
        counts[deliver(message_id=message_id)] += 1
    return counts
