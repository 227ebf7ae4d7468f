"""Thin periodic tasks: beat nudges them, the database decides what is due (options in supportops.celery)."""

from celery import shared_task

from observability.sweeps import recorded_sweep
from supportops.celery import SWEEP_TASK

from . import handoff, mail_intake, sla


@shared_task(name="inquiries.tasks.sla_sweep", **SWEEP_TASK)
@recorded_sweep("sla_sweep")
def sla_sweep() -> dict[str, int]:
    return sla.sla_sweep()


@shared_task(name="inquiries.tasks.handoff_sweep", **SWEEP_TASK)
@recorded_sweep("handoff_sweep")
def handoff_sweep() -> dict[str, int]:
    return handoff.handoff_sweep()


@shared_task(name="inquiries.tasks.poll_mailboxes", **SWEEP_TASK)
@recorded_sweep("poll_mailboxes")
def poll_mailboxes() -> dict[str, dict[str, int]]:
    return mail_intake.mailboxes_poll()
