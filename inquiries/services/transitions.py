"""The inquiry state machine of SPEC 3.4. Lock, re-check, change, event, effects on commit."""

import datetime as dt

from django.db import transaction
from django.db.models import Q

from supportops.errors import ConflictError, InvalidInput
from supportops.notifications import NoticeKind, notify

from .. import hooks
from ..deadlines import resolution_clock_resume
from ..models import Event, Inquiry, Message
from ..references import reference_filter
from ._common import (
    clean_text,
    close_waiting,
    email_requester,
    event_record,
    inquiry_lock,
    inquiry_path,
    now,
    state_word,
)

REQUESTER_REOPEN_DAYS = 14
S = Inquiry.Status


def _refuse(inquiry: Inquiry, what: str) -> ConflictError:
    return ConflictError(f"Inquiry {inquiry.reference} is {state_word(inquiry)}; {what}")


def _public_reply(*, inquiry: Inquiry, actor, body: str, at: dt.datetime) -> Message:
    message = Message.objects.create(inquiry=inquiry, kind=Message.Kind.REPLY, author=actor, body=body)
    if inquiry.responded_at is None:
        # The first public reply is the response; written once, never moved.
        inquiry.responded_at = at
    author = (actor.get_full_name() or actor.username) if actor is not None else inquiry.team.name
    email_requester(
        inquiry=inquiry,
        subject=f"Re: {inquiry.subject}",
        body=f"{author} replied:\n\n{body}",
        kind="reply",
        automatic=False,
    )
    # E.g. integrations: a requester who asked on GitHub reads the reply there, as a comment (outbox).
    hooks.public_reply(inquiry=inquiry, body=body, author=author)
    return message


def inquiry_respond(*, inquiry: Inquiry, actor, body: str) -> Inquiry:
    """A public reply to the requester; the first one sets `responded_at`."""
    body = clean_text(body, field="body", label="Reply", max_length=20000)
    with transaction.atomic():
        inquiry = inquiry_lock(inquiry=inquiry)
        if inquiry.status == S.RESOLVED:
            raise _refuse(inquiry, "reopen it before replying.")
        at = now()
        before = inquiry.status
        _public_reply(inquiry=inquiry, actor=actor, body=body, at=at)
        close_waiting(inquiry=inquiry, now=at)
        inquiry.status = S.RESPONDED
        inquiry.save()
        event_record(
            inquiry=inquiry,
            kind=Event.Kind.RESPONDED,
            actor=actor,
            from_value=before,
            to_value=inquiry.status,
        )
    return inquiry


def inquiry_add_note(*, inquiry: Inquiry, actor, body: str) -> Message:
    """An internal note: on the timeline for the team, never shown or sent to the requester."""
    body = clean_text(body, field="body", label="Note", max_length=20000)
    with transaction.atomic():
        inquiry = inquiry_lock(inquiry=inquiry)
        message = Message.objects.create(inquiry=inquiry, kind=Message.Kind.NOTE, author=actor, body=body)
        event_record(inquiry=inquiry, kind=Event.Kind.NOTE_ADDED, actor=actor)
    return message


def inquiry_wait(*, inquiry: Inquiry, actor) -> Inquiry:
    """Put a responded inquiry on hold until the requester answers; the resolution clock stops."""
    with transaction.atomic():
        inquiry = inquiry_lock(inquiry=inquiry)
        if inquiry.status == S.NEW:
            raise _refuse(inquiry, "respond to the requester before putting it on wait.")
        if inquiry.status != S.RESPONDED:
            raise _refuse(inquiry, "it cannot be put on wait.")
        inquiry.status = S.WAITING
        inquiry.waiting_since = now()
        inquiry.save()
        event_record(
            inquiry=inquiry, kind=Event.Kind.WAITING, actor=actor, from_value=S.RESPONDED, to_value=S.WAITING
        )
    return inquiry


