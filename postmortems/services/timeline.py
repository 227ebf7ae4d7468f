"""Timeline milestones: prefilled from the inquiries' events, then edited by hand."""

from typing import Any

from django.db import transaction

from supportops.errors import InvalidInput

from ..models import Milestone, Postmortem
from ._common import clean_datetime, clean_text, postmortem_lock, require_not_closed, require_writer


def milestone_add(*, postmortem: Postmortem, actor, at: Any, description: str) -> Milestone:
    require_writer(team=postmortem.team, actor=actor)
    moment = clean_datetime(at, field="at", label="Time")
    description = clean_text(description, field="description", label="Description", max_length=500)
    with transaction.atomic():
        postmortem = postmortem_lock(postmortem=postmortem)
        require_not_closed(postmortem, "change the timeline")
        return Milestone.objects.create(postmortem=postmortem, at=moment, description=description)


def milestone_update(*, milestone: Milestone, actor, data: dict[str, Any]) -> Milestone:
    unknown = set(data) - {"at", "description"}
    if unknown:
        raise InvalidInput(f"Unknown or read-only field(s): {', '.join(sorted(unknown))}.")
    postmortem = milestone.postmortem
    require_writer(team=postmortem.team, actor=actor)
    cleaned: dict[str, Any] = {}
    if "at" in data:
        cleaned["at"] = clean_datetime(data["at"], field="at", label="Time")
    if "description" in data:
        cleaned["description"] = clean_text(
            data["description"], field="description", label="Description", max_length=500
        )
    with transaction.atomic():
        locked = postmortem_lock(postmortem=postmortem)
        require_not_closed(locked, "change the timeline")
        for name, value in cleaned.items():
            setattr(milestone, name, value)
        if cleaned:
            milestone.save(update_fields=list(cleaned))
    return milestone


def milestone_delete(*, milestone: Milestone, actor) -> None:
    postmortem = milestone.postmortem
    require_writer(team=postmortem.team, actor=actor)
    with transaction.atomic():
        postmortem = postmortem_lock(postmortem=postmortem)
        require_not_closed(postmortem, "change the timeline")
        milestone.delete()
