"""Fixtures for integration tests: a team with a Primary and a Secondary on shift, integrations,
GitHub's published webhook payloads signed like GitHub signs them, and a stand-in GitHub API."""

import datetime as dt
import hashlib
import hmac
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.utils import timezone

from integrations import services
from tests.factories import ALWAYS, ShiftFactory

FIXTURES = Path(__file__).parent / "fixtures"
SECRET = "It's a Secret to Everybody"


def published(name: str) -> dict:
    """One of GitHub's published webhook examples (octokit/webhooks payload-examples/api.github.com)."""
    return json.loads((FIXTURES / "github" / f"{name}.json").read_text())


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@pytest.fixture
def alert_team(team):
    team.coverage = ALWAYS
    team.save()
    return team


@pytest.fixture
def secondary(team):
    from tests.factories import make_member

    return make_member(team, "sam", percent_time=100)


@pytest.fixture
def on_shift(alert_team, primary, secondary):
    """`primary` and `secondary` on shift in `ads` from an hour ago for a day."""
    now = timezone.now()
    for role, member in (("primary", primary), ("secondary", secondary)):
        ShiftFactory(
            team=alert_team,
            role=role,
            member=member,
            starts_at=now - dt.timedelta(hours=1),
            ends_at=now + dt.timedelta(hours=23),
        )
    return alert_team


@pytest.fixture
def github(on_shift):
    return services.integration_create(
        team=on_shift, data={"kind": "github", "name": "Codertocat/Hello-World", "secret": SECRET}
    )


@pytest.fixture
def deliver_github(client):
    """POST a payload to an integration's URL as GitHub does: JSON, event header, delivery id, signature."""

    def post(
        integration,
        event: str,
        payload: dict,
        *,
        delivery: str | None = None,
        secret: str | None = SECRET,
        sign: str | None = None,
    ):
        body = json.dumps(payload).encode()
        headers = {
            "HTTP_X_GITHUB_EVENT": event,
            "HTTP_X_GITHUB_DELIVERY": delivery or str(uuid.uuid4()),
            "HTTP_USER_AGENT": "GitHub-Hookshot/abc123",
        }
        if sign is not None:
            headers["HTTP_X_HUB_SIGNATURE_256"] = sign
        elif secret is not None:
            headers["HTTP_X_HUB_SIGNATURE_256"] = signature(secret, body)
        return client.post(f"/hooks/{integration.token}/", body, content_type="application/json", **headers)

    return post


class StandInGitHub:
    """A local HTTP server answering like GitHub's REST/GraphQL API and recording every request."""

    def __init__(self, status: int = 201):
        self.requests: list[dict] = []
        self.status = status
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                recorder.requests.append(
                    {
                        "path": self.path,
                        "headers": dict(self.headers),
                        "json": json.loads(self.rfile.read(length)),
                    }
                )
                answer = json.dumps({"id": len(recorder.requests)}).encode()
                self.send_response(recorder.status)
                if 300 <= recorder.status < 400:
                    self.send_header("Location", "/elsewhere")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def github_api():
    with StandInGitHub() as api:
        yield api
