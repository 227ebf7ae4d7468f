"""The review workflow: draft → in_review → discussed (with the meeting date) → closed, and back to draft.

Each move has the one shape: check the input, lock the row, re-check the state (409 naming it), change,
write the audit row, and queue notifications to go out on commit."""

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from shifts.models import Member
from supportops.errors import ConflictError
from supportops.notifications import Notice, NoticeKind, notify_many

from ..models import Postmortem
from ._common import change_record, clean_date, postmortem_lock, require_manager, require_writer, state_word

S = Postmortem.Status


def _move(*, postmortem: Postmortem, actor, allowed_from: tuple[str, ...], to: str, verb: str) -> Postmortem:
    """Lock, re-check, move. The caller has checked permissions and input, and finishes inside the
    same transaction (it must be called within `transaction.atomic`)."""
    locked = postmortem_lock(postmortem=postmortem)
    if locked.status not in allowed_from:
        allowed = " or ".join(state_word(s) for s in allowed_from)
        raise ConflictError(
            f"Cannot {verb} a postmortem that is {state_word(locked.status)}; it must be {allowed}."
        )
    change_record(postmortem=locked, kind="status", actor=actor, from_value=locked.status, to_value=to)
    locked.status = to
    return locked


def postmortem_submit(*, postmortem: Postmortem, actor) -> Postmortem:
    """Ask for review; the team's managers are told (in-app, email, webhook) once this commits."""
    require_writer(team=postmortem.team, actor=actor)
    with transaction.atomic():
        locked = _move(
            postmortem=postmortem, actor=actor, allowed_from=(S.DRAFT,), to=S.IN_REVIEW, verb="submit"
        )
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["status", "submitted_at", "updated_at"])
        managers = [
            m.user
            for m in Member.objects.filter(team=locked.team, role=Member.Role.MANAGER, is_active=True)
            .select_related("user")
            .exclude(user=actor)
        ]
        by = actor.get_full_name() or actor.username
        notify_many(
            [
                Notice(
                    recipients=managers,
                    kind=NoticeKind.POSTMORTEM_IN_REVIEW,
                    title=f"Postmortem to review: {locked.title}"[:200],
                    body=f"{by} submitted a postmortem for the next meeting of {locked.team.name}.",
                    link=reverse("postmortem-detail", args=[locked.pk]),
                    team=locked.team,
                )
            ]
        )
    return locked


def postmortem_discuss(*, postmortem: Postmortem, actor, meeting_date: Any) -> Postmortem:
    """Record that the meeting discussed it, and on which day."""
    require_manager(team=postmortem.team, actor=actor)
    day = clean_date(meeting_date, field="meeting_date", label="Meeting date", required=True)
    with transaction.atomic():
        locked = _move(
            postmortem=postmortem, actor=actor, allowed_from=(S.IN_REVIEW,), to=S.DISCUSSED, verb="discuss"
        )
        locked.meeting_date = day
        locked.save(update_fields=["status", "meeting_date", "updated_at"])
    return locked


def postmortem_close(*, postmortem: Postmortem, actor) -> Postmortem:
    require_manager(team=postmortem.team, actor=actor)
    with transaction.atomic():
        locked = _move(
            postmortem=postmortem, actor=actor, allowed_from=(S.DISCUSSED,), to=S.CLOSED, verb="close"
        )
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "closed_at", "updated_at"])
    return locked


def postmortem_reopen(*, postmortem: Postmortem, actor) -> Postmortem:
    """Back to draft. Withdrawing from review is the writers' call; undoing a discussion or a close is a
    manager's. The meeting date stays as a record of the earlier discussion."""
    require_writer(team=postmortem.team, actor=actor)
    with transaction.atomic():
        # Who may reopen depends on the state, so decide under the lock, not on the caller's copy.
        if postmortem_lock(postmortem=postmortem).status in (S.DISCUSSED, S.CLOSED):
            require_manager(team=postmortem.team, actor=actor)
        locked = _move(
            postmortem=postmortem,
            actor=actor,
            allowed_from=(S.IN_REVIEW, S.DISCUSSED, S.CLOSED),
            to=S.DRAFT,
            verb="reopen",
        )
        locked.closed_at = None
        locked.save(update_fields=["status", "closed_at", "updated_at"])
    return locked
