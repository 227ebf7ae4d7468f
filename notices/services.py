"""The implementation of supportops.notifications (registered in NoticesConfig.ready()): in-app
notifications, emails and webhooks via the outbox.

Rows are written inside the caller's transaction; delivery is queued with on_commit (a nudge to the
workers, `supportops.notifications.NUDGE_KEY`), so a rolled-back change sends nothing, and a nudge lost
to a Redis outage is picked up by the outbox sweep (`notices.delivery.deliver_pending`). Everything here
is set-based: telling a thousand people is a couple of INSERTs, not a thousand round trips."""

from __future__ import annotations

import functools
import json
import logging
import time
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.db import transaction
from django.utils import timezone

from supportops.db import insert_rows_together, new_row
from supportops.notifications import (
    NUDGE_KEY,
    PRELOADED,
    TEAM_EVENTS,
    Notice,
    Preferences,
    has_times,
    in_zone,
    preference_sources,
)
from supportops.redis_command import command

from .mail import header_safe
from .models import Notification, OutboundMessage

logger = logging.getLogger(__name__)

# Messages per delivery task when many are written at once (a handoff emailing every requester):
# small enough that a batch of slow SMTP/webhook timeouts stays inside the task's time limit.
DELIVERY_BATCH = 10


def absolute_url(link: str) -> str:
    return f"{settings.SITE_URL}{link}" if link.startswith("/") else link


# After a failed publish, this process stops trying for a while: each attempt against a dead broker
# costs up to ~2 s (connect timeout and redis-py's retries), which would otherwise be added to every
# request during an outage. The rows wait in the outbox; the sweep sends them once the broker is back.
BROKER_BACKOFF_SECONDS = 30.0
_broker_down_until = 0.0


_nudge_client = None
_EAGER = "task_always_eager"


@functools.cache
def _configured_eager() -> bool:
    """Celery's task_always_eager as configured (Django settings, then Celery's default): read once, since
    each read walks Celery's settings chain and misses Django's settings twice (~30 µs a submission)."""
    from supportops.celery import app

    return bool(app.conf[_EAGER])


def _forget_configured_eager(**kwargs) -> None:
    _configured_eager.cache_clear()


setting_changed.connect(_forget_configured_eager)


def _eager() -> bool:
    """`app.conf.task_always_eager`: a value set on the app at run time (tests flip it) wins, as there."""
    from supportops.celery import app

    changes = app.conf.changes  # a plain dict once the configuration is loaded (after its first read)
    if type(changes) is not dict:
        return bool(app.conf[_EAGER])
    return bool(changes[_EAGER]) if _EAGER in changes else _configured_eager()


def _redis_for_nudges():
    """A Redis client (one connection pool per process) when delivery runs on Redis workers; None in
    eager mode (no worker would pop the nudge: tasks run in the caller) and without Redis (the filesystem
    broker of local runs)."""
    global _nudge_client
    if _eager() or not settings.REDIS_URL:
        return None
    if _nudge_client is None:
        import redis

        # Short timeouts: with Redis down the request fails fast and the outbox sweep delivers later.
        _nudge_client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    return _nudge_client


def publish_delivery(message_ids: Sequence[int], webhook_ids: Sequence[int] = ()) -> None:
    """supportops.notifications.publish_delivery: the delivery tasks of these rows (raises on a broker
    error). Webhooks get one task each on their own queue: a slow receiver then delays only its own post,
    never mail or another team's webhook."""
    from .tasks import deliver_outbound, deliver_outbound_batch, deliver_webhook

    for webhook_id in webhook_ids:
        deliver_webhook.delay(webhook_id)
    if len(message_ids) == 1:
        deliver_outbound.delay(message_ids[0])
        return
    for start in range(0, len(message_ids), DELIVERY_BATCH):
        deliver_outbound_batch.delay(list(message_ids[start : start + DELIVERY_BATCH]))


def _enqueue_delivery(message_ids: Sequence[int], webhook_ids: Sequence[int] = ()) -> None:
    """Nudge the workers (or publish the tasks where no worker pops nudges); never raise. With Redis
    down this fails fast and the rows stay pending for the outbox sweep."""
    global _broker_down_until
    if time.monotonic() < _broker_down_until:
        logger.warning("broker recently unreachable; leaving delivery to the outbox sweep")
        return
    try:
        client = _redis_for_nudges()
        if client is None:
            publish_delivery(message_ids, webhook_ids)
        else:
            command(client, "RPUSH", NUDGE_KEY, json.dumps([list(message_ids), list(webhook_ids)]))
    except Exception:  # noqa: BLE001 - a broker outage must not break the request; the sweep retries.
        _broker_down_until = time.monotonic() + BROKER_BACKOFF_SECONDS
        logger.warning(
            "could not enqueue delivery; the outbox sweep will send it",
            exc_info=True,
            extra={"message_ids": list(message_ids[:20]), "count": len(message_ids)},
        )


