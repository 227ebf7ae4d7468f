"""`supportops_plan_rows(query)`: the planner's estimate of the rows a query returns (its EXPLAIN's top node,
not executed), so that a search's three estimates (inquiries.listing._estimates) are one statement whatever
shape the planner gives each (a UNION's Append loses the parts it proves empty and is split among parallel
workers, so its children's estimates could not be read as the parts'). PostgreSQL only."""

from django.db import migrations

CREATE = """CREATE OR REPLACE FUNCTION supportops_plan_rows(query text) RETURNS double precision
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    plan json;
BEGIN
    EXECUTE 'EXPLAIN (FORMAT JSON) ' || query INTO plan;
    RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::double precision;
END
$$"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS supportops_plan_rows(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("inquiries", "0014_search_names_english"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
