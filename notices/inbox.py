"""A user's inbox read in keyset pages, newest first, whatever its size: the page walks the index
`notification_recipient_created` (recipient, created_at, id) from a cursor, and counts stop at COUNT_CAP
(the unread badge at UNREAD_CAP). An offset page and an exact count read every notification the user ever
had (250,000 for a Primary of a large team: 130 ms per inbox page, 4 ms of every page for the badge).
Cursors are opaque (`supportops.keyset`): `a` = older than that notification, `b` = newer."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan

from supportops.keyset import capped_count, cursor_decode, cursor_encode

from .models import Notification

COUNT_CAP = 1000
UNREAD_CAP = 99
PAGE_SIZE = 50
NEWEST_FIRST = ("-created_at", "-id")
OLDEST_FIRST = ("created_at", "id")


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
        result.next_cursor = cursor_encode("a", page[-1].created_at, page[-1].pk)
    if page and newer:
        result.previous_cursor = cursor_encode("b", page[0].created_at, page[0].pk)
    result.count, result.count_capped = capped_count(rows, COUNT_CAP)
    return result


def unread_label(user) -> str:
    """The header's unread badge: the count, "99+" beyond UNREAD_CAP, "" for none."""
    count, more = capped_count(Notification.objects.filter(recipient=user, read_at__isnull=True), UNREAD_CAP)
    if more:
        return f"{UNREAD_CAP}+"
    return str(count) if count else ""
