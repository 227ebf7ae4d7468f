"""Sending what the outbox holds: claim a row, send, record the outcome on the row."""

import datetime as dt
import json
import logging
import urllib.request

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import OutboundMessage

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


def _send(message: OutboundMessage) -> None:
    if message.channel == OutboundMessage.Channel.EMAIL:
        EmailMessage(
            subject=message.subject,
            body=message.body,
            to=[message.to],
            cc=[message.cc] if message.cc else [],
        ).send(fail_silently=False)
        return
    request = urllib.request.Request(
        message.to,
        data=json.dumps(message.payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - team-configured URL
        if response.status >= 300:
            raise OSError(f"webhook answered HTTP {response.status}")


def deliver(*, message_id: int) -> str:
    """Send one message at most once: the row is claimed under a lock and skipped if already taken."""
    now = timezone.now()
    with transaction.atomic():
        message = (
            OutboundMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=OutboundMessage.Status.PENDING)
            .first()
        )
        if message is None:
            return "skipped"
        message.attempts += 1
        try:
            _send(message)
        except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row and retried later.
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboundMessage.Status.FAILED
            message.next_attempt_at = now + _backoff(message.attempts)
            message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            logger.warning("delivery failed", extra={"message_id": message.pk, "error": message.last_error})
            return "failed"
        message.status = OutboundMessage.Status.SENT
        message.sent_at = now
        message.last_error = ""
        message.save(update_fields=["attempts", "status", "sent_at", "last_error"])
        return "sent"


def deliver_pending(*, limit: int = 200) -> int:
    """Backstop for lost tasks and outages: send whatever is pending and due, oldest first."""
    now = timezone.now()
    grace = now - dt.timedelta(seconds=30)
    ids = list(
        OutboundMessage.objects.filter(status=OutboundMessage.Status.PENDING)
        .filter(Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True, created_at__lte=grace))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for message_id in ids:
        if deliver(message_id=message_id) == "sent":
            sent += 1
    return sent
