"""Posting a reply back to GitHub: the sender of the outbox's `github` rows.

The row holds the endpoint (`to`) and `{"integration": id, "body": ..., "discussion": node_id?}`; the
access token is read from the integration at send time, so it is never copied into the outbox, and a
token rotated after the reply was queued is the one used. Issues take a REST comment; discussions have
no REST endpoint for comments, so they take GraphQL's addDiscussionComment."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from notices.models import OutboundMessage

TIMEOUT = 10
API_VERSION = "2022-11-28"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect would carry the token to wherever it points (and turn the POST into a GET): refuse it;
    the 3xx is recorded on the outbox row like any failure."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _post(url: str, data: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    """One POST; through the outbound guard of SPEC 3.11 (public addresses only, unless listed in
    OUTBOUND_ALLOWED_HOSTS; pinned address; no redirects) where the project has it."""
    try:
        from supportops.outbound import request as guarded_request
    except ImportError:  # the guard arrives with the channels work; until then a plain no-redirect POST
        guarded_request = None
    if guarded_request is not None:
        response = guarded_request("POST", url, body=data, headers=headers, timeout=TIMEOUT)
        return response.status, response.body
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=TIMEOUT) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def rest_comments_url(*, api_url: str, repository: str, number: int) -> str:
    return f"{api_url.rstrip('/')}/repos/{repository}/issues/{number}/comments"


def graphql_url(api_url: str) -> str:
    """https://api.github.com -> .../graphql; GitHub Enterprise https://host/api/v3 -> https://host/api/graphql."""
    base = api_url.rstrip("/")
    if base.endswith("/api/v3"):
        return base[: -len("/v3")] + "/graphql"
    return base + "/graphql"


ADD_DISCUSSION_COMMENT = (
    "mutation($id: ID!, $body: String!) { addDiscussionComment(input: {discussionId: $id, body: $body}) "
    "{ comment { id } } }"
)


def send_comment(message: OutboundMessage) -> None:
    from .models import Integration

    payload = message.payload or {}
    integration = Integration.objects.filter(pk=payload.get("integration")).first()
    if integration is None or not integration.access_token:
        raise RuntimeError("The GitHub integration is gone or has no access token any more.")
    if payload.get("discussion"):
        data = {
            "query": ADD_DISCUSSION_COMMENT,
            "variables": {"id": payload["discussion"], "body": payload["body"]},
        }
    else:
        data = {"body": payload["body"]}
    headers = {
        "Accept": "application/vnd.github+json",
        "Authorization": f"Bearer {integration.access_token}",
        "Content-Type": "application/json",
        "User-Agent": "SupportOps",
        "X-GitHub-Api-Version": API_VERSION,
    }
    status, answer = _post(message.to, json.dumps(data).encode(), headers)
    if not 200 <= status < 300:
        # Raised, so the outbox records it and retries with backoff (a 3xx too: never followed).
        raise RuntimeError(f"GitHub answered HTTP {status}: {answer[:300].decode(errors='replace')}")
    if payload.get("discussion"):
        errors = (json.loads(answer or b"{}") or {}).get("errors")
        if errors:
            raise RuntimeError(f"GitHub GraphQL refused the comment: {json.dumps(errors)[:500]}")
