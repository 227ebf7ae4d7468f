from django import template

register = template.Library()

EVENT_LABELS = {
    "created": "Received",
    "assigned": "Assigned",
    "responded": "Replied",
    "note_added": "Internal note",
    "waiting": "Waiting on requester",
    "requester_replied": "Requester replied",
    "resolved": "Resolved",
    "reopened": "Reopened",
    "escalated": "Escalated",
    "escalation_accepted": "Escalation accepted",
    "escalation_declined": "Escalation declined",
    "effort_logged": "Effort logged",
    "handed_off": "Handed off",
    "postmortem_drafted": "Postmortem drafted",
    "improvement_filed": "Added to backlog",
    "response_due_soon": "Response due soon",
    "response_overdue": "Response overdue",
    "guarantee_breached": "Guarantee breached",
    "resolution_due_soon": "Resolution due soon",
    "resolution_overdue": "Resolution overdue",
    "imported_status": "Imported with its status",
}


@register.filter
def event_label(kind: str) -> str:
    if kind in EVENT_LABELS:
        return EVENT_LABELS[kind]
    if kind.endswith("_changed"):
        return kind.removesuffix("_changed").replace("_", " ").capitalize() + " changed"
    return kind.replace("_", " ").capitalize()


@register.simple_tag
def held_replies(inquiry) -> list[tuple[int, int]]:
    """(internal note id, InboundEmail id) of the email replies held as unverified on this inquiry,
    for the "accept as the requester's reply" button on their notes: one query for the whole thread."""
    from ..models import InboundEmail

    return list(
        InboundEmail.objects.filter(
            inquiry=inquiry, outcome=InboundEmail.Outcome.UNVERIFIED, held_note__isnull=False
        ).values_list("held_note_id", "pk")
    )
