"""web.middleware.LeanRoutesMiddleware: the public intake without a cookie skips the middleware it does not
use, and answers every kind of request as the whole middleware list does (issue 16)."""

import json
import re

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.test import Client

from inquiries import services
from inquiries.models import Inquiry
from tests.factories import PUBLIC_FORM

pytestmark = pytest.mark.django_db

URL = "/api/v1/public/inquiries/"
LEAN = "web.middleware.LeanRoutesMiddleware"
FORM = PUBLIC_FORM


def _send(client: Client, kind: str):
    if kind == "json":
        return client.post(URL, FORM, content_type="application/json")
    if kind == "form":
        return client.post(URL, FORM)
    if kind == "invalid":
        return client.post(URL, {**FORM, "email": "nope"}, content_type="application/json")
    if kind == "unknown team":
        return client.post(URL, {**FORM, "team": "nobody"}, content_type="application/json")
    if kind == "bad json":
        return client.post(URL, "{", content_type="application/json")
    if kind == "text":
        return client.post(URL, "hello", content_type="text/plain")
    if kind == "nul":
        return client.post(URL, {**FORM, "body": "a\x00b"}, content_type="application/json")
    if kind == "get":
        return client.get(URL)
    if kind == "options":
        return client.options(URL)
    if kind == "wrong host":
        return client.post(URL, FORM, content_type="application/json", HTTP_HOST="evil.example")
    if kind == "plain http":
        return client.post(URL, FORM, content_type="application/json", secure=False)
    raise AssertionError(kind)


def _answer(response) -> tuple:
    """Status, headers (but the request id) and body; a stored inquiry's reference and tracking link
    differ between two submissions, so only their presence is compared."""
    headers = {name: value for name, value in response.headers.items() if name != "X-Request-ID"}
    if "Content-Security-Policy" in headers:  # django-csp's directive order varies between processes
        headers["Content-Security-Policy"] = frozenset(headers["Content-Security-Policy"].split("; "))
    body = response.content
    if response.status_code == 201:
        body = sorted(json.loads(body))
        headers["Content-Length"] = "(stored)"
    return response.status_code, headers, body, dict(response.cookies)


def _both(settings, kind: str, **client_options) -> tuple[tuple, tuple, bool]:
    """The answer of the whole list, then of the lean route (the cache's counters emptied before each),
    and whether the lean one skipped the session."""
    answers = []
    skipped = None
    middleware = list(django_settings.MIDDLEWARE)
    for lean in (False, True):
        settings.MIDDLEWARE = [m for m in middleware if lean or m != LEAN]
        caches["default"].clear()
        response = _send(Client(raise_request_exception=False, **client_options), kind)
        answers.append(_answer(response))
        if lean:
            skipped = not hasattr(response.wsgi_request, "session")
    return answers[0], answers[1], skipped


KINDS = ["json", "form", "invalid", "unknown team", "bad json", "text", "nul", "get", "options", "wrong host"]


@pytest.mark.parametrize("kind", KINDS)
def test_the_lean_route_answers_as_the_whole_list(settings, on_shift, kind):
    settings.ALLOWED_HOSTS = ["testserver"]
    whole, lean, skipped = _both(settings, kind)
    assert lean == whole and skipped


def test_production_security_answers_alike(settings, on_shift):
    """HSTS on HTTPS and the redirect of plain HTTP come first, for both."""
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    whole, lean, skipped = _both(settings, "json", HTTP_X_FORWARDED_PROTO="https")
    assert lean == whole and skipped
    assert whole[1]["Strict-Transport-Security"] == "max-age=31536000"
    whole, lean, _ = _both(settings, "plain http")
    assert lean == whole and whole[0] == 301


def test_throttled_alike(settings, on_shift):
    settings.PUBLIC_INTAKE_RATE = "1/hour"
    answers = []
    middleware = list(django_settings.MIDDLEWARE)
    for lean in (False, True):
        settings.MIDDLEWARE = [m for m in middleware if lean or m != LEAN]
        caches["default"].clear()
        client = Client()
        assert _send(client, "json").status_code == 201
        status, headers, body, cookies = _answer(_send(client, "json"))
        # The wait is counted in seconds to the window's end: the two may be a second apart.
        assert 0 < int(headers.pop("Retry-After")) <= 3600
        answers.append((status, headers, re.sub(rb"\d+ seconds?", b"N seconds", body), cookies))
    assert answers[0] == answers[1] and answers[0][0] == 429


def test_an_error_in_the_view_is_answered_alike(settings, on_shift, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("broken")

    monkeypatch.setattr(services, "inquiry_create_public", broken)
    whole, lean, skipped = _both(settings, "json")
    assert lean == whole and whole[0] == 500 and skipped


def test_a_request_with_a_cookie_takes_the_whole_list(settings, on_shift):
    """A stale session cookie is deleted, as the session middleware does on every route."""
    client = Client()
    client.cookies["sessionid"] = "stale"
    response = _send(client, "json")
    assert response.status_code == 201
    assert hasattr(response.wsgi_request, "session")
    assert response.cookies["sessionid"].value == "" and response["Vary"] == "Accept, Cookie"
    assert Inquiry.objects.count() == 1


def test_other_routes_take_the_whole_list(client, on_shift):
    response = client.get("/healthz")
    assert hasattr(response.wsgi_request, "session")
