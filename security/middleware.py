"""Reject NUL bytes before any view sees them.

PostgreSQL refuses NUL in text ("A string literal cannot contain NUL (0x00) characters"), so a `%00` in a
path, a query parameter or a form field used to reach the database as a 500. No legitimate request carries
one: answer 400 with a message, JSON under /api/."""

import re
from urllib.parse import unquote_to_bytes

from django.http import HttpRequest, HttpResponse, JsonResponse

MESSAGE = "The request contains a NUL character (%00), which is never valid here."
# `\u0000` in JSON, unless its backslash is itself escaped (an even number of backslashes before it).
JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
RAW_TYPES = ("application/json", "text/plain")


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path_info or "\x00" in request.path:
        return True
    query = request.META.get("QUERY_STRING", "")
    if "\x00" in query or b"\x00" in unquote_to_bytes(query):
        return True
    content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    try:
        if content_type == FORM_TYPES[0] and request.method != "POST":
            # PUT/PATCH forms are parsed by DRF from the raw body, not into request.POST.
            return b"\x00" in unquote_to_bytes(request.body.replace(b"+", b" "))
        if content_type in FORM_TYPES:
            # Form fields (not uploaded files, which may hold any byte); CSRF reads request.POST anyway.
            return any(
                "\x00" in key or any("\x00" in v for v in values) for key, values in request.POST.lists()
            )
        if content_type in RAW_TYPES:
            body = request.body
            # The pattern needs a backslash, u and 0000: most bodies are ruled out without the regex.
            escaped = b"\\u0000" in body or b"\\U0000" in body
            return b"\x00" in body or (escaped and bool(JSON_NUL.search(body)))
    except Exception:  # noqa: BLE001 - too large, malformed or already read: the view decides as before
        return False
    return False


class RejectNulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": MESSAGE}, status=400)
            return HttpResponse(MESSAGE, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
