"""SQL the ORM does not say in one statement, for every app."""

import contextlib
import datetime as dt
import functools
import hashlib
import itertools
import re
import weakref
from collections import OrderedDict
from collections.abc import Sequence

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction

# Server-side prepared statements (PostgreSQL): per raw connection, {sql: name} in order of last use.
_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_names = itertools.count()
PREPARED_PER_CONNECTION = 32
_PLACEHOLDER = re.compile(r"%%|%s")


def execute_prepared(cursor, sql: str, params: Sequence) -> None:
    """`cursor.execute(sql, params)`, on PostgreSQL as a prepared statement of this connection: parsed
    and planned once per connection instead of on every call (for the statements every submission runs,
    whose planning cost the database more than running them). The first call sends `PREPARE` and
    `EXECUTE` in one round trip; a connection keeps its PREPARED_PER_CONNECTION most recently used ones
    (the one used longest ago is deallocated in the same round trip). Elsewhere, or with
    settings.DB_PREPARED_STATEMENTS off (a transaction-mode pooler), a plain execute."""
    db = cursor.db  # the cursor's own connection: no lookup through the `connection` proxy
    if db.vendor != "postgresql" or not settings.DB_PREPARED_STATEMENTS or not params:
        cursor.execute(sql, params)
        return
    known = _prepared.setdefault(db.connection, OrderedDict())
    name = known.get(sql)
    run = f"EXECUTE {{}} ({', '.join(['%s'] * len(params))})"
    if name is not None:
        known.move_to_end(sql)
        cursor.execute(run.format(name), params)
        return
    # A name never used before in this process: after an error the statement may or may not exist, and
    # the next call prepares it again under a new name.
    name = f"supportops_{hashlib.sha1(sql.encode()).hexdigest()[:12]}_{next(_names)}"
    numbers = itertools.count(1)
    body = _PLACEHOLDER.sub(lambda m: m.group() if m.group() == "%%" else f"${next(numbers)}", sql)
    head = f"PREPARE {name} AS {body}; "
    if len(known) >= PREPARED_PER_CONNECTION:
        head = f"DEALLOCATE {known.popitem(last=False)[1]}; {head}"
    cursor.execute(head + run.format(name), params)
    known[sql] = name


def prepared_sql(logged: str) -> str:
    """The statement a logged `EXECUTE name (…)` of this connection runs (for tests and debugging);
    any other logged SQL as it is (a first call's `PREPARE name AS <sql>; EXECUTE …` gives <sql>)."""
    match = re.match(r"(?:DEALLOCATE \w+; )?PREPARE (\w+) AS (.*); EXECUTE \1 \(", logged, re.S)
    if match:
        return match.group(2)
    match = re.match(r"EXECUTE (\w+) \(", logged)
    if not match or connection.connection not in _prepared:
        return logged
    found = [sql for sql, name in _prepared[connection.connection].items() if name == match.group(1)]
    return found[0] if found else logged


@functools.cache
def _init_plan(model: type[models.Model]) -> tuple[tuple[str, str, bool, models.Field], ...]:
    return tuple((f.name, f.attname, f.is_relation, f) for f in model._meta.concrete_fields)


def new_row(model: type[models.Model], **values):
    """`model(**values)` for a row about to be written, with the same attributes (issue 16): Django's
    keyword __init__ looks every field of the model up in the keywords and catches a KeyError for each
    one not given (two for a foreign key): 24 µs for an inquiry, 6.5 µs through the positional one.
    Here each field takes its value or its default, positionally, and a related object given by name is
    set through its descriptor afterwards, as __init__ does; any other keyword (a property, a name that
    is no field) goes to `model(**values)`, which knows what to make of it."""
    args, related, given = [], [], dict(values)
    for name, attname, is_relation, field in _init_plan(model):
        if is_relation and name in given:
            related.append((name, given.pop(name)))
            args.append(models.DEFERRED)
        elif attname in given:
            args.append(given.pop(attname))
        else:
            args.append(field.get_default())
    if given:
        return model(**values)
    obj = model(*args)
    for name, value in related:
        setattr(obj, name, value)
    return obj


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


# Exact field classes whose get_db_prep_save returns a value of these exact types unchanged (CharField's
# to_python, the integer fields' int(), BooleanField's bool(), a foreign key to an integer id): such a
# value is passed as it is, without the calls (~90 per public submission). Subclasses (an encrypted
# field, choices enums as values) and every other type take get_db_prep_save.
_INTEGERS = (models.AutoField, models.BigAutoField, models.IntegerField, models.BigIntegerField)
_AS_IS: dict[type, tuple[type, ...]] = {
    models.CharField: (str,),
    models.TextField: (str,),
    models.EmailField: (str,),
    models.BooleanField: (bool,),
    **dict.fromkeys(
        (*_INTEGERS, models.PositiveIntegerField, models.PositiveSmallIntegerField, models.SmallIntegerField),
        (int,),
    ),
}


