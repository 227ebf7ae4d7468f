"""Keyset pages' shared pieces (inquiries.listing, notices.inbox): an opaque cursor for a row's
(timestamp, id) and a count that stops at a cap. A cursor `a` points to the rows after that one in the
list's order (older, for newest-first lists), `b` to those before it."""

from __future__ import annotations

import base64
import datetime as dt

from django.db.models import QuerySet

from .errors import InvalidInput

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MICROSECOND = dt.timedelta(microseconds=1)
BAD_CURSOR = "This page link is not valid; start again from the first page."


def cursor_encode(direction: str, at: dt.datetime, pk: int) -> str:
    raw = f"{direction}.{(at - EPOCH) // MICROSECOND}.{pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def cursor_decode(cursor: str) -> tuple[str, dt.datetime, int]:
    """(direction, timestamp, id) of a cursor; InvalidInput (400 in the API) for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        direction, micros, pk = raw.split(".")
        if direction not in ("a", "b"):
            raise ValueError(direction)
        return direction, EPOCH + int(micros) * MICROSECOND, int(pk)
    except (ValueError, UnicodeDecodeError, OverflowError, TypeError):
        raise InvalidInput(BAD_CURSOR, field="cursor") from None


def capped_count(queryset: QuerySet, cap: int) -> tuple[int, bool]:
    """COUNT(*) over at most cap + 1 rows: exact for small results, "more than cap" for big ones."""
    n = queryset.order_by()[: cap + 1].count()
    return min(n, cap), n > cap
