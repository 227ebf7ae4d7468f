"""Celery worker and beat log the same JSON lines as the web (settings.LOGGING), banners included.

- `setup_logging`: having a receiver stops Celery from installing its own plain-text handlers; the
  receiver applies Django's LOGGING instead (worker_hijack_root_logger is off as well).
- The worker's and beat's start-up banners are printed, not logged: they are switched off (`quiet`)
  and their facts are logged as one JSON record instead.
- Lines logged while a task runs carry its `task_id` and `task_name` (observability.logging)."""

import contextlib
import datetime as dt
import json
import logging
import logging.config
import os
import sys

from celery import Celery, signals
from celery import __version__ as celery_version
from celery.apps import worker as celery_worker_app
from celery.apps.beat import Beat

logger = logging.getLogger("celery.startup")


@signals.setup_logging.connect
def _json_logging(**kwargs) -> None:
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@signals.celeryd_init.connect
def _quiet_worker_banner(sender=None, instance=None, **kwargs) -> None:
    if instance is not None:
        instance.quiet = True


@signals.celeryd_after_setup.connect
def _log_worker_start(sender=None, instance=None, conf=None, **kwargs) -> None:
    app = instance.app
    logger.info(
        "celery worker %s starting",
        sender,
        extra={
            "hostname": str(sender),
            "celery_version": celery_version,
            "broker": app.connection().as_uri(),  # as_uri() masks the password
            "concurrency": instance.concurrency,
            "pool": getattr(instance.pool_cls, "__module__", str(instance.pool_cls)).split(".")[-1],
            "queues": sorted(app.amqp.queues.keys()),
        },
    )


class JsonBeat(Beat):
    """`celery beat` without its printed banner: the same facts as one JSON record."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs["quiet"] = True
        super().__init__(*args, **kwargs)

    def start_scheduler(self) -> None:
        self.setup_logging()
        logger.info(
            "celery beat starting",
            extra={
                "celery_version": celery_version,
                "broker": self.app.connection().as_uri(),
                "scheduler": str(self.scheduler_cls),
                "schedule": str(self.schedule),
                "max_interval": self.max_interval,
            },
        )
        super().start_scheduler()


def _say_json(msg: str, f=sys.__stderr__) -> None:
    """Replaces celery.apps.worker.safe_say (shutdown notices printed from signal handlers): the same
    direct write, no logging locks taken inside a signal handler, but as a JSON line."""
    now = dt.datetime.now()
    line = json.dumps(
        {
            "time": now.strftime("%Y-%m-%d %H:%M:%S,") + f"{now.microsecond // 1000:03d}",
            "level": "INFO",
            "logger": "celery.apps.worker",
            "pid": os.getpid(),
            "message": str(msg),
        }
    )
    with contextlib.suppress(AttributeError, OSError, ValueError):
        os.write(f.fileno(), (line + "\n").encode())


def install(app: Celery) -> None:
    """Make `celery beat` on this app use JsonBeat (the CLI builds it from `app.Beat`), and the worker's
    shutdown notices JSON lines."""
    app.Beat = app.subclass_with_self(JsonBeat, reverse="Beat")
    celery_worker_app.safe_say = _say_json