@functools.cache
def _as_is(field) -> tuple[type, ...]:
    if type(field) is models.ForeignKey:
        return (int,) if type(field.target_field) in _INTEGERS else ()
    return _AS_IS.get(type(field), ())


def _db_value(field, obj: models.Model):
    """field.get_db_prep_save(field.pre_save(obj, True)), without the calls for a plain value."""
    plain = _as_is(field)  # these classes' pre_save is Field's: the attribute
    if plain and field.attname in obj.__dict__:
        value = obj.__dict__[field.attname]
        if value is None or type(value) in plain:
            return value
    return field.get_db_prep_save(field.pre_save(obj, True), connection)


def _insert_params(objs: list[models.Model], fields: list) -> list:
    params = []
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="insert_rows")
        params.extend(_db_value(field, obj) for field in fields)
    return params


def _saved(objs: list[models.Model], ids: list[int], alias: str = DEFAULT_DB_ALIAS) -> None:
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = alias


@functools.cache
def _columns(model: type[models.Model], vendor: str) -> list[tuple]:
    """Per column of `_insert_plan`: (field, attname, the types passed as they are (`_as_is`) or None,
    the relation's cache name or None, whether it is a DateTimeField on PostgreSQL, its choices written
    as SQL literals (`_choice_literals`)), looked up once per model instead of once per row."""
    fields = _insert_plan(model, vendor)[0]
    return [
        (
            field,
            field.attname,
            _as_is(field) or None,
            field.cache_name if field.is_relation else None,
            vendor == "postgresql" and type(field) is models.DateTimeField,
            _choice_literals(field),
        )
        for field in fields
    ]


# A choice value written into the chain's text: letters, digits and a few marks only (no quote, no `%`,
# which psycopg2's formatting would read, no backslash).
_LITERAL_SAFE = re.compile(r"[A-Za-z0-9_.:/ -]*")


def _choice_literals(field) -> dict[str, str]:
    """{value: its SQL string literal} for a text field's choices: a value from a fixed list goes into the
    chain's text like `''` (`_LITERALS`), so the statements of one call site stay few."""
    if not isinstance(field, models.CharField) or not field.choices:
        return {}
    return {
        value: f"'{value}'"
        for value, _ in field.flatchoices
        if isinstance(value, str) and _LITERAL_SAFE.fullmatch(value)
    }


def _moment(field, obj: models.Model, db):
    """A DateTimeField's value on PostgreSQL: its pre_save (auto_now_add's now), then an aware datetime
    or None as it is (what get_prep_value and the backend's adapt_datetimefield_value return for one)."""
    value = field.pre_save(obj, True)
    if value is None or (type(value) is dt.datetime and value.utcoffset() is not None):
        return value
    return field.get_db_prep_save(value, db)


def _unsaved_related(obj: models.Model, field, cache_name: str, places: dict) -> tuple[int, int] | None:
    """save()'s check of a foreign key whose id is not set (`_prepare_related_fields_for_save`): the
    place (group, row) in the chain of the unsaved row it points to, or None after filling in the id of
    a row saved after it was assigned; ValueError for an unsaved row outside the chain."""
    related = obj._state.fields_cache.get(cache_name)
    if related is None:
        return None
    if related.pk is not None:
        obj.__dict__[field.attname] = related.pk  # saved after it was assigned (the cache stays)
        return None
    place = places.get(id(related))
    if place is None:
        raise ValueError(
            f"insert_rows prohibited to prevent data loss due to unsaved related object '{field.name}'."
        )
    return place


