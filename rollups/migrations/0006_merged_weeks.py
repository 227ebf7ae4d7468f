"""Merged weeks (issue 16): the minutes of seven stored days, Monday to Sunday, in one row of the same
format as a day's (sorted little-endian float64, EXTERNAL, with their counts per bucket: rollups 0005), so
a report over whole weeks reads one row and one slice per week and bucket instead of seven. Built here
from the days already stored (nothing recomputed from raw rows); the sweep keeps them with their days
(rollups.services.weeks_store) and `manage.py rollups_rebuild` writes the same. Backwards: the table goes."""

import datetime as dt
import importlib
from array import array

import django.db.models.deletion
from django.db import migrations, models

# The format as of 0005 (the bucket bounds and packing are that migration's, frozen).
minute_buckets = importlib.import_module("rollups.migrations.0005_minute_buckets")
BATCH = 200


def _merge(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":  # stored days are read on PostgreSQL only
        return
    for column in ("calendar_minutes", "business_minutes"):
        schema_editor.execute(f"ALTER TABLE rollups_rolledweek ALTER COLUMN {column} SET STORAGE EXTERNAL")
    RolledDay = apps.get_model("rollups", "RolledDay")
    RolledWeek = apps.get_model("rollups", "RolledWeek")
    batch, week, days = [], None, []
    rows = (
        RolledDay.objects.order_by("team_id", "day")
        .values_list("team_id", "day", "calendar_key", "computed_at", "calendar_minutes", "business_minutes")
        .iterator(chunk_size=BATCH)
    )
    for row in rows:
        monday = row[1] - dt.timedelta(days=row[1].weekday())
        if (row[0], monday) != week:
            _add(RolledWeek, batch, week, days)
            week, days = (row[0], monday), []
        days.append(row)
    _add(RolledWeek, batch, week, days)
    RolledWeek.objects.bulk_create(batch)


def _add(model, batch: list, week, days: list) -> None:
    """The week of seven days stored under one calendar, merged, to the batch (written every BATCH)."""
    if len(days) < 7 or len({key for _, _, key, *_ in days}) > 1:
        return
    merged = {}
    for index, column in ((4, "calendar"), (5, "business")):
        values = array("d", sorted(v for day in days for v in minute_buckets._little_endian(array("d", bytes(day[index])))))
        merged[f"{column}_minutes"] = minute_buckets._little_endian(values).tobytes() if values else b""
        merged[f"{column}_buckets"] = minute_buckets._buckets(values)
    batch.append(
        model(team_id=week[0], week=week[1], days_computed=[day[3].isoformat() for day in days], **merged)
    )
    if len(batch) >= BATCH:
        model.objects.bulk_create(batch)
        batch.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("rollups", "0005_minute_buckets"),
        ("shifts", "0007_team_mail_password_encrypted"),
    ]

    operations = [
        migrations.CreateModel(
            name="RolledWeek",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("week", models.DateField()),
                ("days_computed", models.JSONField(default=list)),
                ("calendar_minutes", models.BinaryField(default=b"")),
                ("business_minutes", models.BinaryField(default=b"")),
                ("calendar_buckets", models.BinaryField(default=b"")),
                ("business_buckets", models.BinaryField(default=b"")),
                ("computed_at", models.DateTimeField(auto_now=True)),
                (
                    "team",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="shifts.team"
                    ),
                ),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("team", "week"), name="rolled_week_once")],
            },
        ),
        migrations.RunPython(_merge, migrations.RunPython.noop),
    ]
