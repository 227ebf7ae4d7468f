from celery import shared_task

from supportops.celery import SWEEP_TASK

from .services import sessions_rehost


@shared_task(name="bookings.tasks.rehost_sessions", **SWEEP_TASK)
def rehost_sessions() -> int:
    """Sessions follow their shift to whoever serves it now (override, swap, re-plan)."""
    return sessions_rehost()
