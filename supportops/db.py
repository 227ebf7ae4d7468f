"""SQL the ORM does not say in one statement, for every app."""

import functools
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


@functools.cache
def _insert_plan(model: type[models.Model], vendor: str) -> tuple[list, str, str, str] | None:
    meta = model._meta
    if [f.name for f in meta.db_returning_fields] != [meta.pk.name] or meta.auto_field is None:
        return None  # the database fills in more than the id: bulk_create knows how
    fields = [f for f in meta.concrete_fields if f is not meta.auto_field]
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) VALUES "
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    return fields, head, row, f" RETURNING {quote(meta.pk.column)}"


def insert_rows(objs: Sequence[models.Model]) -> list[models.Model]:
    """`bulk_create` for the few rows each public submission writes: one INSERT … RETURNING id with the
    same values (each field's pre_save, e.g. auto_now_add, then get_db_prep_save) and, like bulk_create, no
    signals — without its per-call machinery, which cost more Python time than the database took to
    insert the rows. Models with other database-filled fields, or rows with an id, go to bulk_create."""
    objs = list(objs)
    if not objs:
        return objs
    model = type(objs[0])
    plan = _insert_plan(model, connection.vendor)
    if plan is None or any(obj.pk is not None or type(obj) is not model for obj in objs):
        return model._default_manager.bulk_create(objs)
    fields, head, row, tail = plan
    params = []
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="insert_rows")
        params.extend(field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields)
    with connection.cursor() as cursor:
        cursor.execute(head + ", ".join([row] * len(objs)) + tail, params)
        ids = [found[0] for found in cursor.fetchall()]
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs
