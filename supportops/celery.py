"""The Celery app, its queues and the beat schedule.

Queues: `sweeps` (periodic scans: SLA, handoff, outbox, shift reminders, team mailboxes),
`notifications` (delivery of emails) and `webhooks` (delivery of webhook posts and their sweep, apart so
that one team's slow receiver never delays anyone's mail), plus the default `celery`. Workers consume
`celery,notifications,sweeps` and, best in a worker of its own, `webhooks`: `celery -A supportops
worker -Q webhooks`; exactly one `celery -A supportops beat`. Task options (time limits, retries,
acks_late) are defined once here and used by every task."""

import os

from celery import Celery
from celery.signals import worker_ready

from observability.celery_logging import install as install_json_logging

from .outbox_nudges import OutboxNudges

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportops.settings.local")

app = Celery("supportops")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# JSON logs for worker and beat too (observability.celery_logging).
install_json_logging(app)
# Every worker pops the requests' delivery nudges and publishes their tasks (supportops.outbox_nudges,
# through the notices backend registered with supportops.notifications).
app.steps["worker"].add(OutboxNudges)

# Sweeps are idempotent (the database decides what is due, unique constraints back exactly-once), so a
# sweep redelivered after a worker died mid-way is safe: acks_late. No retries: the next beat tick is
# the retry.
SWEEP_TASK = {"acks_late": True, "max_retries": 0, "soft_time_limit": 240, "time_limit": 300}
# Delivery is idempotent too (a claim on the outbox row); a failed send is retried by the task with
# backoff a few times, then left to the outbox sweep, which keeps trying up to MAX_ATTEMPTS.
DELIVERY_TASK = {
    "acks_late": True,
    "max_retries": 3,
    "soft_time_limit": 60,
    "time_limit": 90,
}
DELIVERY_BATCH_TASK = {"acks_late": True, "max_retries": 0, "soft_time_limit": 150, "time_limit": 180}


@app.on_after_finalize.connect
def _schedule_periodic_tasks(sender: Celery, **kwargs) -> None:
    from django.conf import settings

    every = float(settings.SLA_SWEEP_SECONDS)
    # Beat only nudges; the database decides what is due, so a duplicated beat is harmless. A nudge
    # that waited in the queue longer than one period (workers down) is dropped: the next one does
    # the same work, and a backlog of identical sweeps would only delay everything else.
    nudge = {"expires": max(every, 5.0)}
    sender.conf.beat_schedule = {
        "sla-sweep": {"task": "inquiries.tasks.sla_sweep", "schedule": every, "options": nudge},
        "handoff-sweep": {"task": "inquiries.tasks.handoff_sweep", "schedule": every, "options": nudge},
        "github-comment-sweep": {
            "task": "integrations.tasks.deliver_pending_comments",
            "schedule": every,
            "options": nudge,
        },
        "notification-sweep": {
            "task": "notices.tasks.deliver_pending_notifications",
            "schedule": every,
            "options": nudge,
        },
        "webhook-sweep": {
            "task": "notices.tasks.deliver_pending_webhooks",
            "schedule": every,
            "options": nudge,
        },
        "mail-poll": {
            "task": "inquiries.tasks.poll_mailboxes",
            "schedule": float(settings.MAIL_POLL_SECONDS),
            "options": {"expires": max(float(settings.MAIL_POLL_SECONDS), 5.0)},
        },
        "sessions-rehost": {
            "task": "bookings.tasks.rehost_sessions",
            "schedule": every,
            "options": nudge,
        },
        "rollups-refresh": {
            "task": "rollups.tasks.rollups_refresh",
            "schedule": 60.0,
            "options": {"expires": 60.0},
        },
        "shift-reminders": {
            "task": "shifts.tasks.send_shift_reminders",
            "schedule": 300.0,
            "options": {"expires": 300.0},
        },
        "extend-rotations": {
            "task": "shifts.tasks.extend_rotations",
            "schedule": 900.0,
            "options": {"expires": 900.0},
        },
    }


@worker_ready.connect
def _plan_rotations_at_start(sender, **kwargs) -> None:
    """Rotations are extended at every worker start too, not only at beat's first tick 15 minutes later:
    after a stop longer than a day the plan may fall short of the horizon (shifts under way unplanned,
    "planned less than the horizon" on the managers' dashboard) until then. Idempotent, so several
    workers starting at once only repeat a no-op."""
    if "sweeps" in {queue.name for queue in sender.task_consumer.queues}:
        sender.app.send_task("shifts.tasks.extend_rotations")
