"""The rollup sweep: beat nudges it every minute; the DirtyDay rows decide what is recomputed."""

from celery import shared_task

from supportops.celery import SWEEP_TASK

from . import services


@shared_task(name="rollups.tasks.rollups_refresh", **SWEEP_TASK)
def rollups_refresh() -> dict[str, int]:
    return {"recomputed": services.rollups_refresh(), "filled": services.gaps_fill()}
