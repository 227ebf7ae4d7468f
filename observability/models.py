"""Sweep health: one row per periodic sweep, written when a run finishes without raising."""

from django.db import models


class SweepRun(models.Model):
    """The last successful run of a sweep (`sla_sweep`, `handoff_sweep`, …). Kept in the database, not
    in a worker's memory, so /metrics on any web replica can tell that beat or the workers stopped."""

    name = models.CharField(max_length=60, unique=True)
    last_success_at = models.DateTimeField()
    last_duration_seconds = models.FloatField(default=0)
    runs = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_success_at:%Y-%m-%d %H:%M:%S}"
