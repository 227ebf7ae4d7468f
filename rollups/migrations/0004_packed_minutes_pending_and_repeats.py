"""Rollups a year reads without a number per inquiry (issue 16): a day's minutes to first response move
from per-topic JSON lists to two packed, sorted float64 columns of the day, and the day's counts and
channels summed over topics are stored with it (one row per day for the response-times report); a day leaves out the inquiries
still pending when computed (their ids, read raw by reports) instead of staying raw itself; per person and
day, the count of inquiries resolved plus only the ids also resolved on another day. A "resolved" event
now marks the days of every resolution of its inquiry (their repeat lists change). Every stored day is
recomputed by the sweep."""

from django.db import migrations, models

# As in 0003, but all of the inquiry's resolutions, not only the one written.
RESOLVED_EVENT_ALL = """
    INSERT INTO rollups_dirtyday (team_id, day, marked_at)
    SELECT DISTINCT r.team_id, (r.at AT TIME ZONE t.timezone)::date, now()
    FROM (SELECT i.team_id, r.created_at AS at FROM {rows} r
            JOIN inquiries_inquiry i ON i.id = r.inquiry_id WHERE r.kind = 'resolved'
          UNION
          SELECT i.team_id, e.created_at AS at FROM {rows} r
            JOIN inquiries_inquiry i ON i.id = r.inquiry_id
            JOIN inquiries_event e ON e.inquiry_id = r.inquiry_id AND e.kind = 'resolved'
          WHERE r.kind = 'resolved') r
    JOIN shifts_team t ON t.id = r.team_id WHERE r.at IS NOT NULL;
"""
RESOLVED_EVENT_ONE = """
    INSERT INTO rollups_dirtyday (team_id, day, marked_at)
    SELECT DISTINCT r.team_id, (r.at AT TIME ZONE t.timezone)::date, now()
    FROM (SELECT i.team_id, r.created_at AS at FROM {rows} r
    JOIN inquiries_inquiry i ON i.id = r.inquiry_id WHERE r.kind = 'resolved') r
    JOIN shifts_team t ON t.id = r.team_id WHERE r.at IS NOT NULL;
"""


def _function(mark: str) -> str:
    return f"""CREATE OR REPLACE FUNCTION rollups_mark_events() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('INSERT', 'UPDATE') THEN {mark.format(rows="new_rows")} END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN {mark.format(rows="old_rows")} END IF;
        RETURN NULL;
    END $$"""


RESWEEP = (
    "INSERT INTO rollups_dirtyday (team_id, day, marked_at) SELECT team_id, day, now() FROM rollups_rolledday"
)


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("rollups", "0003_member_day_figures")]

    operations = [
        migrations.RemoveField(model_name="daytopicfigures", name="calendar_minutes"),
        migrations.RemoveField(model_name="daytopicfigures", name="business_minutes"),
        migrations.RemoveField(model_name="daytopicfigures", name="channels"),
        migrations.AddField(model_name="rolledday", name="figures", field=models.JSONField(default=dict)),
        migrations.AddField(
            model_name="rolledday", name="pending_ids", field=models.JSONField(default=list)
        ),
        migrations.AddField(
            model_name="rolledday", name="calendar_minutes", field=models.BinaryField(default=b"")
        ),
        migrations.AddField(
            model_name="rolledday", name="business_minutes", field=models.BinaryField(default=b"")
        ),
        migrations.AddField(
            model_name="daymemberfigures",
            name="resolved_count",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(
            _run([_function(RESOLVED_EVENT_ALL), RESWEEP]), _run([_function(RESOLVED_EVENT_ONE), RESWEEP])
        ),
    ]
