"""Thin delivery tasks: take ids, call the delivery service (options in supportops.celery). They were
named `supportops.tasks.*` before the models moved here: a task still queued under an old name is refused
by the workers, and the outbox sweep sends its row."""

from celery import shared_task

from observability.sweeps import recorded_sweep
from supportops.celery import DELIVERY_BATCH_TASK, DELIVERY_TASK, SWEEP_TASK

from . import delivery


@shared_task(bind=True, name="notices.tasks.deliver_outbound", **DELIVERY_TASK)
def deliver_outbound(self, message_id: int) -> str:
    outcome = delivery.deliver(message_id=message_id)
    if outcome == "failed" and self.request.retries < self.max_retries:
        # The row already says when it is due again; retry then. If this retry is lost, the sweep sends it.
        raise self.retry(countdown=delivery.retry_delay(message_id=message_id))
    return outcome


@shared_task(name="notices.tasks.deliver_outbound_batch", **DELIVERY_BATCH_TASK)
def deliver_outbound_batch(message_ids: list[int]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for message_id in message_ids:
        outcome = delivery.deliver(message_id=message_id)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


@shared_task(bind=True, name="notices.tasks.deliver_webhook", **DELIVERY_TASK)
def deliver_webhook(self, message_id: int) -> str:
    """Webhooks run on their own queue (`webhooks`), so a team's slow receiver never delays mail."""
    outcome = delivery.deliver(message_id=message_id)
    if outcome == "failed" and self.request.retries < self.max_retries:
        raise self.retry(countdown=delivery.retry_delay(message_id=message_id))
    return outcome


@shared_task(name="notices.tasks.deliver_pending_notifications", **SWEEP_TASK)
@recorded_sweep("deliver_pending_notifications")
def deliver_pending_notifications() -> dict[str, int]:
    return delivery.deliver_pending(channel="email")


@shared_task(name="notices.tasks.deliver_pending_webhooks", **SWEEP_TASK)
def deliver_pending_webhooks() -> dict[str, int]:
    return delivery.deliver_pending(channel="webhook", budget_seconds=60.0)