def inquiry_requester_reply(*, inquiry: Inquiry, body: str) -> Inquiry:
    """The requester answers from the tracking page: `waiting` goes back to `responded` (or `new`)."""
    body = clean_text(body, field="body", label="Reply", max_length=20000)
    with transaction.atomic():
        inquiry = inquiry_lock(inquiry=inquiry)
        if inquiry.status == S.RESOLVED:
            raise _refuse(inquiry, "reopen it to continue the conversation.")
        Message.objects.create(inquiry=inquiry, kind=Message.Kind.REQUEST, body=body)
        before = inquiry.status
        if before == S.WAITING:
            close_waiting(inquiry=inquiry, now=now())
            inquiry.status = S.RESPONDED if inquiry.responded_at else S.NEW
        inquiry.save()
        event_record(
            inquiry=inquiry, kind=Event.Kind.REQUESTER_REPLIED, from_value=before, to_value=inquiry.status
        )
        if inquiry.assignee_id:
            notify(
                recipient=inquiry.assignee.user,
                kind=NoticeKind.REQUESTER_REPLIED,
                title=f"{inquiry.reference}: {inquiry.requester_name} replied",
                body=body[:500],
                link=inquiry_path(inquiry),
                team=inquiry.team,
                inquiry=inquiry,
            )
    return inquiry


def _known_issue(*, inquiry: Inquiry, known_issue: str | int | Inquiry | None) -> tuple[Inquiry | None, str]:
    """A known issue is another inquiry of the same team (reference or id) or a URL."""
    if known_issue in (None, ""):
        return None, ""
    if isinstance(known_issue, Inquiry):
        target = known_issue if known_issue.team_id == inquiry.team_id else None
    else:
        text = str(known_issue).strip()
        if text.startswith(("http://", "https://")):
            if len(text) > 500:
                raise InvalidInput("The known-issue URL is too long (at most 500).", field="known_issue")
            return None, text
        lookup = Q(pk=int(text)) if text.isdigit() else reference_filter(text)
        target = Inquiry.objects.filter(lookup, team_id=inquiry.team_id).first()
    if target is None or target.pk == inquiry.pk:
        raise InvalidInput(
            f"No other inquiry {known_issue!s} in this team to link as the known issue.", field="known_issue"
        )
    return target, ""


def known_issue_reply(*, inquiry: Inquiry, known: Inquiry | None = None, url: str = "") -> str:
    """A public reply that points the requester to the known issue (their private thread never shows
    the other inquiry, so it names it and links whatever public page tracks it)."""
    if known is not None:
        where = known.product_issue_url or known.known_issue_url
        text = (
            f"Hello {inquiry.requester_name},\n\nthis is a known issue that we already follow as "
            f'{known.reference} ("{known.subject}").'
        )
        if where:
            text += f" You can follow its progress here: {where}"
        if known.status == S.RESOLVED and known.resolution_kind != Inquiry.ResolutionKind.KNOWN_ISSUE:
            text += "\n\nIt has been settled; the answer there applies to your question too."
    else:
        text = (
            f"Hello {inquiry.requester_name},\n\nthis is a known issue. You can follow its progress "
            f"here: {url}"
        )
    return text + "\n\nIf this does not answer your question, reply or reopen it and we will look again."


