"""The public intake's answer carries exactly these headers, whatever makes the middleware cheaper for it
(issue 16): every security header, the Vary the session and content negotiation add, nothing more."""

import pytest

from tests.factories import PUBLIC_FORM

pytestmark = pytest.mark.django_db

FORM = PUBLIC_FORM
CSP = (
    "base-uri 'self'; frame-ancestors 'none'; script-src 'self'; default-src 'self'; style-src 'self'; "
    "connect-src 'self'; form-action 'self'; object-src 'none'; img-src 'self' data:; font-src 'self' data:"
)


def _headers(response) -> dict:
    """The headers, the request id's and length's values checked apart and the policy's directives as a
    set (django-csp writes them in an order that varies between processes)."""
    headers = dict(response.headers)
    assert len(headers.pop("X-Request-ID")) == 32
    assert int(headers.pop("Content-Length")) == len(response.content)
    headers["Content-Security-Policy"] = set(headers["Content-Security-Policy"].split("; "))
    return headers


def test_a_submission_answers_with_exactly_these_headers(client, on_shift):
    response = client.post("/api/v1/public/inquiries/", FORM, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.cookies == {}  # no session, CSRF or messages cookie
    assert _headers(response) == {
        "Allow": "POST, OPTIONS",
        "Vary": "Accept, Cookie",
        "Content-Type": "application/json",
        "X-Frame-Options": "DENY",
        "Content-Security-Policy": set(CSP.split("; ")),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
    }


@pytest.mark.parametrize("secure", [False, True])
def test_production_adds_hsts_and_redirects_plain_http(client, on_shift, settings, secure):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    extra = {"HTTP_X_FORWARDED_PROTO": "https"} if secure else {}
    response = client.post("/api/v1/public/inquiries/", FORM, content_type="application/json", **extra)
    if not secure:
        assert response.status_code == 301 and response["Location"].startswith("https://")
        return
    assert response.status_code == 201, response.content
    headers = _headers(response)
    assert headers.pop("Strict-Transport-Security") == "max-age=31536000; includeSubDomains"
    assert headers["Content-Security-Policy"] == set(CSP.split("; ")) and headers["Vary"] == "Accept, Cookie"
