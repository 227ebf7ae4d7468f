"""The rollup triggers on INSERT, cheaper for the rows every public submission writes (issue 16): an
inquiry's received and responded days are marked by one statement (two before), and a message that is not
a reply or an event that is not "resolved" marks nothing, so their triggers return before planning and
opening the marking INSERT (a check of the statement's new rows). The marks written are the same days;
UPDATE and DELETE are unchanged. About 6 % of the database's instructions per public submission."""

import importlib

from django.db import migrations

V3 = importlib.import_module("rollups.migrations.0003_member_day_figures")
V4 = importlib.import_module("rollups.migrations.0004_packed_minutes_pending_and_repeats")

# The received and responded days of the new rows, as RECEIVED + INQUIRY_RESPONDED mark them.
INQUIRIES_INSERTED = V3.MARK_AT.format(
    rows="(SELECT team_id, received_at AS at FROM new_rows "
    "UNION ALL SELECT team_id, responded_at FROM new_rows)"
)


def _insert_first(insert: str, function: str) -> str:
    """A CREATE OR REPLACE FUNCTION of 0003/0004 with `insert` run first, for INSERT."""
    return function.replace("BEGIN", f"BEGIN\n        IF TG_OP = 'INSERT' THEN {insert} END IF;", 1)


def _skip_unless(kind: str) -> str:
    return f"IF NOT EXISTS (SELECT FROM new_rows WHERE kind = '{kind}') THEN RETURN NULL; END IF;"


# The functions as 0003 and 0004 left them.
UNDO = [
    V3.FUNCTIONS_V2[0],  # rollups_mark_inquiries
    V3.FUNCTIONS_V2[2].replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"),  # rollups_mark_messages
    V4._function(V4.RESOLVED_EVENT_ALL),  # rollups_mark_events
]
FUNCTIONS = [
    _insert_first(f"{INQUIRIES_INSERTED} RETURN NULL;", UNDO[0]),
    _insert_first(_skip_unless("reply"), UNDO[1]),  # the kind REPLY_RESPONDED marks
    _insert_first(_skip_unless("resolved"), UNDO[2]),  # the kind RESOLVED_EVENT_ALL marks
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("rollups", "0006_merged_weeks")]

    operations = [migrations.RunPython(_run(FUNCTIONS), _run(UNDO))]