def inquiry_resolve(
    *,
    inquiry: Inquiry,
    actor,
    kind: str,
    seen_event: int | None = None,
    note: str = "",
    product_issue_url: str = "",
    known_issue: str | int | Inquiry | None = None,
    reply: str = "",
    constructive_correction: str | None = None,
    comprehensive_solution: str | None = None,
) -> Inquiry:
    """Settle the inquiry with a resolution kind, optionally with a public reply (maybe the response)."""
    if kind not in Inquiry.ResolutionKind.values:
        choices = ", ".join(Inquiry.ResolutionKind.values)
        raise InvalidInput(f"Unknown resolution kind {kind!r}; use one of {choices}.", field="kind")
    note = clean_text(note, field="note", label="Resolution note", max_length=10000, required=False)
    reply = clean_text(reply, field="reply", label="Reply", max_length=20000, required=False)
    product_issue_url = (product_issue_url or "").strip()
    if len(product_issue_url) > 500:
        raise InvalidInput("The product-issue URL is too long (at most 500).", field="product_issue_url")
    if product_issue_url and not product_issue_url.startswith(("http://", "https://")):
        raise InvalidInput(
            "The product-issue URL must start with http:// or https://.", field="product_issue_url"
        )
    if kind == Inquiry.ResolutionKind.PROMOTED and not product_issue_url:
        raise InvalidInput(
            "Resolving as promoted needs the URL of the product-development issue.", field="product_issue_url"
        )
    extra = {}
    for name, value in (
        ("constructive_correction", constructive_correction),
        ("comprehensive_solution", comprehensive_solution),
    ):
        if value is not None:
            extra[name] = clean_text(
                value, field=name, label=name.replace("_", " ").capitalize(), max_length=10000, required=False
            )
    with transaction.atomic():
        inquiry = inquiry_lock(inquiry=inquiry)
        if inquiry.status == S.RESOLVED:
            raise _refuse(inquiry, "it is already resolved.")
        if seen_event is not None and inquiry.events.filter(pk__gt=seen_event).exists():
            # What the member confirmed is not what is there now (the requester reopened or replied).
            raise _refuse(inquiry, "it changed since you looked at it: read it again before resolving it.")
        linked, linked_url = _known_issue(inquiry=inquiry, known_issue=known_issue)
        if kind == Inquiry.ResolutionKind.KNOWN_ISSUE and linked is None and not linked_url:
            raise InvalidInput(
                "Resolving as a known issue needs the known inquiry's reference or the issue's URL.",
                field="known_issue",
            )
        at = now()
        before = inquiry.status
        if reply:
            _public_reply(inquiry=inquiry, actor=actor, body=reply, at=at)
        close_waiting(inquiry=inquiry, now=at)
        inquiry.status = S.RESOLVED
        inquiry.resolved_at = at
        inquiry.resolution_kind = kind
        inquiry.resolution_note = note
        inquiry.product_issue_url = product_issue_url
        inquiry.known_issue = linked
        inquiry.known_issue_url = linked_url
        for name, value in extra.items():
            setattr(inquiry, name, value)
        inquiry.save()
        event_record(
            inquiry=inquiry,
            kind=Event.Kind.RESOLVED,
            actor=actor,
            from_value=before,
            to_value=f"resolved ({kind})",
            note=note,
        )
        if not reply:
            pointer = ""
            if kind == Inquiry.ResolutionKind.KNOWN_ISSUE:
                pointer = (
                    f' It is a known issue, followed as {linked.reference} ("{linked.subject}").'
                    if linked is not None
                    else f" It is a known issue, followed here: {linked_url}"
                )
            email_requester(
                inquiry=inquiry,
                subject=f"Resolved: {inquiry.subject}",
                body=f"Hello {inquiry.requester_name},\n\nyour question has been marked as resolved."
                f"{pointer} If it is not settled for you, you can reopen it within "
                f"{REQUESTER_REOPEN_DAYS} days.",
            )
        if inquiry.serious:
            # postmortems drafts one (inquiries.hooks), in this transaction.
            hooks.serious_resolved(inquiry=inquiry, actor=actor)
    return inquiry


def inquiry_reopen(*, inquiry: Inquiry, actor=None, by_requester: bool = False, body: str = "") -> Inquiry:
    """Back to work: members any time, the requester within 14 days of the resolution."""
    body = clean_text(body, field="body", label="Message", max_length=20000, required=False)
    with transaction.atomic():
        inquiry = inquiry_lock(inquiry=inquiry)
        if inquiry.status != S.RESOLVED:
            raise _refuse(inquiry, "only resolved inquiries can be reopened.")
        at = now()
        if by_requester and at - inquiry.resolved_at > dt.timedelta(days=REQUESTER_REOPEN_DAYS):
            raise ConflictError(
                f"Inquiry {inquiry.reference} was resolved more than {REQUESTER_REOPEN_DAYS} days ago; "
                "please ask a new question instead."
            )
        if body:
            Message.objects.create(inquiry=inquiry, kind=Message.Kind.REQUEST, body=body)
        # The time it stood resolved is not held against the team, like time waiting on the requester.
        resolution_clock_resume(inquiry=inquiry, stopped_at=inquiry.resolved_at, now=at)
        inquiry.status = S.RESPONDED if inquiry.responded_at else S.NEW
        inquiry.resolved_at = None
        inquiry.resolution_kind = ""
        inquiry.save()
        event_record(
            inquiry=inquiry,
            kind=Event.Kind.REOPENED,
            actor=None if by_requester else actor,
            from_value=S.RESOLVED,
            to_value=inquiry.status,
            note="by the requester" if by_requester else "",
        )
        if by_requester and inquiry.assignee_id:
            notify(
                recipient=inquiry.assignee.user,
                kind=NoticeKind.REOPENED,
                title=f"{inquiry.reference} reopened by {inquiry.requester_name}",
                body=body[:500],
                link=inquiry_path(inquiry),
                team=inquiry.team,
                inquiry=inquiry,
            )
    return inquiry
