import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportops.settings.local")

app = Celery("supportops")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _schedule_periodic_tasks(sender: Celery, **kwargs) -> None:
    from django.conf import settings

    # Beat only nudges; the database decides what is due, so a duplicated beat is harmless.
    sender.conf.beat_schedule = {
        "sla-sweep": {"task": "inquiries.tasks.sla_sweep", "schedule": float(settings.SLA_SWEEP_SECONDS)},
        "handoff-sweep": {
            "task": "inquiries.tasks.handoff_sweep",
            "schedule": float(settings.SLA_SWEEP_SECONDS),
        },
        "notification-sweep": {
            "task": "supportops.tasks.deliver_pending_notifications",
            "schedule": float(settings.SLA_SWEEP_SECONDS),
        },
        "shift-reminders": {"task": "shifts.tasks.send_shift_reminders", "schedule": 300.0},
    }
