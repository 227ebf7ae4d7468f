"""List-order indexes (every database) and, on PostgreSQL only, the search index: a stored tsvector
(generated column, GIN) for subject, body and requester name, and pg_trgm indexes for references and
requester names. SQLite keeps searching with LIKE (inquiries.search)."""

from django.db import migrations, models

# Weights: subject A, body B (its first 10,000 characters), requester name C ('simple': names are not
# English words to stem; migration 0014 indexes them with 'english', as the search box queries them).
SEARCH_SQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """ALTER TABLE inquiries_inquiry ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, coalesce(subject, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, left(coalesce(body, ''), 10000)), 'B')
        || setweight(to_tsvector('simple'::regconfig, coalesce(requester_name, '')), 'C')
    ) STORED""",
    "CREATE INDEX inquiry_search_vector ON inquiries_inquiry USING gin (search_vector)",
    "CREATE INDEX inquiry_reference_trgm ON inquiries_inquiry USING gin (upper(reference) gin_trgm_ops)",
    "CREATE INDEX inquiry_requester_trgm ON inquiries_inquiry USING gin (upper(requester_name) gin_trgm_ops)",
    "CREATE INDEX inquiry_requester_email_upper ON inquiries_inquiry (upper(requester_email))",
]
UNDO_SQL = [
    "DROP INDEX IF EXISTS inquiry_requester_email_upper",
    "DROP INDEX IF EXISTS inquiry_requester_trgm",
    "DROP INDEX IF EXISTS inquiry_reference_trgm",
    "DROP INDEX IF EXISTS inquiry_search_vector",
    "ALTER TABLE inquiries_inquiry DROP COLUMN IF EXISTS search_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("inquiries", "0003_inquiry_source_url_resolution_due"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="inquiry",
            index=models.Index(fields=["team", "-received_at", "-id"], name="inquiry_team_received_id"),
        ),
        migrations.AddIndex(
            model_name="inquiry",
            index=models.Index(fields=["-received_at", "-id"], name="inquiry_received_id"),
        ),
        migrations.RunPython(_run(SEARCH_SQL), _run(UNDO_SQL)),
    ]
