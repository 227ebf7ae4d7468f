"""The stored `search_vector` indexes requester names with the 'english' configuration, like subject and
body and like the search box's query (`websearch_to_tsquery('english', …)`, inquiries.listing). Before, names
were indexed with 'simple' but searched stemmed, so a name's word arm never matched a surname that English
stems ('Lovelace' is indexed `lovelace`, searched `lovelac`) and only the trigram scan found it. PostgreSQL
only (SQLite searches with LIKE); the column is generated, so it is dropped and added again (the table is
rewritten and the GIN index rebuilt, under an exclusive lock: 231 s at a million inquiries on the shared
2-core bench machine), and undone the same way."""

from django.db import migrations

COLUMN = """ALTER TABLE inquiries_inquiry ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, coalesce(subject, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, left(coalesce(body, ''), 10000)), 'B')
    || setweight(to_tsvector('{names}'::regconfig, coalesce(requester_name, '')), 'C')
) STORED"""


def _search_vector(names: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        # Dropping the column drops its index (inquiry_search_vector).
        schema_editor.execute("ALTER TABLE inquiries_inquiry DROP COLUMN search_vector")
        schema_editor.execute(COLUMN.format(names=names))
        schema_editor.execute("CREATE INDEX inquiry_search_vector ON inquiries_inquiry USING gin (search_vector)")

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("inquiries", "0013_reference_sequences"),
    ]

    operations = [
        migrations.RunPython(_search_vector("english"), _search_vector("simple")),
    ]
