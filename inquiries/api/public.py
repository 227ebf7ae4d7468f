"""Public intake without an account: the JSON twin of /ask/<team>/ (SPEC 4).

Served by a plain Django view (`public_inquiry_create`), not DRF: the request/response wrappers, content
negotiation, throttle and serializer machinery cost more CPU than the rest of a submission's Python
(issue 16). The HTTP contract is DRF's as before, field by field: the parsers (JSON, form, multipart; 415
otherwise), the throttle first (also for a body that does not parse), 405/OPTIONS, the validation of
`PublicInquirySerializer` with its messages (`tests/inquiries/test_public_contract.py` compares the two on
many inputs), the error body `{"detail", "errors"}` of supportops.api, 429 with Retry-After, and the 201
body. `PublicInquiryCreateView` documents it in the OpenAPI schema and delegates to the plain view."""

import json
import math
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

from security.cleaning import clean_body, clean_line
from supportops.api import api_json_response, domain_error_body, flatten_errors
from supportops.errors import DomainError

from .. import services
from ..links import tracking_url
from ..throttle import TEAM_BUDGET_MESSAGE, PublicIntakeThrottle, intake_check
from .serializers import PublicInquirySerializer

ALLOWED = "POST, OPTIONS"
BASE_HEADERS = {"Allow": ALLOWED, "Vary": "Accept"}
PARSES = ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"]
METADATA = {
    "name": "Public Inquiry Create",
    "description": "",
    "renders": ["application/json"],
    "parses": PARSES,
}

REQUIRED = "This field is required."
BLANK = "This field may not be blank."
NULL = "This field may not be null."
NOT_A_STRING = "Not a valid string."
SLUG_MESSAGE = 'Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.'
EMAIL_MESSAGE = "Enter a valid email address."
AUTOMATED = "This submission looks automated and was not accepted."
SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
SURROGATE = re.compile("[\ud800-\udfff]")
_email = EmailValidator(message=EMAIL_MESSAGE)

# name: (required, allow_blank, allow_null, max_length, cleaning, format check, invalid-type message)
FIELDS: dict[str, tuple[bool, bool, bool, int | None, Any, str | None, str]] = {
    "team": (True, False, False, 40, None, "slug", SLUG_MESSAGE),
    "name": (True, False, False, 120, clean_line, None, NOT_A_STRING),
    "email": (True, False, False, 254, None, "email", EMAIL_MESSAGE),
    "subject": (True, False, False, 200, clean_line, None, NOT_A_STRING),
    "body": (True, False, False, 20000, clean_body, None, NOT_A_STRING),
    "topic": (False, True, True, 80, None, None, NOT_A_STRING),
    "website": (False, True, False, None, None, None, NOT_A_STRING),
}


_MISSING = object()


class _Skip(Exception):
    pass


def _field(name: str, value: Any) -> Any:
    """One field as PublicInquirySerializer's field validates it: the value, or ValueError(messages)."""
    required, allow_blank, allow_null, max_length, clean, check, invalid = FIELDS[name]
    if value is _MISSING:
        if required:
            raise ValueError([REQUIRED])
        raise _Skip
    if clean is not None and isinstance(value, str):
        value = clean(value)
    if value == "" or (value is not None and str(value).strip() == ""):
        if not allow_blank:
            raise ValueError([BLANK])
        return ""
    if value is None:
        if allow_null:
            return None
        raise ValueError([NULL])
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError([invalid])
    value = str(value).strip()
    if clean is not None:
        value = clean(value)
    errors = []
    if max_length is not None and len(value) > max_length:
        errors.append(f"Ensure this field has no more than {max_length} characters.")
    if "\x00" in value:
        errors.append("Null characters are not allowed.")
    surrogate = SURROGATE.search(value)
    if surrogate:
        errors.append(f"Surrogate characters are not allowed: U+{ord(surrogate.group()):X}.")
    if check == "slug" and not SLUG.match(value):
        errors.append(SLUG_MESSAGE)
    elif check == "email":
        try:
            _email(value)
        except DjangoValidationError:
            errors.append(EMAIL_MESSAGE)
    if errors:
        raise ValueError(errors)
    if name == "website" and value:
        raise ValueError([AUTOMATED])
    return value


