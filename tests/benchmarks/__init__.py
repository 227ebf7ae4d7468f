"""Benchmarks (marker `benchmark`): figures printed with -s, ratios asserted. Shared: stored rows made
fast, in one INSERT … SELECT over generate_series on PostgreSQL."""

from django.db import connection

from inquiries.models import Inquiry


def inquiries_copy(template: Inquiry, count: int, *, first_number: int, varying: dict[str, str]) -> None:
    """Insert `count` copies of `template` in one statement. Every column not named in `varying` is
    copied from the template row (so new columns with defaults need no change here); `varying` maps a
    field name to an SQL expression over `g` (1..count) and `n` (the inquiry number)."""
    fields = [f for f in Inquiry._meta.concrete_fields if not f.primary_key]
    unique = {
        "number": "n",
        "reference": "'BIG-' || n",
        "tracking_token": "md5(n::text || '-token')",
    }
    expressions = {**unique, **varying}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    selected = ", ".join(expressions.get(f.name, f"t.{connection.ops.quote_name(f.column)}") for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Inquiry._meta.db_table} ({columns}) "
            f"SELECT {selected} FROM {Inquiry._meta.db_table} t, "
            f"LATERAL (SELECT g, g + %s AS n FROM generate_series(1, %s) g) s WHERE t.id = %s",
            [first_number, count, template.pk],
        )
        cursor.execute(f"ANALYZE {Inquiry._meta.db_table}")