def _chain_group(n: int, group: list[models.Model], plan: tuple, places: dict, params: list, db) -> tuple:
    """One `gN AS (INSERT … RETURNING id)` of the chain: its SQL and the foreign keys it leaves to the
    chain; its values appended to `params` (as `_db_value` gives them, the fields looked up once per
    model). A foreign key to an unsaved row of an earlier group is `(SELECT id FROM gK OFFSET r LIMIT
    1)`: INSERT … RETURNING gives the rows in VALUES order, as bulk_create relies on too."""
    columns = _columns(type(group[0]), db.vendor)
    head, tail = plan[1], plan[3]
    values, pending = [], []
    for index, obj in enumerate(group):
        known = obj.__dict__
        cells = []
        for field, attname, plain, cache_name, moment, choices in columns:
            value = known.get(attname, _MISSING)
            if cache_name is not None and value is None:
                earlier = _unsaved_related(obj, field, cache_name, places)
                if earlier is not None:
                    cells.append(f"(SELECT id FROM g{earlier[0]} OFFSET {earlier[1]} LIMIT 1)")
                    pending.append((obj, attname, cache_name))
                    continue
                value = known[attname]
            if plain is not None and (value is None or type(value) in plain):
                pass  # as it is
            elif plain == (str,) and isinstance(value, str):  # a choices member: the text psycopg2 sends
                value = str.__str__(value)
            elif moment:
                value = _moment(field, obj, db)
            else:
                value = field.get_db_prep_save(field.pre_save(obj, True), db)
            # NULL, true, false, '' and a choice value as the text psycopg2 would send, without its
            # adapter and without a parameter the server parses and coerces on every EXECUTE.
            if value is None:
                cells.append("NULL")
            elif value is True or value is False or (type(value) is str and not value):
                cells.append(_LITERALS[value])
            elif choices and type(value) is str and value in choices:
                cells.append(choices[value])
            else:
                params.append(value)
                cells.append("%s")
        values.append("(" + ", ".join(cells) + ")")
        places[id(obj)] = (n, index)
    return f"g{n} AS ({head}{', '.join(values)}{tail})", pending


_MISSING = object()
# Values written into the chain's text instead of as parameters: each parameter costs psycopg2 an adapter
# (object, `prepare`, `getquoted`) per row and field, and the server a parse, a coercion to the column's
# type and an expression of its own on every EXECUTE; these constant ones, NULL and the choice values (a
# public submission has ~55 of its ~80 values among them) change the statement's text only as often as
# which fields are empty, true or which choice changes — a few texts per call site.
_LITERALS = {True: "true", False: "false", "": "''"}


def insert_rows_together(*groups: Sequence[models.Model]) -> None:
    """`insert_rows` for several groups of rows (each of one model) in one statement on PostgreSQL: a
    chain of `WITH gN AS (INSERT … RETURNING id)`, one round trip, parse and plan instead of one per
    group; each group's ids in its VALUES order (as bulk_create relies on). A row may point to an unsaved
    row of an earlier group (a message to its new inquiry): the chain fills in that row's id. Elsewhere
    (SQLite), or for a group `insert_rows` would hand to bulk_create, one `insert_rows` per group, in
    order (each saved row's id then reaches the rows pointing to it, as save() does), in a transaction:
    all or nothing either way, so a caller whose only write this is needs no transaction of its own."""
    groups_ = [list(group) for group in groups if group]
    db = connections[DEFAULT_DB_ALIAS]  # once: each `connection.x` is a thread-local lookup
    plans = [_insert_plan(type(group[0]), db.vendor) for group in groups_]
    plain = all(
        plan is not None and all(obj.pk is None and type(obj) is type(group[0]) for obj in group)
        for plan, group in zip(plans, groups_, strict=True)
    )
    if db.vendor != "postgresql" or not plain or len(groups_) < 2:
        # No savepoint inside a caller's transaction (its statements would count): a failure there
        # marks the caller's transaction for rollback instead.
        with transaction.atomic(savepoint=False) if len(groups_) > 1 else contextlib.nullcontext():
            for group in groups_:
                insert_rows(group)
        return
    ctes, selects, params, places, pending = [], [], [], {}, []
    for n, (group, plan) in enumerate(zip(groups_, plans, strict=True)):
        cte, left = _chain_group(n, group, plan, places, params, db)
        ctes.append(cte)
        pending += left
        selects.append(f"SELECT {n}, * FROM g{n}")
    with db.cursor() as cursor:
        execute_prepared(cursor, f"WITH {', '.join(ctes)} {' UNION ALL '.join(selects)}", params)
        found = cursor.fetchall()
    for n, group in enumerate(groups_):
        _saved(group, [pk for index, pk in found if index == n], db.alias)
    for obj, attname, cache_name in pending:  # each foreign key to a row of the chain: its id, as save()
        obj.__dict__[attname] = obj._state.fields_cache[cache_name].pk


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
    params = _insert_params(objs, fields)
    with connection.cursor() as cursor:
        cursor.execute(head + ", ".join([row] * len(objs)) + tail, params)
        ids = [found[0] for found in cursor.fetchall()]
    _saved(objs, ids)
    return objs
