"""A NUL byte (%00) in a path, a query or a form field answers 400 or 404, never 500, on every route:
enumerated from the URL resolver, as the tenancy test does, for an anonymous visitor and a signed-in
manager."""

import re

import pytest
from django.test import Client

from tests.factories import make_member, make_team
from tests.security.test_tenancy import routes

pytestmark = pytest.mark.django_db

CONVERTER = re.compile(r"<(?:(\w+):)?\w+>")
REGEX_GROUP = re.compile(r"\(\?P<\w+>[^)]*\)")


def _urls(pattern: str) -> list[str]:
    """The route with a NUL inside each text parameter (ids stay numbers), and clean for the query test."""

    def fill(match: re.Match, nul: bool) -> str:
        return "1" if match.group(1) == "int" else ("ab%00cd" if nul else "abcd")

    clean = REGEX_GROUP.sub("abcd", CONVERTER.sub(lambda m: fill(m, False), pattern))
    with_nul = REGEX_GROUP.sub("ab%00cd", CONVERTER.sub(lambda m: fill(m, True), pattern))
    clean = "/" + clean.lstrip("^").rstrip("$")
    with_nul = "/" + with_nul.lstrip("^").rstrip("$")
    urls = [clean + "?q=%00&team=ab%00cd&page=1%00", clean + "%00"]
    if with_nul != clean:
        urls.append(with_nul)
    return urls


@pytest.fixture
def signed_in(db):
    team = make_team(slug="nul", name="NUL Team")
    manager = make_member(team, "nul_manager", role="manager")
    client = Client(raise_request_exception=False)
    client.force_login(manager.user)
    return client


def test_nul_bytes_never_give_a_server_error_on_any_route(signed_in):
    anonymous = Client(raise_request_exception=False)
    problems, calls = [], 0
    for pattern, name in routes():
        for url in _urls(pattern):
            for who, client in (("anonymous", anonymous), ("manager", signed_in)):
                for method in ("GET", "POST"):
                    calls += 1
                    if method == "GET":
                        response = client.get(url)
                    else:
                        response = client.post(url, {"body": "a\x00b", "subject": "x%00"})
                    if response.status_code not in (400, 404):
                        problems.append(f"{who} {method} {url} ({name}): {response.status_code}")
    assert calls > 500
    assert not problems, "\n".join(problems)


def test_nul_in_a_form_field_or_json_body_is_400(signed_in):
    from inquiries.models import Inquiry

    form = {"name": "Lea", "email": "lea@example.org", "subject": "Kernel\x00dies", "body": "b"}
    assert signed_in.post("/ask/nul/", form).status_code == 400  # multipart, as browsers may send
    assert (
        signed_in.post(
            "/ask/nul/", "name=Lea&subject=a%00b", content_type="application/x-www-form-urlencoded"
        ).status_code
        == 400
    )
    assert not Inquiry.objects.exists()
    response = signed_in.post("/api/v1/teams/", '{"name": "x\\u0000y"}', content_type="application/json")
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]
    # An escaped backslash before "u0000" is text, not a NUL.
    response = signed_in.post(
        "/api/v1/teams/", '{"name": "x\\\\u0000y", "slug": "esc"}', content_type="application/json"
    )
    assert response.status_code == 201


def test_nul_in_the_tracking_and_feed_tokens_is_404_or_400(db):
    client = Client(raise_request_exception=False)
    for url in ("/track/abc%00def/", "/calendar/abc%00def.ics", "/track/abc/?welcome=%00"):
        assert client.get(url).status_code in (400, 404), url
