"""A user's inbox read in keyset pages, newest first, whatever its size: the page walks the index
`notification_recipient_created` (recipient, created_at, id) from a cursor, and counts stop at COUNT_CAP
(the unread badge at UNREAD_CAP). An offset page and an exact count read every notification the user ever
had (250,000 for a Primary of a large team: 130 ms per inbox page, 4 ms of every page for the badge).
Cursors are opaque: `a.<µs>.<id>` = older than that notification, `b.<µs>.<id>` = newer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan

from supportops.errors import InvalidInput

from .models import Notification

COUNT_CAP = 1000
UNREAD_CAP = 99
PAGE_SIZE = 50
NEWEST_FIRST = ("-created_at", "-id")
OLDEST_FIRST = ("created_at", "id")
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MICROSECOND = dt.timedelta(microseconds=1)
BAD_CURSOR = "This page link is not valid; start again from the first page."


@dataclass
class InboxPage:
    rows: list[Notification]
    next_cursor: str | None = None  # older notifications
    previous_cursor: str | None = None  # newer ones
    count: int = 0
    count_capped: bool = False  # more than COUNT_CAP: `count` is COUNT_CAP

    @property
    def count_label(self) -> str:
        return f"{self.count:,}+" if self.count_capped else f"{self.count:,}"


def cursor_encode(direction: str, row: Notification) -> str:
    return f"{direction}.{(row.created_at - EPOCH) // MICROSECOND}.{row.pk}"


def cursor_decode(cursor: str) -> tuple[str, dt.datetime, int]:
    try:
        direction, micros, pk = cursor.split(".")
        if direction not in ("a", "b"):
            raise ValueError(direction)
        return direction, EPOCH + int(micros) * MICROSECOND, int(pk)
    except (ValueError, OverflowError):
        raise InvalidInput(BAD_CURSOR, field="cursor") from None


def capped(rows: QuerySet, cap: int) -> tuple[int, bool]:
    """How many rows, counted to `cap` at most: (count, more than cap)."""
    found = rows.order_by()[: cap + 1].count()
    return min(found, cap), found > cap


def inbox_page(rows: QuerySet, *, cursor: str | None, size: int | None = None) -> InboxPage:
    """`size` (PAGE_SIZE) of `rows` (one user's notifications, filtered) newest first, older or newer than
    the cursor's notification; with the capped count of all of them."""
    size = size or PAGE_SIZE
    key = Tuple(F("created_at"), F("id"))
    if cursor:
        direction, at, pk = cursor_decode(cursor)
        if direction == "a":
            found = list(rows.filter(TupleLessThan(key, (at, pk))).order_by(*NEWEST_FIRST)[: size + 1])
            page, older, newer = found[:size], len(found) > size, True
        else:
            found = list(rows.filter(TupleGreaterThan(key, (at, pk))).order_by(*OLDEST_FIRST)[: size + 1])
            page, older, newer = found[:size][::-1], True, len(found) > size
    else:
        found = list(rows.order_by(*NEWEST_FIRST)[: size + 1])
        page, older, newer = found[:size], len(found) > size, False
    result = InboxPage(rows=page)
    if page and older:
        result.next_cursor = cursor_encode("a", page[-1])
    if page and newer:
        result.previous_cursor = cursor_encode("b", page[0])
    result.count, result.count_capped = capped(rows, COUNT_CAP)
    return result


def unread_label(user) -> str:
    """The header's unread badge: the count, "99+" beyond UNREAD_CAP, "" for none."""
    count, more = capped(Notification.objects.filter(recipient=user, read_at__isnull=True), UNREAD_CAP)
    if more:
        return f"{UNREAD_CAP}+"
    return str(count) if count else ""
