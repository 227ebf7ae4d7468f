"""Record that a sweep finished, for `supportops_sweep_last_success_timestamp_seconds`."""

import functools
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import SweepRun

P = ParamSpec("P")
R = TypeVar("R")


def sweep_succeeded(*, name: str, duration_seconds: float = 0.0) -> None:
    """Upsert the sweep's row: one UPDATE in the common case; two concurrent first runs both count."""
    now = timezone.now()
    fields = {"last_success_at": now, "last_duration_seconds": duration_seconds, "runs": F("runs") + 1}
    if SweepRun.objects.filter(name=name).update(**fields):
        return
    try:
        with transaction.atomic():
            SweepRun.objects.create(
                name=name, last_success_at=now, last_duration_seconds=duration_seconds, runs=1
            )
    except IntegrityError:
        # Another worker inserted the row first: count this run on it.
        SweepRun.objects.filter(name=name).update(**fields)


def recorded_sweep(name: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a sweep task body: when it returns (not when it raises), record its success."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            started = time.monotonic()
            result = function(*args, **kwargs)
            sweep_succeeded(name=name, duration_seconds=time.monotonic() - started)
            return result

        return run

    return decorate