def validate_public_inquiry(data: Any) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The submission's fields, or the errors per field, exactly as PublicInquirySerializer(data=...)
    gives them (validated_data, errors)."""
    if data is None:
        return {}, {"non_field_errors": ["No data provided"]}
    if not isinstance(data, dict):
        kind = type(data).__name__
        return {}, {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {kind}."]}
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name in FIELDS:
        try:
            values[name] = _field(name, data.get(name, _MISSING))
        except _Skip:
            continue
        except ValueError as error:
            errors[name] = error.args[0]
    return ({}, errors) if errors else (values, {})


class _ParseError(Exception):
    pass


class _Unsupported(Exception):
    pass


def _parse(request: HttpRequest) -> Any:
    """The body as DRF's JSON, form and multipart parsers read it (no Content-Type or no body: {})."""
    content_type = request.META.get("CONTENT_TYPE", "")
    media_type = content_type.split(";")[0].strip().lower()
    if not media_type or not _content_length(request):
        return {}
    charset = request.encoding or settings.DEFAULT_CHARSET
    if media_type == "application/json":
        try:
            return json.loads(request.body.decode(charset), parse_constant=_strict_constant)
        except ValueError as error:
            raise _ParseError(f"JSON parse error - {error}") from None
    if media_type == "application/x-www-form-urlencoded":
        form = QueryDict(request.body, encoding=charset)
        return {key: form[key] for key in form}
    if media_type == "multipart/form-data":
        try:
            form = request.POST
        except MultiPartParserError as error:
            raise _ParseError(f"Multipart form parse error - {error}") from None
        return {key: form[key] for key in form}
    raise _Unsupported(content_type)


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _strict_constant(name: str) -> None:
    raise ValueError(f"Out of range float values are not JSON compliant: {name!r}")


def _answer(status: int, body: dict, headers: dict | None = None) -> HttpResponse:
    return api_json_response(body, status=status, headers={**BASE_HEADERS, **(headers or {})})


def _throttled(wait: int | None, message: str = "Request was throttled.") -> HttpResponse:
    """DRF's Throttled answer: the wait in words and in Retry-After."""
    if wait is None:
        return _answer(429, {"detail": message})
    wait = math.ceil(wait)
    unit = "second" if wait == 1 else "seconds"
    headers = {"Retry-After": str(wait)} if wait else {}
    return _answer(429, {"detail": f"{message} Expected available in {wait} {unit}."}, headers)


def _throttle_and_parse(request: HttpRequest) -> tuple[Any, HttpResponse | None]:
    """Parse, then count the submission (the client's limit, then the team's budget): the data, or the
    answer to give instead (415, 429, or 400 for a body that does not parse)."""
    try:
        data = _parse(request)
    except _Unsupported as error:
        return None, _answer(415, {"detail": f'Unsupported media type "{error}" in request.'})
    except _ParseError as error:
        verdict = intake_check(request, None)  # counted for the client first
        if verdict.client_allowed:
            return None, _answer(400, {"detail": str(error)})
        return None, _throttled(verdict.retry_after)
    verdict = intake_check(request, data.get("team") if isinstance(data, dict) else None)
    if not verdict.team_allowed:
        return None, _throttled(verdict.retry_after, TEAM_BUDGET_MESSAGE)
    if not verdict.client_allowed:
        return None, _throttled(verdict.retry_after)
    return data, None


@csrf_exempt
def public_inquiry_create(request: HttpRequest) -> HttpResponse:
    data, refused = _throttle_and_parse(request)
    if refused is not None:
        return refused
    if request.method == "OPTIONS":
        return _answer(200, METADATA)
    if request.method != "POST":
        return _answer(405, {"detail": f'Method "{request.method}" not allowed.'})
    values, errors = validate_public_inquiry(data)
    if errors:
        return _answer(400, {"detail": flatten_errors(errors), "errors": errors})
    try:
        inquiry = services.inquiry_create_public(
            team_slug=values["team"],
            subject=values["subject"],
            body=values["body"],
            requester_name=values["name"],
            requester_email=values["email"],
            topic=values.get("topic"),
        )
        if inquiry is None:
            return _answer(404, {"detail": f"No team {values['team']!r} takes questions here."})
    except DomainError as error:
        return _answer(error.status_code, domain_error_body(error))
    return _answer(201, {"reference": inquiry.reference, "tracking_url": tracking_url(inquiry)})


# The endpoint as the OpenAPI schema documents it (its docstring would become the operation's text):
# requests are routed to `public_inquiry_create`, with this class attached for drf-spectacular; served
# through this class (as a DRF view) they get the same answers, since it hands the request over.
# Its throttle is documented (429) and counted by the plain view through the same `intake_check`.
class PublicInquiryCreateView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicIntakeThrottle]

    def check_throttles(self, request: Request) -> None:
        """Documented by `throttle_classes`; the plain view counts the client once, through intake_check."""

    @extend_schema(
        request=PublicInquirySerializer,
        responses={
            201: inline_serializer(
                "PublicInquiryCreated",
                {"reference": serializers.CharField(), "tracking_url": serializers.URLField()},
            )
        },
    )
    def post(self, request: Request) -> HttpResponse:
        return public_inquiry_create(request._request)


# drf-spectacular finds API views by the `cls` of a URL's callback (as `APIView.as_view()` sets it).
public_inquiry_create.cls = PublicInquiryCreateView  # type: ignore[attr-defined]
public_inquiry_create.initkwargs = {}  # type: ignore[attr-defined]
