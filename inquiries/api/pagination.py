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
from rest_framework.utils.urls import remove_query_param, replace_query_param

from supportops.errors import InvalidInput
from supportops.pagination import positive_param

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
        has_next = len(rows) > size
        rows = with_effort(rows[:size])
        next_url = replace_query_param(url, "page", number + 1) if has_next else None
        previous_url = None
        if number > 1:
            previous_url = replace_query_param(url, "page", number - 1)
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
        url = remove_query_param(url, "page")
        next_url = replace_query_param(url, "cursor", page.next_cursor) if page.next_cursor else None
        previous_url = None
        if page.previous_cursor:
            previous_url = replace_query_param(url, "cursor", page.previous_cursor)
    data = serializer_class(rows, many=True, context={"request": request}).data
    return Response(
        {
            "count": count,
            "count_capped": capped,
            "next": next_url,
            "previous": previous_url,
            "results": data,
        }
    )
