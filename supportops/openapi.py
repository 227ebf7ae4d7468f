"""The OpenAPI schema tells the truth about the API (SPEC 4), for every view, without per-view chores:

- lists that `paginate()` are documented as pages (`{"count", "next", "previous", "results"}`) with the
  `page`/`page_size` parameters; a view that returns a bare array says `pagination_class = None`;
- every operation documents the errors it can answer with the one JSON error shape: 400 (input),
  401 (no credentials), 403 (not allowed), 404 (unknown or another team's object), 409 (illegal
  transition), 429 (throttled);
- enums are named after the model's choices class (`InquiryStatusEnum`, `ImprovementKindEnum`), so
  two `status` fields never collide (`ENUM_NAME_OVERRIDES = ModelChoiceEnumNames()`);
- `filter_parameters(FilterSet)` documents a FilterSet's query parameters with their types."""

import re
from typing import Any

from django_filters import filters as django_filters
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from .pagination import Pagination

_UNSET = object()

ERROR_DESCRIPTIONS = {
    "400": "Invalid input: `detail` says what to change, `errors` names the fields.",
    "401": "No credentials: send `Authorization: Token <key>` (or sign in for a session).",
    "403": "Signed in, but not allowed (e.g. only managers of the team may do this).",
    "404": "No such object in your teams (another team's objects are not found either).",
    "409": "Not possible in the object's current state (e.g. an illegal transition).",
    "429": "Too many requests: retry after the time in the `Retry-After` header.",
}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class ErrorSerializer(serializers.Serializer):
    """Every error answer of the API (supportops.api.exception_handler)."""

    detail = serializers.CharField(help_text="What went wrong, in words a person can act on.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Per field (or `non_field_errors`): the messages for that field. Only for invalid input.",
    )


class AutoSchema(SpectacularAutoSchema):
    def _get_paginator(self):
        pagination_class = getattr(self.view, "pagination_class", _UNSET)
        if pagination_class is _UNSET:
            # A plain APIView: its lists go through supportops.pagination.paginate() unless it opts out.
            pagination_class = Pagination if self.method == "GET" else None
        return pagination_class() if pagination_class else None

    def _is_public(self) -> bool:
        permissions = self.view.get_permissions()
        return (
            not self.view.get_authenticators()
            or not permissions
            or any(isinstance(permission, AllowAny) for permission in permissions)
        )

    def get_auth(self) -> list[dict]:
        auths = super().get_auth()
        if self._is_public() and {} not in auths:
            auths.append({})  # e.g. auth/token/: no credentials needed (permission_classes = ())
        return auths

    def _error_codes(self) -> list[str]:
        method = self.method.upper()
        has_path_params = bool(re.search(r"{\w+}", self.path))
        query_params = [p for p in self.get_override_parameters() if isinstance(p, OpenApiParameter)]
        codes = []
        if method in UNSAFE or query_params or self._is_list_view():
            codes.append("400")
        if not self._is_public():
            codes.append("401")
            if method in UNSAFE or "/reports/" in self.path:
                codes.append("403")
        if has_path_params or method in UNSAFE or any(p.name == "team" and p.required for p in query_params):
            codes.append("404")
        if method in UNSAFE and has_path_params:
            codes.append("409")
        if self.view.get_throttles():
            codes.append("429")
        return codes

    def _get_response_bodies(self, direction="response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        error = self.resolve_serializer(ErrorSerializer, "response").ref
        for code in self._error_codes():
            responses.setdefault(
                code,
                {
                    "description": ERROR_DESCRIPTIONS[code],
                    "content": {"application/json": {"schema": error}},
                },
            )
        if "401" in responses:
            responses["401"].setdefault(
                "headers",
                {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "`Token` (the scheme)"}},
            )
        return responses


_FILTER_TYPES = [
    (django_filters.BooleanFilter, OpenApiTypes.BOOL),
    (django_filters.NumberFilter, OpenApiTypes.NUMBER),
    (django_filters.ModelChoiceFilter, OpenApiTypes.INT),
    (django_filters.IsoDateTimeFilter, OpenApiTypes.DATETIME),
    (django_filters.DateTimeFilter, OpenApiTypes.DATETIME),
    (django_filters.DateFilter, OpenApiTypes.DATE),
]


def filter_parameters(
    filterset_class, *, descriptions: dict[str, str] | None = None
) -> list[OpenApiParameter]:
    """Query parameters of a FilterSet, typed (choices as enums), for `extend_schema(parameters=...)`."""
    descriptions = descriptions or {}
    parameters = []
    for name, field in filterset_class.base_filters.items():
        kind = OpenApiTypes.STR
        for filter_class, openapi_type in _FILTER_TYPES:
            if isinstance(field, filter_class):
                kind = openapi_type
                break
        enum = None
        if isinstance(field, django_filters.ChoiceFilter):
            choices = field.extra.get("choices")
            if choices and not callable(choices):
                enum = [value for value, _ in choices]
        parameters.append(
            OpenApiParameter(
                name,
                kind,
                enum=enum,
                description=descriptions.get(name) or str(field.label or name),
            )
        )
    return parameters
