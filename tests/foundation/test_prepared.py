"""supportops.db.execute_prepared: the same answers as a plain execute, from a statement each PostgreSQL
connection prepares once (the public intake's two statements run through it)."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from supportops import db
from supportops.db import execute_prepared, prepared_sql

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

# A literal percent sign ("%%" with parameters), text that looks like placeholders, and NULL.
SQL = "SELECT %s::text || '%%', %s::int + 1, %s::text IS NULL"


def _run(sql, params):
    with connection.cursor() as cursor:
        execute_prepared(cursor, sql, params)
        return cursor.fetchall()


def test_the_same_rows_as_a_plain_execute_prepared_once_per_connection():
    params = ["100 $1 %s", 41, None]
    with connection.cursor() as cursor:
        cursor.execute(SQL, params)
        plain = cursor.fetchall()
    with CaptureQueriesContext(connection) as queries:
        first, second = _run(SQL, params), _run(SQL, ["x", 1, "y"])
    assert first == plain == [("100 $1 %s%", 42, True)] and second == [("x%", 2, False)]
    assert queries[0]["sql"].startswith("PREPARE supportops_") and queries[1]["sql"].startswith("EXECUTE ")
    assert prepared_sql(queries[1]["sql"]) == SQL
    assert prepared_sql(queries[0]["sql"]) == "SELECT $1::text || '%', $2::int + 1, $3::text IS NULL"


def test_a_connection_keeps_only_the_most_recently_used(monkeypatch):
    monkeypatch.setattr(db, "PREPARED_PER_CONNECTION", 2)
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # a clean slate for this connection
    db._prepared.pop(connection.connection, None)
    statements = [f"SELECT %s::int + {n}" for n in range(3)]
    for sql in statements:
        _run(sql, [1])
    with CaptureQueriesContext(connection) as queries:
        assert _run(statements[0], [1]) == [(1,)]  # deallocated when the third came: prepared again
    assert queries[0]["sql"].startswith("DEALLOCATE supportops_")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'supportops_%%'")
        assert cursor.fetchone()[0] == 2


def test_a_failed_first_call_is_prepared_again_and_answers(team):
    sql = "INSERT INTO shifts_team (slug, name) SELECT slug, name FROM shifts_team WHERE id = %s RETURNING id"
    with pytest.raises(IntegrityError), transaction.atomic():
        _run(sql, [team.pk])  # the slug is taken: the statement fails in the database
    assert _run("SELECT %s::int", [7]) == [(7,)]
    with CaptureQueriesContext(connection) as queries, pytest.raises(IntegrityError), transaction.atomic():
        _run(sql, [team.pk])
    assert [q["sql"][:8] for q in queries if "SAVEPOINT" not in q["sql"]] == ["PREPARE "]


def test_off_it_is_a_plain_execute(settings):
    settings.DB_PREPARED_STATEMENTS = False
    with CaptureQueriesContext(connection) as queries:
        assert _run("SELECT %s::int * 2", [21]) == [(42,)]
    assert queries[0]["sql"] == "SELECT 21::int * 2"
