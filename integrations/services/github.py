"""GitHub webhook events -> inquiries, requester replies, notes and events; replies -> GitHub comments.

An opened issue or created discussion (with one of the integration's labels, if it has any) becomes an
inquiry on channel `github`; the author's later comments are requester replies, anyone else's are
internal notes naming them. Every public reply on such an inquiry is queued in the outbox as a comment
when the integration has an access token. Our own comments come back as `issue_comment` deliveries: the
hidden marker they carry lets us skip them instead of filing our reply as someone's note."""

from __future__ import annotations

from typing import Any

from inquiries.models import Event, Inquiry
from inquiries.services import (
    event_record,
    inquiry_add_note,
    inquiry_create,
    inquiry_reopen,
    inquiry_requester_reply,
)
from notices.models import OutboundMessage
from supportops.errors import ConflictError
from supportops.notifications import outbox_add

from ..github_api import graphql_url, rest_comments_url
from ..models import Delivery, Integration, Link
from ._result import Result

MARKER = "<!-- supportops:"
MAX_TEXT = 19_000
CREATED, UPDATED, IGNORED = Delivery.Outcome.CREATED, Delivery.Outcome.UPDATED, Delivery.Outcome.IGNORED


def _login(obj: dict | None) -> str:
    return str(((obj or {}).get("user") or {}).get("login") or "someone")[:100]


def _text(value: Any, empty: str) -> str:
    text = str(value or "").strip()
    if not text:
        return empty
    if len(text) > MAX_TEXT:
        return text[:MAX_TEXT] + "\n\n[… truncated; the full text is on GitHub]"
    return text


def _key(kind: str, obj: dict) -> str:
    return f"{kind}:{obj.get('id')}"


def _link(integration: Integration, kind: str, obj: dict) -> Link | None:
    return (
        Link.objects.filter(integration=integration, key=_key(kind, obj), active=True)
        .select_related("inquiry__team", "inquiry__assignee__user")
        .first()
    )


def _labels_match(integration: Integration, obj: dict) -> bool:
    if not integration.labels:
        return True
    wanted = {label.lower() for label in integration.labels}
    have = {str((label or {}).get("name", "")).lower() for label in obj.get("labels") or []}
    return bool(wanted & have)


def _open(integration: Integration, kind: str, obj: dict, payload: dict) -> Result:
    if not isinstance(obj, dict) or obj.get("id") is None:
        return Result(IGNORED, f"no {kind} in the payload")
    if _link(integration, kind, obj) is not None:
        return Result(IGNORED, f"{kind} already tracked")
    if not _labels_match(integration, obj):
        return Result(IGNORED, f"{kind} has none of the labels {', '.join(integration.labels)}")
    repository = str((payload.get("repository") or {}).get("full_name") or "")[:200]
    login = _login(obj)
    inquiry = inquiry_create(
        team=integration.team,
        subject=_text(obj.get("title"), "(no title)")[:200],
        body=_text(obj.get("body"), "(no description)"),
        requester_name=login[:120],
        requester_email="",
        channel=Inquiry.Channel.GITHUB,
        source_url=str(obj.get("html_url") or "")[:500],
    )
    Link.objects.create(
        integration=integration,
        inquiry=inquiry,
        kind=kind,
        key=_key(kind, obj),
        author_login=login,
        repository=repository,
        number=obj.get("number") if isinstance(obj.get("number"), int) else None,
        node_id=str(obj.get("node_id") or "")[:100],
    )
    return Result(CREATED, f"{kind} {repository}#{obj.get('number')} opened {inquiry.reference}", inquiry)


def _comment(integration: Integration, kind: str, obj: dict, comment: dict) -> Result:
    link = _link(integration, kind, obj)
    if link is None:
        return Result(IGNORED, f"comment on an untracked {kind}")
    inquiry = link.inquiry
    body = str(comment.get("body") or "")
    if MARKER in body:
        return Result(IGNORED, "our own reply, posted back", inquiry)
    login = _login(comment)
    text = _text(body, "(empty comment)")
    if login.lower() == link.author_login.lower():
        if inquiry.status == Inquiry.Status.RESOLVED:
            try:
                inquiry_reopen(inquiry=inquiry, by_requester=True, body=text)
                return Result(UPDATED, f"@{login} commented: reopened {inquiry.reference}", inquiry)
            except ConflictError:
                # Resolved too long ago for the requester to reopen: the team still sees the comment.
                inquiry_add_note(
                    inquiry=inquiry, actor=None, body=f"@{login} (the author) commented on GitHub:\n\n{text}"
                )
                return Result(UPDATED, f"@{login} commented on a long-resolved {inquiry.reference}", inquiry)
        inquiry_requester_reply(inquiry=inquiry, body=text)
        return Result(UPDATED, f"@{login} replied on {inquiry.reference}", inquiry)
    url = str(comment.get("html_url") or "")
    where = f" ({url})" if url else ""
    inquiry_add_note(inquiry=inquiry, actor=None, body=f"GitHub comment by @{login}{where}:\n\n{text}")
    return Result(UPDATED, f"@{login} commented on {inquiry.reference} (internal note)", inquiry)


def _event(integration: Integration, kind: str, obj: dict, *, name: str, note: str) -> Result:
    link = _link(integration, kind, obj)
    if link is None:
        return Result(IGNORED, f"{name} on an untracked {kind}")
    event_record(inquiry=link.inquiry, kind=name, note=note)
    return Result(UPDATED, f"{note} ({link.inquiry.reference})", link.inquiry)


