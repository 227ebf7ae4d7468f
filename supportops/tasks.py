"""Thin delivery tasks: take ids, call the delivery service."""

from celery import shared_task

from . import delivery


@shared_task(name="supportops.tasks.deliver_outbound", acks_late=True, max_retries=0)
def deliver_outbound(message_id: int) -> str:
    return delivery.deliver(message_id=message_id)


@shared_task(name="supportops.tasks.deliver_pending_notifications", acks_late=True)
def deliver_pending_notifications() -> int:
    return delivery.deliver_pending()
