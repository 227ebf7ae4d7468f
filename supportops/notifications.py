"""The one way to tell someone something: in-app notifications, emails and webhooks via the outbox.

Rows are written inside the caller's transaction; delivery is queued with on_commit, so a rolled-back
change sends nothing, and a lost task is picked up by the outbox sweep."""

import logging

from django.conf import settings
from django.db import transaction

from .models import Notification, OutboundMessage

logger = logging.getLogger(__name__)


def _enqueue_delivery(message_id: int) -> None:
    from .tasks import deliver_outbound

    try:
        deliver_outbound.delay(message_id)
    except Exception:  # noqa: BLE001 - a broker outage must not break the request; the sweep retries.
        logger.warning(
            "could not enqueue delivery; the outbox sweep will send it", extra={"message_id": message_id}
        )


def outbox_email(
    *, to: str, subject: str, body: str, cc: str = "", inquiry=None, notification=None
) -> OutboundMessage:
    message = OutboundMessage.objects.create(
        channel=OutboundMessage.Channel.EMAIL,
        to=to,
        cc=cc,
        subject=subject[:300],
        body=body,
        inquiry=inquiry,
        notification=notification,
    )
    transaction.on_commit(lambda: _enqueue_delivery(message.pk))
    return message


def outbox_webhook(*, url: str, payload: dict, inquiry=None, notification=None) -> OutboundMessage:
    message = OutboundMessage.objects.create(
        channel=OutboundMessage.Channel.WEBHOOK,
        to=url,
        payload=payload,
        inquiry=inquiry,
        notification=notification,
    )
    transaction.on_commit(lambda: _enqueue_delivery(message.pk))
    return message


def notify(
    *,
    recipient,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    team=None,
    inquiry=None,
    shift=None,
    email: bool = True,
) -> Notification:
    """In-app notification plus an email copy to the recipient (if they have an address)."""
    notification = Notification.objects.create(
        recipient=recipient,
        kind=kind,
        title=title[:200],
        body=body,
        link=link,
        team=team,
        inquiry=inquiry,
        shift=shift,
    )
    if email and recipient.email:
        url = f"{settings.SITE_URL}{link}" if link.startswith("/") else link
        text = f"{body}\n\n{url}".strip() if url else body
        outbox_email(to=recipient.email, subject=title, body=text, inquiry=inquiry, notification=notification)
    return notification
