from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


def paginate(
    request: Request, queryset, serializer_class, *, view=None, context: dict | None = None
) -> Response:
    paginator = Pagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    data = serializer_class(page, many=True, context=context or {"request": request}).data
    return paginator.get_paginated_response(data)


def positive_param(request: Request, name: str, default: int, maximum: int | None = None) -> int:
    """A whole-number query parameter >= 1 (`page`, `page_size`), at most `maximum`; 400 otherwise."""
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise serializers.ValidationError({name: [f"{name} must be a positive whole number."]})
    return min(int(raw), maximum) if maximum else int(raw)


def number_links(url: str, number: int, has_next: bool) -> tuple[str | None, str | None]:
    """(next, previous) links of page `number` of a `?page=N` list."""
    next_url = replace_query_param(url, "page", number + 1) if has_next else None
    previous_url = replace_query_param(url, "page", number - 1) if number > 1 else None
    return next_url, previous_url


def cursor_links(
    url: str, next_cursor: str | None, previous_cursor: str | None
) -> tuple[str | None, str | None]:
    """(next, previous) links of a keyset page: this URL without `page`, with the page's cursors."""
    url = remove_query_param(url, "page")
    next_url = replace_query_param(url, "cursor", next_cursor) if next_cursor else None
    previous_url = replace_query_param(url, "cursor", previous_cursor) if previous_cursor else None
    return next_url, previous_url


def capped_page_response(
    count: int, capped: bool, links: tuple[str | None, str | None], results: list
) -> Response:
    """A list's page as SPEC 4 has it, with `count_capped` (`count` stopped at a cap)."""
    next_url, previous_url = links
    return Response(
        {
            "count": count,
            "count_capped": capped,
            "next": next_url,
            "previous": previous_url,
            "results": results,
        }
    )
