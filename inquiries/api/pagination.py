"""API lists of inquiries in keyset pages: `{"count", "next", "previous", "results"}` as everywhere
(SPEC 4), where `next`/`previous` carry an opaque `cursor` and `count` is exact up to 1,000 rows; beyond,
it says 1000 with `count_capped`: true ("1,000 or more") — no COUNT(*) over a whole team per page. A
search the database expects to match more than 2,000 rows counts to a page, 50 (`count` 50,
`count_capped` true: `listing.SEARCH_CAP`).
`?page=N` still works (offset into the same index order) for clients that page by number."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from supportops.errors import InvalidInput
from supportops.pagination import capped_page_response, cursor_links, number_links, positive_param

from ..listing import (
    ORDER,
    Search,
    capped_count,
    keyset_page,
    page_rows,
    search_matches,
    walk_in_order,
    with_effort,
)

MAX_PAGE_SIZE = 500


def keyset_response(
    request: Request, queryset: QuerySet, serializer_class, search: Search | None = None
) -> Response:
    """A page of `queryset` (filtered; with `search`, by the search box too: `InquiryFilter.split_search`)."""
    size = positive_param(request, "page_size", settings.REST_FRAMEWORK["PAGE_SIZE"], MAX_PAGE_SIZE)
    url = request.build_absolute_uri()
    if "page" in request.query_params and "cursor" not in request.query_params:
        number = positive_param(request, "page", 1)
        start = (number - 1) * size
        if search:  # as keyset_page does: the matches' ids first, then the page read by id or walked
            matches = search_matches(search, size + 1 if number == 1 else None)
            with walk_in_order():
                rows = page_rows(matches.rows, ORDER, start, start + size + 1, matches.joined)
            count, capped = matches.count, matches.capped
        else:
            rows = page_rows(queryset, ORDER, start, start + size + 1)
            count, capped = capped_count(queryset)
        links = number_links(url, number, len(rows) > size)
        rows = with_effort(rows[:size])
    else:
        try:
            page = keyset_page(
                queryset,
                cursor=request.query_params.get("cursor") or None,
                size=size,
                search=search,
            )
        except InvalidInput as exc:
            raise serializers.ValidationError({"cursor": [exc.message]}) from None
        rows, count, capped = page.rows, page.count, page.count_capped
        links = cursor_links(url, page.next_cursor, page.previous_cursor)
    data = serializer_class(rows, many=True, context={"request": request}).data
    return capped_page_response(count, capped, links, data)
