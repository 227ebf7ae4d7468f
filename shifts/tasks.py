"""Thin tasks: call a service; beat only nudges, the database decides what is due."""

from celery import shared_task

from observability.sweeps import recorded_sweep

from .services import rotations_extend, shift_reminders_send


@shared_task(name="shifts.tasks.send_shift_reminders", acks_late=True)
@recorded_sweep("send_shift_reminders")
def send_shift_reminders() -> int:
    return shift_reminders_send()


@shared_task(name="shifts.tasks.extend_rotations", acks_late=True)
def extend_rotations() -> int:
    """Keep every rotation planned to its team's horizon; tell managers about slots nobody can take."""
    return rotations_extend()
