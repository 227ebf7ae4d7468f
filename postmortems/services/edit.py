"""Editing a postmortem's text and the inquiries it covers."""

from typing import Any

from django.db import transaction

from inquiries.models import Inquiry
from supportops.errors import ConflictError, InvalidInput

from ..models import Milestone, Postmortem
from ._common import (
    change_record,
    clean_text,
    postmortem_lock,
    require_not_closed,
    require_writer,
    same_team_inquiries,
)
from .create import milestones_from

TEXT_FIELDS = {
    "title": ("Title", 200, True),
    "summary": ("Summary", 20000, False),
    "impact": ("Impact", 20000, False),
    "root_causes": ("Root causes", 20000, False),
    "resources_note": ("Resources note", 5000, False),
}


def postmortem_update(*, postmortem: Postmortem, actor, data: dict[str, Any]) -> Postmortem:
    """Change the text fields; every value is checked before anything is written."""
    unknown = set(data) - set(TEXT_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown or read-only field(s): {', '.join(sorted(unknown))}.")
    require_writer(team=postmortem.team, actor=actor)
    cleaned = {
        name: clean_text(
            value,
            field=name,
            label=TEXT_FIELDS[name][0],
            max_length=TEXT_FIELDS[name][1],
            required=TEXT_FIELDS[name][2],
        )
        for name, value in data.items()
    }
    with transaction.atomic():
        postmortem = postmortem_lock(postmortem=postmortem)
        require_not_closed(postmortem, "edit it")
        changed = [name for name, value in cleaned.items() if getattr(postmortem, name) != value]
        for name in changed:
            setattr(postmortem, name, cleaned[name])
        if changed:
            postmortem.save(update_fields=[*changed, "updated_at"])
            change_record(postmortem=postmortem, kind="edited", actor=actor, to_value=", ".join(changed))
    return postmortem


def postmortem_link_inquiry(*, postmortem: Postmortem, actor, inquiry: Inquiry) -> Postmortem:
    """Add an inquiry of the same team; its key events join the timeline."""
    require_writer(team=postmortem.team, actor=actor)
    same_team_inquiries(team=postmortem.team, inquiries=[inquiry])
    with transaction.atomic():
        postmortem = postmortem_lock(postmortem=postmortem)
        require_not_closed(postmortem, "link inquiries")
        if postmortem.inquiries.filter(pk=inquiry.pk).exists():
            raise ConflictError(f"{inquiry.reference} is already linked to this postmortem.")
        postmortem.inquiries.add(inquiry)
        Milestone.objects.bulk_create(
            milestones_from(postmortem=postmortem, inquiries=[inquiry], prefix=True)
        )
        change_record(postmortem=postmortem, kind="inquiry_linked", actor=actor, to_value=inquiry.reference)
    return postmortem


def postmortem_unlink_inquiry(*, postmortem: Postmortem, actor, inquiry: Inquiry) -> Postmortem:
    """Remove an inquiry. Its milestones stay: they may have been edited, and deleting is one click."""
    require_writer(team=postmortem.team, actor=actor)
    with transaction.atomic():
        postmortem = postmortem_lock(postmortem=postmortem)
        require_not_closed(postmortem, "unlink inquiries")
        linked = set(postmortem.inquiries.values_list("pk", flat=True))
        if inquiry.pk not in linked:
            raise InvalidInput(f"{inquiry.reference} is not linked to this postmortem.", field="inquiries")
        if len(linked) == 1:
            raise InvalidInput(
                "A postmortem covers at least one inquiry; link another first.", field="inquiries"
            )
        postmortem.inquiries.remove(inquiry)
        change_record(
            postmortem=postmortem, kind="inquiry_unlinked", actor=actor, from_value=inquiry.reference
        )
    return postmortem


def postmortem_set_inquiries(*, postmortem: Postmortem, actor, inquiries: list[Inquiry]) -> Postmortem:
    """Make the linked set exactly `inquiries` (the API's PATCH): all checked first, then applied at once."""
    require_writer(team=postmortem.team, actor=actor)
    inquiries = same_team_inquiries(team=postmortem.team, inquiries=inquiries)
    if not inquiries:
        raise InvalidInput("A postmortem covers at least one inquiry.", field="inquiries")
    wanted = {i.pk: i for i in inquiries}
    with transaction.atomic():
        postmortem = postmortem_lock(postmortem=postmortem)
        linked = set(postmortem.inquiries.values_list("pk", flat=True))
        added = [i for pk, i in wanted.items() if pk not in linked]
        removed = linked - set(wanted)
        if not added and not removed:
            return postmortem
        require_not_closed(postmortem, "change its inquiries")
        if removed:
            gone = list(Inquiry.objects.filter(pk__in=removed).values_list("reference", flat=True))
            postmortem.inquiries.remove(*removed)
            for reference in gone:
                change_record(
                    postmortem=postmortem, kind="inquiry_unlinked", actor=actor, from_value=reference
                )
        if added:
            postmortem.inquiries.add(*added)
            Milestone.objects.bulk_create(
                milestones_from(postmortem=postmortem, inquiries=added, prefix=True)
            )
            for inquiry in added:
                change_record(
                    postmortem=postmortem, kind="inquiry_linked", actor=actor, to_value=inquiry.reference
                )
    return postmortem


def postmortem_edit(
    *, postmortem: Postmortem, actor, data: dict[str, Any], inquiries: list[Inquiry] | None = None
) -> Postmortem:
    """Text fields and (optionally) the linked set in one transaction: a bad value changes nothing."""
    with transaction.atomic():
        if data:
            postmortem = postmortem_update(postmortem=postmortem, actor=actor, data=data)
        if inquiries is not None:
            postmortem = postmortem_set_inquiries(postmortem=postmortem, actor=actor, inquiries=inquiries)
    return postmortem
