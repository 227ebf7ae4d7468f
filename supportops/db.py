"""SQL the ORM does not say in one statement, for every app."""

from collections.abc import Sequence

from django.db import connection, models


def insert_ignoring_conflicts(
    model: type[models.Model], rows: Sequence[dict], *, conflict: Sequence[str], returning: str
) -> list:
    """INSERT … ON CONFLICT (conflict) DO NOTHING RETURNING returning: exactly the rows this statement
    inserted, in one round trip. PostgreSQL and SQLite (>= 3.35) both speak it. `rows` map field names
    to values (a foreign key by its id)."""
    if not rows:
        return []
    meta = model._meta
    fields = [meta.get_field(name) for name in rows[0]]
    quote = connection.ops.quote_name
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES {', '.join([row_sql] * len(rows))} "
        f"ON CONFLICT ({', '.join(quote(meta.get_field(name).column) for name in conflict)}) DO NOTHING "
        f"RETURNING {quote(meta.get_field(returning).column)}"
    )
    params = [field.get_db_prep_save(row[field.name], connection) for row in rows for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
