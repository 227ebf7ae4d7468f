"""On PostgreSQL every team takes its inquiries' numbers from a sequence of its own,
`inquiries_reference_<team id>` (inquiries.references): `nextval` takes no row lock and writes no row
version, so concurrent submissions to a team never queue for its row, and the public intake takes its number
in the same SELECT as the team and its Primary. A trigger creates a team's sequence with the team (and drops
it with the team); this migration starts each existing team's past its highest number. SQLite keeps counting
in `Team.last_reference_number`; undone, the counters are set past the highest numbers again."""

from django.db import migrations

FUNCTIONS = [
    """CREATE OR REPLACE FUNCTION inquiries_reference_sequence_create() RETURNS trigger AS $$
    BEGIN
        -- A sequence left behind by a team whose id is used again (tables truncated) starts over.
        EXECUTE format('DROP SEQUENCE IF EXISTS %I', 'inquiries_reference_' || NEW.id);
        EXECUTE format('CREATE SEQUENCE %I START WITH %s', 'inquiries_reference_' || NEW.id,
                       NEW.last_reference_number + 1);
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE FUNCTION inquiries_reference_sequence_drop() RETURNS trigger AS $$
    BEGIN
        EXECUTE format('DROP SEQUENCE IF EXISTS %I', 'inquiries_reference_' || OLD.id);
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER inquiries_reference_sequence_create AFTER INSERT ON shifts_team
    FOR EACH ROW EXECUTE FUNCTION inquiries_reference_sequence_create()""",
    """CREATE TRIGGER inquiries_reference_sequence_drop AFTER DELETE ON shifts_team
    FOR EACH ROW EXECUTE FUNCTION inquiries_reference_sequence_drop()""",
    # Existing teams: past the counter and past every number already given.
    """DO $$
    DECLARE team record;
    BEGIN
        FOR team IN
            SELECT t.id, greatest(t.last_reference_number,
                                  coalesce((SELECT max(i.number) FROM inquiries_inquiry i WHERE i.team_id = t.id), 0))
                   AS taken
            FROM shifts_team t
        LOOP
            EXECUTE format('DROP SEQUENCE IF EXISTS %I', 'inquiries_reference_' || team.id);
            EXECUTE format('CREATE SEQUENCE %I START WITH %s', 'inquiries_reference_' || team.id, team.taken + 1);
        END LOOP;
    END $$""",
]
UNDO = [
    "DROP TRIGGER IF EXISTS inquiries_reference_sequence_create ON shifts_team",
    "DROP TRIGGER IF EXISTS inquiries_reference_sequence_drop ON shifts_team",
    "DROP FUNCTION IF EXISTS inquiries_reference_sequence_create()",
    "DROP FUNCTION IF EXISTS inquiries_reference_sequence_drop()",
    """UPDATE shifts_team t SET last_reference_number = greatest(
        t.last_reference_number,
        coalesce((SELECT max(i.number) FROM inquiries_inquiry i WHERE i.team_id = t.id), 0))""",
    """DO $$
    DECLARE name text;
    BEGIN
        FOR name IN SELECT c.relname FROM pg_class c WHERE c.relkind = 'S'
                    AND c.relname ~ '^inquiries_reference_[0-9]+$'
        LOOP
            EXECUTE format('DROP SEQUENCE %I', name);
        END LOOP;
    END $$""",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement, params=None)  # no parameters: `%I` is format()'s

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("inquiries", "0012_lean_intake_indexes"),
    ]

    operations = [
        migrations.RunPython(_run(FUNCTIONS), _run(UNDO)),
    ]
