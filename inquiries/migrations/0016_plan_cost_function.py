"""`supportops_plan_cost(query)`: the planner's estimate of what reading a query's rows costs (its EXPLAIN's
top node's total cost, not executed), next to `supportops_plan_rows` (0015), so that a search can tell
whether the rows it narrows are few *and* cheap to read one by one (inquiries.listing.search_matches).
PostgreSQL only."""

from django.db import migrations

CREATE = """CREATE OR REPLACE FUNCTION supportops_plan_cost(query text) RETURNS double precision
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    plan json;
BEGIN
    EXECUTE 'EXPLAIN (FORMAT JSON) ' || query INTO plan;
    RETURN (plan -> 0 -> 'Plan' ->> 'Total Cost')::double precision;
END
$$"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS supportops_plan_cost(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("inquiries", "0015_plan_rows_function"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
