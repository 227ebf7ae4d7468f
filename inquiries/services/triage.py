"""Assignment and triage fields of an inquiry (SPEC 3.3)."""

import datetime as dt
from typing import Any

from django.db import transaction

from shifts.models import Member
from supportops.errors import ConflictError, InvalidInput
from supportops.notifications import NoticeKind, notify

from ..models import Event, Inquiry
from ._common import clean_text, event_record, inquiry_lock, inquiry_path, member_of_team, state_word
from .intake import topic_resolve

TRIAGE_FIELDS = (
    "priority",
    "urgency",
    "actionable",
    "reproducible",
    "topic",
    "serious",
    "keep",
    "handoff_note",
    "constructive_correction",
    "comprehensive_solution",
)
TEXT_LIMITS = {"handoff_note": 4000, "constructive_correction": 10000, "comprehensive_solution": 10000}


def _assign_locked(*, inquiry: Inquiry, actor, target: Member) -> bool:
    """Give the locked inquiry to `target`; True if it changed hands (the caller holds the lock)."""
    if inquiry.status == Inquiry.Status.RESOLVED:
        raise ConflictError(
            f"Inquiry {inquiry.reference} is {state_word(inquiry)}; reopen it before assigning it."
        )
    if inquiry.assignee_id == target.pk:
        return False
    before = inquiry.assignee.display_name if inquiry.assignee_id else ""
    inquiry.assignee = target
    event_record(
        inquiry=inquiry,
        kind=Event.Kind.ASSIGNED,
        actor=actor,
        from_value=before,
        to_value=target.display_name,
    )
    if target.user_id != getattr(actor, "pk", None):
        notify(
            recipient=target.user,
            kind=NoticeKind.ASSIGNED,
            title=f"{inquiry.reference} assigned to you: {inquiry.subject}",
            body=f"Assigned by {actor.get_full_name() or actor.username}." if actor else "",
            link=inquiry_path(inquiry),
            team=inquiry.team,
            inquiry=inquiry,
        )
    return True


def inquiry_assign(*, inquiry: Inquiry, actor, member: Member | int) -> Inquiry:
    """Give the inquiry to another member of its team; they are told in-app and by email."""
    target = member_of_team(team=inquiry.team, member=member)
    return inquiry_update(inquiry=inquiry, actor=actor, data={"assignee": target})


def _clean_triage(inquiry: Inquiry, data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(TRIAGE_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown or read-only field(s): {', '.join(sorted(unknown))}.")
    cleaned: dict[str, Any] = {}
    for name, value in data.items():
        if name == "priority" and value not in Inquiry.Priority.values:
            raise InvalidInput(f"Unknown priority {value!r}.", field=name)
        if name == "reproducible" and value not in Inquiry.Reproducible.values:
            raise InvalidInput(f"reproducible must be yes, no or unknown, not {value!r}.", field=name)
        if name == "urgency" and value is not None and not isinstance(value, dt.date):
            raise InvalidInput("urgency must be a date (YYYY-MM-DD) or empty.", field=name)
        if name in ("serious", "keep") and not isinstance(value, bool):
            raise InvalidInput(f"{name} must be true or false.", field=name)
        if name == "actionable" and value is not None and not isinstance(value, bool):
            raise InvalidInput("actionable must be true, false or empty.", field=name)
        if name == "topic":
            value = topic_resolve(team=inquiry.team, topic=value)
        if name in TEXT_LIMITS:
            value = clean_text(
                value,
                field=name,
                label=name.replace("_", " ").capitalize(),
                max_length=TEXT_LIMITS[name],
                required=False,
            )
        cleaned[name] = value
    return cleaned


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def inquiry_update(*, inquiry: Inquiry, actor, data: dict[str, Any]) -> Inquiry:
    """Every composite edit of an inquiry (triage fields, handoff preferences, assignee) in ONE
    transaction: everything is validated before anything is written, so a bad field saves nothing.
    One timeline event per field that actually changed."""
    team = inquiry.team
    data = dict(data)
    target = None
    if "assignee" in data:
        try:
            target = member_of_team(team=team, member=data.pop("assignee"))
        except InvalidInput as error:
            raise InvalidInput(error.message, field="assignee") from None
    cleaned = _clean_triage(inquiry, data)
    with transaction.atomic():
        inquiry = inquiry_lock(inquiry=inquiry)
        inquiry.team = team
        changed = []
        for name, value in cleaned.items():
            current = getattr(inquiry, name)
            if current == value:
                continue
            setattr(inquiry, name, value)
            changed.append(name)
            long_text = name in TEXT_LIMITS
            event_record(
                inquiry=inquiry,
                kind=f"{name}_changed",
                actor=actor,
                from_value="" if long_text else _shown(current),
                to_value="" if long_text else _shown(value),
                note=value if long_text else "",
            )
        if target is not None and _assign_locked(inquiry=inquiry, actor=actor, target=target):
            changed.append("assignee")
        if changed:
            inquiry.save(update_fields=[*changed, "updated_at"])
    return inquiry


def inquiry_update_triage(*, inquiry: Inquiry, actor, data: dict[str, Any]) -> Inquiry:
    """Change triage fields only (no assignee): `inquiry_update` without the assignee."""
    if "assignee" in data:
        raise InvalidInput("Unknown or read-only field(s): assignee.")
    return inquiry_update(inquiry=inquiry, actor=actor, data=data)