def outbox_add(
    messages: Sequence[OutboundMessage], *, before: Sequence[Sequence[Any]] = ()
) -> list[OutboundMessage]:
    """Write outbound messages (one INSERT) and deliver them after the surrounding transaction commits.
    `before`: other unsaved rows of the change (groups of one model each), written first in the same
    statement on PostgreSQL (`supportops.db.insert_rows_together`); the messages may point to them."""
    messages = list(messages)
    insert_rows_together(*before, messages)
    if not messages:
        return []
    emails = [m.pk for m in messages if m.channel != OutboundMessage.Channel.WEBHOOK]
    webhooks = [m.pk for m in messages if m.channel == OutboundMessage.Channel.WEBHOOK]
    _deliver_after_commit(emails, webhooks)
    return messages


class _CommitBatch:
    """The outbox rows written in one transaction (one savepoint level): published together, once, after
    commit — an intake that writes an acknowledgement and a notice email publishes one task, not two."""

    def __init__(self, ids: list[int], webhook_ids: list[int]) -> None:
        self.ids = ids
        self.webhook_ids = webhook_ids
        self.published = False

    def __call__(self) -> None:
        # A batch published already (e.g. run by captureOnCommitCallbacks while the test transaction stays
        # open) takes no more rows: later ones start a batch of their own.
        self.published = True
        _enqueue_delivery(self.ids, self.webhook_ids)


def _deliver_after_commit(ids: list[int], webhook_ids: list[int] = ()) -> None:
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        level = set(connection.savepoint_ids)
        # Join the batch registered at this very savepoint level: rows written in a savepoint that is
        # rolled back leave with its callbacks, never published for rows that do not exist.
        for sids, callback, *_ in reversed(connection.run_on_commit):
            if isinstance(callback, _CommitBatch) and not callback.published and set(sids) == level:
                callback.ids.extend(ids)
                callback.webhook_ids.extend(webhook_ids)
                return
    transaction.on_commit(_CommitBatch(list(ids), list(webhook_ids)))


def email_message(
    *,
    to: str,
    subject: str,
    body: str,
    cc: str = "",
    inquiry=None,
    notification=None,
    kind: str = "",
    automatic: bool = True,
) -> OutboundMessage:
    """An unsaved outbound email, for `outbox_add`. `kind` names it in its Message-ID; `automatic`
    False for what a person wrote (a public reply), so it goes without `Auto-Submitted`."""
    return new_row(
        OutboundMessage,
        channel=OutboundMessage.Channel.EMAIL,
        to=header_safe(to),
        cc=header_safe(cc),
        subject=header_safe(subject)[:300],
        body=body,
        inquiry=inquiry,
        notification=notification,
        kind=kind[:20],
        automatic=automatic,
    )


def webhook_message(*, url: str, payload: dict, inquiry=None, notification=None) -> OutboundMessage:
    """An unsaved outbound webhook post, for `outbox_add`."""
    return new_row(
        OutboundMessage,
        channel=OutboundMessage.Channel.WEBHOOK,
        to=url,
        payload=payload,
        inquiry=inquiry,
        notification=notification,
    )


def outbox_webhook(*, url: str, payload: dict, inquiry=None, notification=None) -> OutboundMessage:
    message = webhook_message(url=url, payload=payload, inquiry=inquiry, notification=notification)
    return outbox_add([message])[0]


