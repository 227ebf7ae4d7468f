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
