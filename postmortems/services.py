"""Writes for postmortems. Only the draft made when a serious inquiry is resolved lives here for now."""

from django.db import transaction

from .models import Milestone, Postmortem

EVENT_WORDS = {
    "created": "Inquiry received",
    "assigned": "Assigned",
    "responded": "First response",
    "resolved": "Resolved",
    "escalated": "Escalated",
    "handed_off": "Handed off",
    "reopened": "Reopened",
}


@transaction.atomic
def postmortem_create_draft(*, inquiry, actor) -> Postmortem:
    """A draft postmortem for a resolved serious inquiry: title from it, milestones from its events."""
    postmortem = Postmortem.objects.create(
        team=inquiry.team,
        title=f"{inquiry.reference}: {inquiry.subject}"[:200],
        summary=inquiry.resolution_note,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    postmortem.inquiries.add(inquiry)
    milestones = []
    seen_response = False
    for event in inquiry.events.order_by("created_at", "id"):
        if event.kind not in EVENT_WORDS:
            continue
        if event.kind == "responded":
            # Only the first response is a milestone; later replies are conversation.
            if seen_response:
                continue
            seen_response = True
        words = EVENT_WORDS[event.kind]
        detail = (
            f" → {event.to_value}"
            if event.to_value and event.kind in ("assigned", "escalated", "handed_off")
            else ""
        )
        milestones.append(
            Milestone(postmortem=postmortem, at=event.created_at, description=f"{words}{detail}"[:500])
        )
    Milestone.objects.bulk_create(milestones)
    return postmortem
