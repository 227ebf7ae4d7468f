"""Readable names for notification kinds in the inbox (the kinds themselves are codes for machines)."""

from django import template

register = template.Library()

NOTICE_LABELS = {
    "assigned": "Assigned to you",
    "inquiry_assigned": "Assigned to you",
    "new_inquiry": "New inquiry",
    "response_due_soon": "Response due soon",
    "response_overdue": "Response overdue",
    "guarantee_breached": "Guarantee breached",
    "resolution_due_soon": "Resolution due soon",
    "resolution_overdue": "Resolution overdue",
    "handoff_digest": "Handed to you at shift change",
    "queue_uncovered": "Queue uncovered",
    "escalated": "Your help is asked",
    "escalation_requested": "Your help is asked",
    "escalation_declined": "Escalation declined",
    "escalation_accepted": "Escalation accepted",
    "shift_reminder": "Shift reminder",
    "shift_changed": "Shift changed",
    "swap_requested": "Swap requested",
    "swap_accepted": "Swap accepted",
    "swap_declined": "Swap declined",
    "postmortem_drafted": "Postmortem drafted",
    "postmortem_in_review": "Postmortem to review",
    "action_item_assigned": "Action item for you",
    "action_item_overdue": "Action item overdue",
    "rotation_unfilled": "Rotation cannot be filled",
    "requester_replied": "The requester replied",
}


@register.filter
def notice_label(kind: str) -> str:
    return NOTICE_LABELS.get(kind, (kind or "").replace("_", " ").capitalize())
