"""Shared plumbing of inquiry transitions: the row lock, the timeline row and requester emails."""

import datetime as dt
from typing import Any

from django.utils import timezone

from shifts.models import Member, Team
from supportops.errors import InvalidInput, NotFoundError
from supportops.notifications import email_message, outbox_add

from ..links import inquiry_path, tracking_url, tracking_url_for_token  # noqa: F401
from ..models import Event, Inquiry

STATUS_WORDS = dict(Inquiry.Status.choices)


def inquiry_lock(*, inquiry: Inquiry) -> Inquiry:
    """Re-read the row under a lock; checks see the committed state, not the caller's copy."""
    locked = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    # The team never changes; reuse the caller's instance instead of a join (a join would lock it too).
    if "team" in inquiry._state.fields_cache:
        locked.team = inquiry.team
    return locked


def state_word(inquiry: Inquiry) -> str:
    return STATUS_WORDS.get(inquiry.status, inquiry.status).lower()


def event_record(
    *,
    inquiry: Inquiry,
    kind: str,
    actor=None,
    from_value: object = "",
    to_value: object = "",
    note: str = "",
) -> Event:
    return Event.objects.create(
        inquiry=inquiry,
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        from_value=str(from_value if from_value is not None else "")[:200],
        to_value=str(to_value if to_value is not None else "")[:200],
        note=note,
    )


def local_time(at: dt.datetime, team: Team) -> str:
    """An instant as the team reads it (Team.local_time)."""
    return team.local_time(at)


def requester_email_message(
    *, inquiry: Inquiry, subject: str, body: str, cc: str = "", kind: str = "notice", automatic: bool = True
) -> Any | None:
    """The unsaved email to the requester with their private tracking link (for `outbox_add`; a
    notices.models.OutboundMessage); None when they have no address here (GitHub and alert requesters:
    GitHub replies go back as comments)."""
    if not inquiry.requester_email:
        return None
    footer = (
        f"\n\nFollow your question, reply or reopen it here (a private link, do not share it):\n"
        f"{tracking_url(inquiry)}\n\nReference: {inquiry.reference}"
    )
    return email_message(
        to=inquiry.requester_email,
        cc=cc,
        subject=f"[{inquiry.reference}] {subject}",
        body=body.rstrip() + footer,
        inquiry=inquiry,
        kind=kind,
        automatic=automatic,
    )


def email_requester(
    *, inquiry: Inquiry, subject: str, body: str, cc: str = "", kind: str = "notice", automatic: bool = True
) -> None:
    message = requester_email_message(
        inquiry=inquiry, subject=subject, body=body, cc=cc, kind=kind, automatic=automatic
    )
    if message is not None:
        outbox_add([message])


def member_of_team(*, team: Team, member: Member | int | None) -> Member:
    """The active member of `team` given by instance or id, else InvalidInput naming it."""
    member_id = member.pk if isinstance(member, Member) else member
    found = (
        Member.objects.filter(pk=member_id, team=team, is_active=True).select_related("user").first()
        if member_id is not None
        else None
    )
    if found is None:
        raise InvalidInput(f"No active member {member_id} in {team.name}.", field="member")
    return found


def actor_member(*, team: Team, actor) -> Member | None:
    if actor is None or not actor.is_authenticated:
        return None
    return Member.objects.filter(team=team, user=actor, is_active=True).select_related("user").first()


def require_actor_member(*, team: Team, actor) -> Member:
    member = actor_member(team=team, actor=actor)
    if member is None:
        raise NotFoundError(f"You are not a member of {team.name}.")
    return member


def close_waiting(*, inquiry: Inquiry, now: dt.datetime) -> None:
    """Leaving `waiting`: add the time spent waiting on the requester (not in the resolution target)."""
    from ..deadlines import resolution_clock_resume

    if inquiry.waiting_since is not None:
        inquiry.waiting_seconds += max(0, int((now - inquiry.waiting_since).total_seconds()))
        resolution_clock_resume(inquiry=inquiry, stopped_at=inquiry.waiting_since, now=now)
        inquiry.waiting_since = None


def clean_text(value: str | None, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(f"{label} cannot be empty.", field=field)
    if len(text) > max_length:
        raise InvalidInput(
            f"{label} is too long ({len(text)} characters; at most {max_length}).", field=field
        )
    return text


def now() -> dt.datetime:
    return timezone.now()