def _issues(integration: Integration, payload: dict) -> Result:
    action = payload.get("action")
    issue = payload.get("issue") or {}
    sender = _login({"user": payload.get("sender")})
    if action == "opened":
        return _open(integration, Link.Kind.ISSUE, issue, payload)
    if action == "labeled":
        if _link(integration, Link.Kind.ISSUE, issue) is None:
            # Labelled later with a label the integration watches: that is when it becomes an inquiry.
            return _open(integration, Link.Kind.ISSUE, issue, payload)
        label = str((payload.get("label") or {}).get("name") or "")[:100]
        return _event(
            integration,
            Link.Kind.ISSUE,
            issue,
            name=Event.Kind.GITHUB_LABELED,
            note=f"Labelled {label!r} by @{sender}",
        )
    if action == "edited":
        changes = payload.get("changes") or {}
        what = ", ".join(sorted(changes)) or "issue"
        note = f"Edited on GitHub by @{sender} ({what})"
        if "title" in changes:
            note += f": now {str(issue.get('title') or '')[:200]!r}"
        return _event(integration, Link.Kind.ISSUE, issue, name=Event.Kind.GITHUB_EDITED, note=note)
    if action == "closed":
        return _event(
            integration,
            Link.Kind.ISSUE,
            issue,
            name=Event.Kind.GITHUB_CLOSED,
            note=f"Issue closed on GitHub by @{sender}",
        )
    if action == "reopened":
        link = _link(integration, Link.Kind.ISSUE, issue)
        if link is None:
            return Result(IGNORED, "reopened an untracked issue")
        if link.inquiry.status == Inquiry.Status.RESOLVED:
            inquiry_reopen(inquiry=link.inquiry, actor=None)
        event_record(
            inquiry=link.inquiry,
            kind=Event.Kind.GITHUB_REOPENED,
            note=f"Issue reopened on GitHub by @{sender}",
        )
        return Result(UPDATED, f"issue reopened: {link.inquiry.reference}", link.inquiry)
    return Result(IGNORED, f"issues.{action} is not used")


def _discussion(integration: Integration, payload: dict) -> Result:
    action = payload.get("action")
    discussion = payload.get("discussion") or {}
    if action == "created":
        return _open(integration, Link.Kind.DISCUSSION, discussion, payload)
    if action == "answered":
        answer = payload.get("answer") or {}
        note = f"Discussion answered on GitHub by @{_login(answer)}"
        if answer.get("body"):
            note += f":\n\n{_text(answer.get('body'), '')}"
        return _event(
            integration, Link.Kind.DISCUSSION, discussion, name=Event.Kind.GITHUB_ANSWERED, note=note
        )
    if action == "labeled" and _link(integration, Link.Kind.DISCUSSION, discussion) is None:
        return _open(integration, Link.Kind.DISCUSSION, discussion, payload)
    return Result(IGNORED, f"discussion.{action} is not used")


def github_handle(*, integration: Integration, event: str, payload: dict) -> Result:
    """Apply one GitHub event; runs inside the delivery's transaction, under the integration's lock."""
    if event == "ping":
        return Result(IGNORED, f"ping: {str(payload.get('zen') or 'hello')[:200]}")
    if event == "issues":
        return _issues(integration, payload)
    if event == "issue_comment":
        if payload.get("action") != "created":
            return Result(IGNORED, f"issue_comment.{payload.get('action')} is not used")
        return _comment(
            integration, Link.Kind.ISSUE, payload.get("issue") or {}, payload.get("comment") or {}
        )
    if event == "discussion":
        return _discussion(integration, payload)
    if event == "discussion_comment":
        if payload.get("action") != "created":
            return Result(IGNORED, f"discussion_comment.{payload.get('action')} is not used")
        return _comment(
            integration, Link.Kind.DISCUSSION, payload.get("discussion") or {}, payload.get("comment") or {}
        )
    return Result(IGNORED, f"event {event!r} is not used")


def github_comment_queue(*, inquiry: Inquiry, body: str, author: str) -> OutboundMessage | None:
    """Queue a public reply as a comment on the inquiry's issue or discussion (in the caller's transaction,
    sent after commit, retried by the outbox). Nothing without an access token."""
    link = Link.objects.filter(inquiry=inquiry).select_related("integration").first()
    if link is None or link.kind == Link.Kind.ALERT_GROUP:
        return None
    integration = link.integration
    if not integration.active or not integration.access_token:
        return None
    text = f"{body}\n\n— {author}, {inquiry.team.name} support\n{MARKER}{inquiry.reference} -->"
    if link.kind == Link.Kind.ISSUE:
        if not link.repository or link.number is None:
            return None
        to = rest_comments_url(api_url=integration.api_url, repository=link.repository, number=link.number)
        payload: dict[str, Any] = {"integration": integration.pk, "body": text}
    else:
        if not link.node_id:
            return None
        to = graphql_url(integration.api_url)
        payload = {"integration": integration.pk, "body": text, "discussion": link.node_id}
    message = OutboundMessage(channel=OutboundMessage.Channel.GITHUB, to=to, payload=payload, inquiry=inquiry)
    return outbox_add([message])[0]


def github_reply_as_comment(*, inquiry: Inquiry, body: str, author: str) -> None:
    """Registered with inquiries.hooks: a public reply to an inquiry that came from GitHub."""
    if inquiry.channel == Inquiry.Channel.GITHUB:
        github_comment_queue(inquiry=inquiry, body=body, author=author)
