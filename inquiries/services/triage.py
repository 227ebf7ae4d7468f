"""Assignment and triage fields of an inquiry (SPEC 3.3)."""

import datetime as dt
from typing import Any

from django.db import transaction

from shifts.models import Member
from supportops.errors import ConflictError, InvalidInput
from supportops.notifications import notify

from ..models import Inquiry
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


def inquiry_assign(*, inquiry: Inquiry, actor, member: Member | int) -> Inquiry:
    """Give the inquiry to another member of its team; they are told in-app and by email."""
    target = member_of_team(team=inquiry.team, member=member)
    with transaction.atomic():
        inquiry = inquiry_lock(inquiry=inquiry)
        if inquiry.status == Inquiry.Status.RESOLVED:
            raise ConflictError(
                f"Inquiry {inquiry.reference} is {state_word(inquiry)}; reopen it before assigning it."
            )
        if inquiry.assignee_id == target.pk:
            return inquiry
        before = inquiry.assignee.display_name if inquiry.assignee_id else ""
        inquiry.assignee = target
        inquiry.save(update_fields=["assignee", "updated_at"])
        event_record(
            inquiry=inquiry, kind="assigned", actor=actor, from_value=before, to_value=target.display_name
        )
        if target.user_id != getattr(actor, "pk", None):
            notify(
                recipient=target.user,
                kind="assigned",
                title=f"{inquiry.reference} assigned to you: {inquiry.subject}",
                body=f"Assigned by {actor.get_full_name() or actor.username}." if actor else "",
                link=inquiry_path(inquiry),
                team=inquiry.team,
                inquiry=inquiry,
            )
    return inquiry


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


def inquiry_update_triage(*, inquiry: Inquiry, actor, data: dict[str, Any]) -> Inquiry:
    """Change triage fields; one timeline event per field that actually changed."""
    team = inquiry.team
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
        if changed:
            inquiry.save(update_fields=[*changed, "updated_at"])
    return inquiry