def slack_escape(text: str) -> str:
    """Slack's three control characters: with them escaped, `<!channel>` does not ping anyone and
    `<https://evil.example|Click>` is not a disguised link (Slack's "escaping text" rules)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(*, title: str, body: str = "", link: str = "") -> dict:
    """Slack-compatible (also Mattermost, Rocket.Chat, Discord's /slack endpoint): a plain `text`,
    every interpolated value escaped (titles and bodies carry requesters' subjects and names)."""
    lines = [title, body.strip(), absolute_url(link) if link else ""]
    return {"text": "\n".join(slack_escape(line) for line in lines if line)}


def team_webhook_messages(
    *, team, kind: str, title: str, body: str = "", link: str = "", inquiry=None
) -> list[OutboundMessage]:
    """supportops.notifications.team_webhook_messages: the unsaved post to the team's channel, if it has
    one, times in the team's zone."""
    if not team.webhook_url:
        return []
    zone = team.timezone
    payload = slack_payload(title=in_zone(title, zone), body=in_zone(body, zone), link=link)
    return [webhook_message(url=team.webhook_url, payload=payload, inquiry=inquiry)]


def team_webhook(*, team, kind: str, title: str, body: str = "", link: str = "", inquiry=None) -> None:
    """Post a team-level event to the team's channel, if it has one (no inbox row, no email); times
    in the team's zone."""
    outbox_add(
        team_webhook_messages(team=team, kind=kind, title=title, body=body, link=link, inquiry=inquiry)
    )


def _preferences(notices: list[Notice], *, email: bool) -> Preferences:
    """The recipients' email mutes (when emailing) and chosen zones (for notices with times in them),
    from the registered sources: one query at most (accounts), none when nothing needs asking."""
    wanted: dict[int, set[str]] = {}
    zones_for: set[int] = set()
    muted: set[tuple[int, str]] = set()
    zones: dict[int, str] = {}
    for notice in notices:
        timed = has_times(notice.title) or has_times(notice.body)
        for user in notice.recipients:
            if user is None:
                continue
            preloaded = getattr(user, PRELOADED, None)
            if preloaded is not None:  # loaded with the user (register_preference_join): no query
                kinds, zone = preloaded
                if email and user.email and notice.kind in kinds:
                    muted.add((user.pk, notice.kind))
                if timed and zone:
                    zones[user.pk] = zone
                continue
            if email and user.email:
                wanted.setdefault(user.pk, set()).add(notice.kind)
            if timed:
                zones_for.add(user.pk)
    for source in preference_sources if wanted or zones_for else []:
        found = source(wanted=wanted, zones_for=zones_for)
        muted |= found.muted
        zones.update(found.zones)
    return Preferences(muted=muted, zones=zones)


def _default_zone(notice: Notice) -> str:
    return notice.team.timezone if notice.team is not None else settings.TIME_ZONE


def notify_many(
    notices: Iterable[Notice],
    *,
    email: bool = True,
    webhook: bool = True,
    also: Sequence[OutboundMessage] = (),
    before: Sequence[Sequence[Any]] = (),
) -> list[Notification]:
    """supportops.notifications.notify_many: a recipient listed twice in one notice (the secondary who is
    also a manager) is told once; `also` (other unsaved outbound messages of the change) goes into the
    same outbox INSERT. Each row's title and body are written in its recipient's zone; the
    team's webhook gets one post per team-level notice (TEAM_EVENTS), in the team's zone. `before`:
    other unsaved rows of the change, written first; on PostgreSQL they, the notifications and the
    outbox rows are one statement (`supportops.db.insert_rows_together`)."""
    notices = list(notices)
    preferences = _preferences(notices, email=email)
    zones = preferences.zones
    batches: list[tuple[Notice, list[Notification]]] = []
    for notice in notices:
        seen: set[int] = set()
        rows = []
        for user in notice.recipients:
            if user is None or user.pk in seen:
                continue
            seen.add(user.pk)
            zone = zones.get(user.pk) or _default_zone(notice)
            rows.append(
                new_row(
                    Notification,
                    recipient=user,
                    kind=notice.kind,
                    title=in_zone(notice.title, zone)[:200],
                    body=in_zone(notice.body, zone),
                    link=notice.link[:300],
                    team=notice.team,
                    inquiry=notice.inquiry,
                    shift=notice.shift,
                )
            )
        batches.append((notice, rows))
    notifications = [row for _, rows in batches for row in rows]

    messages: list[OutboundMessage] = list(also)
    muted = preferences.muted
    for notice, rows in batches:
        if email:
            url = absolute_url(notice.link) if notice.link else ""
            messages.extend(
                email_message(
                    to=row.recipient.email,
                    subject=in_zone(notice.title, zones.get(row.recipient_id) or _default_zone(notice)),
                    body=f"{row.body}\n\n{url}".strip() if url else row.body,
                    inquiry=notice.inquiry,
                    notification=row,
                    kind=notice.kind,
                )
                for row in rows
                if row.recipient.email and (row.recipient_id, notice.kind) not in muted
            )
        if webhook and notice.kind in TEAM_EVENTS and notice.team is not None and notice.team.webhook_url:
            zone = notice.team.timezone
            messages.append(
                webhook_message(
                    url=notice.team.webhook_url,
                    payload=slack_payload(
                        title=in_zone(notice.title, zone), body=in_zone(notice.body, zone), link=notice.link
                    ),
                    inquiry=notice.inquiry,
                    notification=rows[0] if rows else None,
                )
            )
    outbox_add(messages, before=[*before, notifications])
    return notifications


def emailed_inquiry_ids(message_ids: Sequence[int]) -> dict[int, int]:
    """supportops.notifications.emailed_inquiry_ids."""
    rows = OutboundMessage.objects.filter(pk__in=list(message_ids), inquiry__isnull=False)
    return dict(rows.values_list("pk", "inquiry_id"))


def outbound_delete_for_inquiries(*, inquiries) -> None:
    """Deleting an inquiry takes its emails with it: the outbox would otherwise keep the requester's
    address and text (the foreign key only goes NULL). Registered with inquiries.hooks.on_deleting."""
    OutboundMessage.objects.filter(inquiry__in=inquiries).delete()


def notifications_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark the user's unread notifications (or just one) read; returns how many changed."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())
