"""The backstop for GitHub comments in the outbox: send every due `github` row (beat, every sweep period).

A pass of its own, like the email and webhook sweeps, so a slow or failing GitHub never holds up mail
and is never skipped by a sweep that looks only at emails or only at webhooks."""

from __future__ import annotations

import time

from django.utils import timezone

from notices.delivery import DUE, deliver
from notices.models import OutboundMessage


def comments_deliver_pending(*, limit: int = 100, budget_seconds: float = 60.0) -> dict[str, int]:
    """Send what is due, oldest first, within a time budget; returns counts by outcome."""
    started = time.monotonic()
    ids = list(
        OutboundMessage.objects.filter(
            channel=OutboundMessage.Channel.GITHUB, status__in=DUE, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    counts = dict.fromkeys(("sent", "failed", "gave_up", "skipped"), 0)
    for message_id in ids:
        if time.monotonic() - started > budget_seconds:
            break
        counts[deliver(message_id=message_id)] += 1
    return counts
