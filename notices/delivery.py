"""Sending what the outbox holds: claim a row, send outside any transaction, record the outcome.

Why a claim and not `select_for_update` around the send: the send can take up to EMAIL_TIMEOUT or
WEBHOOK_TIMEOUT seconds, and holding a transaction open that long pins a database connection and, on
SQLite (IMMEDIATE transactions), the database-wide write lock, stalling intake. Instead a conditional
UPDATE moves the row from due to `sending` with a random token; only the holder of the token may record
the outcome. Two deliverers racing for one row: exactly one UPDATE matches. A deliverer killed mid-send
leaves a claim that goes stale after CLAIM_SECONDS and is taken again by the sweep, so delivery is
at-least-once; the email's Message-ID and the webhook's Idempotency-Key are stable per row, so a
receiver can drop the rare duplicate. For webhooks, at-least-once applies only while the receiver saw
nothing (no connection, or an error status): a request sent in full whose answer did not come within
WEBHOOK_TIMEOUT is recorded as sent ("Unconfirmed") and not repeated, since Slack-like receivers ignore
Idempotency-Key and a slow one would otherwise post the same message again."""

import datetime as dt
import json
import logging
import secrets
import time
from collections.abc import Callable

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from supportops import outbound

from .models import OutboundMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# Longer than the slowest send (SMTP at EMAIL_TIMEOUT, webhooks at WEBHOOK_TIMEOUT), so a live claim is
# never stolen.
CLAIM_SECONDS = 120
DUE = (OutboundMessage.Status.PENDING, OutboundMessage.Status.SENDING)


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min, … capped at 1 h, after the `attempts`-th failure."""
    return dt.timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


class WebhookRejected(Exception):
    """The receiver answered with an error status (or a redirect, which is never followed)."""


class Unconfirmed(Exception):
    """The request reached the receiver, which did not answer in time: it may have acted on it."""


# Outbound kinds beyond email and webhook, registered by the app that owns them (integrations: GitHub
# comments). A sender raises on failure; the row is then retried like any other.
SENDERS: dict[str, Callable[[OutboundMessage], None]] = {}


def register_sender(channel: str, sender: Callable[[OutboundMessage], None]) -> None:
    SENDERS[channel] = sender


def _send(message: OutboundMessage) -> None:
    if message.channel in SENDERS:
        SENDERS[message.channel](message)
        return
    if message.channel == OutboundMessage.Channel.EMAIL:
        from .mail import build_email

        email = build_email(message)
        _attach(email, message)
        email.send(fail_silently=False)
        return
    _post_webhook(message)


def _post_webhook(message: OutboundMessage) -> None:
    """POST the payload to the checked address of the URL (supportops.outbound): no redirects, a short
    timeout. Connect/send failures mean the receiver saw nothing: retried. A timeout *after* the whole
    request was sent means the receiver may have it: not retried (Unconfirmed), so a receiver slower
    than the timeout never gets duplicates; at-least-once holds only while the receiver saw nothing."""
    try:
        response = outbound.request(
            "POST",
            message.to,
            body=json.dumps(message.payload).encode(),
            headers={
                "Content-Type": "application/json",
                "User-Agent": "SupportOps",
                "Idempotency-Key": f"supportops-outbound-{message.pk}",
            },
            timeout=settings.WEBHOOK_TIMEOUT,
        )
    except outbound.ResponseTimeout as exc:
        raise Unconfirmed(str(exc)) from exc
    if 300 <= response.status < 400:
        raise WebhookRejected(f"HTTP {response.status}: redirects are not followed")
    if response.status >= 400:
        raise WebhookRejected(f"HTTP {response.status}")


def _attach(email, message: OutboundMessage) -> None:
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
    message = OutboundMessage.objects.select_related("inquiry__team").get(pk=message_id)
    mine = OutboundMessage.objects.filter(pk=message_id, claim_token=token)
    try:
        _send(message)
    except Unconfirmed as exc:
        # Sent in full, no answer in time: the receiver probably has it (a slow Slack-compatible
        # server still posts). Retrying would risk a duplicate, so the row is closed with a note.
        mine.update(
            status=OutboundMessage.Status.SENT,
            sent_at=timezone.now(),
            last_error=f"Unconfirmed: {exc}; not retried (the receiver may have it)",
            claim_token="",
        )
        logger.warning("webhook unconfirmed", extra={"message_id": message_id, "error": str(exc)})
        return "sent"
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


def deliver_pending(
    *, channel: str | None = None, limit: int = 200, budget_seconds: float = 120.0
) -> dict[str, int]:
    """Backstop for lost tasks, broker outages, failures and killed deliverers: send what is due
    (pending and past its next attempt, or claimed and stale), oldest first, within a time budget so
    a dead SMTP server cannot push the task past its time limit. `channel` limits it to emails or
    webhooks: each has its own sweep, so slow webhook receivers never hold up mail. Within one run a
    webhook URL that failed is not tried again (its other rows wait for the next run): a dead receiver
    costs one timeout per run, not one per message. Returns counts by outcome."""
    started = time.monotonic()
    due = OutboundMessage.objects.filter(status__in=DUE, next_attempt_at__lte=timezone.now())
    if channel:
        due = due.filter(channel=channel)
    rows = list(due.order_by("next_attempt_at", "id").values_list("pk", "channel", "to")[:limit])
    counts = dict.fromkeys(("sent", "failed", "gave_up", "skipped"), 0)
    failing_urls: set[str] = set()
    for message_id, row_channel, to in rows:
        if time.monotonic() - started > budget_seconds:
            break
        if row_channel == OutboundMessage.Channel.WEBHOOK and to in failing_urls:
            counts["skipped"] += 1
            continue
        outcome = deliver(message_id=message_id)
        if outcome in ("failed", "gave_up") and row_channel == OutboundMessage.Channel.WEBHOOK:
            failing_urls.add(to)
        counts[outcome] += 1
    return counts
