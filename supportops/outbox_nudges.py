"""The worker side of the outbox nudge (`supportops.notifications.NUDGE_KEY`): a thread in every Celery
worker pops the ids a request pushed after its commit and publishes their delivery tasks (through
`supportops.notifications.publish_delivery`, which the `notices` app implements), so mail leaves
within moments without the request paying for a Celery publish. Nudges that arrived together are
published together (a burst of intakes becomes a few batch tasks). A nudge popped by a worker that dies
before publishing is not lost: the outbox row stays pending and the outbox sweep sends it."""

from __future__ import annotations

import json
import logging
import threading

from celery import bootsteps

logger = logging.getLogger(__name__)

# Nudges taken per round after the first arrives (LPOP with a count: one more round trip).
DRAIN = 200


class OutboxNudges(bootsteps.StartStopStep):
    """Registered on the worker blueprint in `supportops.celery`; does nothing without Redis."""

    requires = {"celery.worker.components:Pool"}

    def __init__(self, worker, **kwargs) -> None:
        self.thread: threading.Thread | None = None
        self.stopping = threading.Event()

    def start(self, worker) -> None:
        from django.conf import settings

        if not settings.REDIS_URL:
            return
        self.thread = threading.Thread(
            target=self.run, args=(settings.REDIS_URL,), name="outbox-nudges", daemon=True
        )
        self.thread.start()

    def stop(self, worker) -> None:
        self.stopping.set()

    def run(self, url: str) -> None:
        import redis

        from .notifications import NUDGE_KEY, publish_delivery

        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=10)
        logger.info("popping outbox nudges from %s", NUDGE_KEY)
        while not self.stopping.is_set():
            try:
                first = client.blpop([NUDGE_KEY], timeout=2)
                if first is None:
                    continue
                more = client.lpop(NUDGE_KEY, DRAIN) or []
            except redis.RedisError:
                logger.warning("outbox nudges unavailable; the sweep delivers meanwhile", exc_info=True)
                self.stopping.wait(5.0)
                continue
            message_ids: list[int] = []
            webhook_ids: list[int] = []
            for raw in [first[1], *more]:
                try:
                    emails, webhooks = json.loads(raw)
                    message_ids.extend(int(i) for i in emails)
                    webhook_ids.extend(int(i) for i in webhooks)
                except (ValueError, TypeError):
                    logger.warning("ignoring a malformed outbox nudge: %r", raw[:200])
            try:
                publish_delivery(message_ids, webhook_ids)
            except Exception:  # noqa: BLE001 - the rows stay pending; the outbox sweep sends them.
                logger.warning(
                    "could not publish delivery; the outbox sweep will send it",
                    exc_info=True,
                    extra={"message_ids": message_ids[:20], "count": len(message_ids)},
                )
