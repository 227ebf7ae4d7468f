"""web.middleware: django-csp's and Django's messages middleware made cheap for the requests that do not
use them; every response says what the originals would have said."""

import pytest
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from django.contrib import messages
from django.contrib.messages.middleware import MessageMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from web.middleware import CSPMiddleware, LazyMessageMiddleware

pytestmark = pytest.mark.django_db


def _both(middleware_pair, view, request_factory=RequestFactory):
    """The response of each middleware around the same view, each on a request of its own."""
    answers = []
    for middleware in middleware_pair:
        request = request_factory().get("/somewhere/")
        request.session = {}
        answers.append((request, middleware(view)(request)))
    return answers


def _policy(response, header="Content-Security-Policy") -> set[str] | None:
    value = response.headers.get(header)
    return None if value is None else set(value.split("; "))


def _plain(request):
    return HttpResponse("ok")


def _nonce(request):
    return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")


def _exempt(request):
    response = HttpResponse("ok")
    response._csp_exempt = True
    return response


def _updated(request):
    response = HttpResponse("ok")
    response._csp_update = {"style-src": ["'unsafe-inline'"]}
    return response


@pytest.mark.parametrize("view", [_plain, _nonce, _exempt, _updated])
def test_the_csp_header_is_django_csps(view):
    (_, ours), (_, theirs) = _both((CSPMiddleware, DjangoCSPMiddleware), view)
    assert _policy(ours) == _policy(theirs)
    assert _policy(ours, "Content-Security-Policy-Report-Only") == _policy(
        theirs, "Content-Security-Policy-Report-Only"
    )


def test_a_changed_setting_changes_the_header(settings):
    (_, before), _ = _both((CSPMiddleware, DjangoCSPMiddleware), _plain)
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"img-src": ["'self'"]}}
    (_, ours), (_, theirs) = _both((CSPMiddleware, DjangoCSPMiddleware), _plain)
    assert _policy(ours) == _policy(theirs) == {"default-src 'none'"} != _policy(before)
    assert (
        ours.headers["Content-Security-Policy-Report-Only"]
        == theirs.headers["Content-Security-Policy-Report-Only"]
    )


def test_a_nonce_asked_for_after_the_header_is_an_error():
    (request, _), _ = _both((CSPMiddleware, DjangoCSPMiddleware), _plain)
    with pytest.raises(Exception, match="not available after the CSP header"):
        str(request.csp_nonce)


def test_the_api_docs_keep_their_own_policy(client):
    assert "'unsafe-inline'" in client.get("/api/v1/docs/").headers["Content-Security-Policy"]


def _adds_a_message(request):
    messages.success(request, "Saved.")
    return HttpResponse("ok")


@pytest.mark.parametrize("view", [_plain, _adds_a_message])
def test_messages_are_stored_as_djangos_middleware_stores_them(view, settings):
    settings.MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"
    (_, ours), (_, theirs) = _both((LazyMessageMiddleware, MessageMiddleware), view)
    assert (
        ours.cookies.keys() == theirs.cookies.keys() == ({"messages"} if view is _adds_a_message else set())
    )
    assert dict(ours.headers) == dict(theirs.headers)
