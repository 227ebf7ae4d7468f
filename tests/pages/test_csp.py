"""Content-Security-Policy: every page says it, and no page needs an inline script, handler or style."""

import re

import pytest

pytestmark = pytest.mark.django_db

INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=\"|\sstyle=\"")


def test_pages_send_a_strict_csp(client, primary):
    client.force_login(primary.user)
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/inquiries/",
        "/calendar/",
        "/rotations/",
        "/backlog/",
        "/postmortems/",
        "/teams/",
        "/inbox/",
        "/profile/",
        "/accounts/login/",
        "/ask/",
    ],
)
def test_no_inline_script_or_style(client, primary, path):
    if path != "/accounts/login/":
        client.force_login(primary.user)
    html = client.get(path).content.decode()
    assert INLINE.findall(html) == []
