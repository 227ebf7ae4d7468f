"""Minutes to first response a report can select from without reading every value (issue 16): a stored
day's minutes are kept uncompressed (PostgreSQL: STORAGE EXTERNAL, so a substring reads only the TOAST
chunks it covers) with their counts per bucket (rollups.minutes). The rows already stored are converted
here, in place (the same values, re-packed, and their bucket counts): nothing is recomputed from the raw
rows and no day is read raw afterwards. `manage.py rollups_rebuild` writes the same format.

The bucket bounds are copied, not imported: this is the format as of this migration (a later change of
rollups.minutes.BOUNDS needs its own migration)."""

import math
import sys
import zlib
from array import array
from bisect import bisect_left, bisect_right

from django.db import migrations, models

BOUNDS = (math.nextafter(0.0, -1.0), 0.0, *(2.0 ** (k / 16) for k in range(-6 * 16, 21 * 16 + 1)))
BATCH = 500


def _little_endian(values: array) -> array:
    if sys.byteorder != "little":
        values.byteswap()
    return values


def _buckets(values: array) -> bytes:
    """Counts per bucket from the first non-empty one to the last, that first bucket's number first
    (uint32, little-endian), deflated."""
    found, start = [], 0
    while start < len(values):
        bucket = bisect_left(BOUNDS, values[start])
        end = bisect_right(values, BOUNDS[bucket], start) if bucket < len(BOUNDS) else len(values)
        found.append((bucket, end - start))
        start = end
    if not found:
        return b""
    counts = array("I", [found[0][0]] + [0] * (found[-1][0] - found[0][0] + 1))
    for bucket, count in found:
        counts[1 + bucket - found[0][0]] = count
    return zlib.compress(_little_endian(counts).tobytes(), 1)


def _convert(apps, compress: bool) -> None:
    RolledDay = apps.get_model("rollups", "RolledDay")
    batch = []
    for day in RolledDay.objects.exclude(calendar_minutes=b"").only(
        "pk", "calendar_minutes", "business_minutes"
    ).iterator(chunk_size=BATCH):
        for column in ("calendar_minutes", "business_minutes"):
            data = bytes(getattr(day, column))
            if compress:
                setattr(day, column, zlib.compress(data, 1) if data else b"")
                setattr(day, column.replace("minutes", "buckets"), b"")
            else:
                packed = zlib.decompress(data) if data else b""  # sorted little-endian float64
                setattr(day, column, packed)
                setattr(day, column.replace("minutes", "buckets"), _buckets(_little_endian(array("d", packed))))
        batch.append(day)
        if len(batch) == BATCH:
            _save(RolledDay, batch)
    _save(RolledDay, batch)


def _save(model, batch: list) -> None:
    model.objects.bulk_update(
        batch, ["calendar_minutes", "business_minutes", "calendar_buckets", "business_buckets"]
    )
    batch.clear()


def _storage(kind: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for column in ("calendar_minutes", "business_minutes"):
                schema_editor.execute(f"ALTER TABLE rollups_rolledday ALTER COLUMN {column} SET STORAGE {kind}")

    return run


def forwards(apps, schema_editor):
    _storage("EXTERNAL")(apps, schema_editor)
    _convert(apps, compress=False)


def backwards(apps, schema_editor):
    _convert(apps, compress=True)
    _storage("EXTENDED")(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("rollups", "0004_packed_minutes_pending_and_repeats")]

    operations = [
        migrations.AddField(
            model_name="rolledday", name="calendar_buckets", field=models.BinaryField(default=b"")
        ),
        migrations.AddField(
            model_name="rolledday", name="business_buckets", field=models.BinaryField(default=b"")
        ),
        migrations.RunPython(forwards, backwards),
    ]
