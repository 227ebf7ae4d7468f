"""Shared plumbing of postmortem writes: who may act, the row lock, the audit row, text checks."""

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from shifts.models import Member, Team
from shifts.selectors import user_manages
from supportops.errors import ConflictError, Forbidden, InvalidInput, NotFoundError

from ..models import Change, Postmortem

STATUS_WORDS = dict(Postmortem.Status.choices)


def state_word(status: str) -> str:
    return STATUS_WORDS.get(status, status).lower()


def require_writer(*, team: Team, actor) -> None:
    """Members of the team (and superusers) write postmortems; others never learn it exists."""
    if actor is None or not actor.is_authenticated:
        raise NotFoundError("Sign in as a member of the team.")
    if actor.is_superuser:
        return
    if not Member.objects.filter(team=team, user=actor, is_active=True).exists():
        raise NotFoundError(f"You are not a member of {team.name}.")


def require_manager(*, team: Team, actor) -> None:
    require_writer(team=team, actor=actor)
    if not user_manages(user=actor, team=team):
        raise Forbidden(f"Only managers of {team.name} can do this.")


def postmortem_lock(*, postmortem: Postmortem) -> Postmortem:
    """Re-read the row under a lock; checks see the committed state, not the caller's copy."""
    locked = Postmortem.objects.select_for_update().get(pk=postmortem.pk)
    if "team" in postmortem._state.fields_cache:
        locked.team = postmortem.team
    return locked


def require_not_closed(postmortem: Postmortem, what: str) -> None:
    if postmortem.status == Postmortem.Status.CLOSED:
        raise ConflictError(f"This postmortem is closed; reopen it to {what}.")


def change_record(
    *, postmortem: Postmortem, kind: str, actor=None, from_value: object = "", to_value: object = ""
) -> Change:
    return Change.objects.create(
        postmortem=postmortem,
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        from_value=str(from_value if from_value is not None else "")[:200],
        to_value=str(to_value if to_value is not None else "")[:200],
    )


def clean_text(value: Any, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    if value is not None and not isinstance(value, str):
        raise InvalidInput(f"{label} must be text.", field=field)
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(f"{label} cannot be empty.", field=field)
    if len(text) > max_length:
        raise InvalidInput(
            f"{label} is too long ({len(text)} characters; at most {max_length}).", field=field
        )
    return text


def clean_date(value: Any, *, field: str, label: str, required: bool = False) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise InvalidInput(f"{label} is required (YYYY-MM-DD).", field=field)
        return None
    if isinstance(value, dt.datetime):
        raise InvalidInput(f"{label} must be a date (YYYY-MM-DD), not a date and time.", field=field)
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(f"{label}: {value!r} is not a date (YYYY-MM-DD).", field=field) from None


def clean_datetime(value: Any, *, field: str, label: str) -> dt.datetime:
    from django.utils import timezone

    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value or ""))
        except ValueError:
            raise InvalidInput(
                f"{label}: {value!r} is not a date and time (ISO 8601).", field=field
            ) from None
    if timezone.is_naive(moment):
        raise InvalidInput(f"{label} needs a time zone offset, e.g. 2026-03-02T14:05+01:00.", field=field)
    return moment


def team_member(*, team: Team, member: Member | int | str | None, field: str = "owner") -> Member | None:
    """An active member of `team` given by instance or id (None stays None), else InvalidInput."""
    if member in (None, ""):
        return None
    member_id = member.pk if isinstance(member, Member) else member
    try:
        member_id = int(member_id)
    except (TypeError, ValueError):
        raise InvalidInput(f"{field} must be a member id.", field=field) from None
    found = Member.objects.filter(pk=member_id, team=team, is_active=True).select_related("user").first()
    if found is None:
        raise InvalidInput(f"No active member {member_id} in {team.name}.", field=field)
    return found


def same_team_inquiries(*, team: Team, inquiries: QuerySet | list) -> list:
    inquiries = list(inquiries)
    strangers = [i.reference for i in inquiries if i.team_id != team.pk]
    if strangers:
        raise InvalidInput(
            f"{', '.join(strangers)} belong(s) to another team; a postmortem covers one team's inquiries.",
            field="inquiries",
        )
    return inquiries
