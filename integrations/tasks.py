"""Thin tasks (options in supportops.celery)."""

from celery import shared_task

from supportops.celery import SWEEP_TASK

from .services.comments import comments_deliver_pending


@shared_task(name="integrations.tasks.deliver_pending_comments", **SWEEP_TASK)
def deliver_pending_comments() -> dict[str, int]:
    return comments_deliver_pending()
