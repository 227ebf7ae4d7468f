from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response


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
