"""Shared DRF plumbing: the one exception handler and the team-scoped permission helpers, and the same
JSON answers for the plain Django views of the API (public intake)."""

import json
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError


def flatten_errors(detail: Any) -> str:
    """The errors in one sentence for `detail`: "field: message; other: message"."""
    if isinstance(detail, dict):
        parts = []
        for key, value in detail.items():
            text = flatten_errors(value)
            parts.append(text if key in ("non_field_errors", "detail") else f"{key}: {text}")
        return "; ".join(parts)
    if isinstance(detail, list):
        return " ".join(flatten_errors(item) for item in detail)
    return str(detail)


def domain_error_body(exc: DomainError) -> dict[str, Any]:
    body: dict[str, Any] = {"detail": exc.message}
    if exc.field:
        body["errors"] = {exc.field: [exc.message]}
    return body


def api_json_response(data: Any, *, status: int, headers: dict[str, str] | None = None) -> HttpResponse:
    """JSON as DRF's JSONRenderer writes it (compact, UTF-8, U+2028/2029 escaped), for plain views."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return HttpResponse(text.encode(), status=status, content_type="application/json", headers=headers)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(domain_error_body(exc), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(
            {"detail": flatten_errors(detail), "errors": detail}, status=status.HTTP_400_BAD_REQUEST
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found: no such object in your teams.")
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        response.data = {"detail": flatten_errors(exc.detail), "errors": exc.detail}
    return response


def api_not_found(request: HttpRequest) -> JsonResponse:
    """Unmatched routes under /api/ answer in JSON like the rest of the API, not Django's HTML page."""
    detail = f"No API endpoint at {request.path}."
    if not request.path.endswith("/"):
        try:
            resolve(request.path + "/")
        except Resolver404:
            pass
        else:
            detail += f" Did you mean {request.path}/ (with the trailing slash)?"
    return JsonResponse({"detail": detail}, status=404)
