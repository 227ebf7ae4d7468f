from django import template

from ..models import Event, SlaNotice

register = template.Library()


@register.filter
def event_label(kind: str) -> str:
    """The timeline's name for an event kind: Event.Kind's label (SlaNotice.Kind's for the deadline
    notices the timeline shows among the events)."""
    for choices in (Event.Kind, SlaNotice.Kind):
        if kind in choices.values:
            return choices(kind).label
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
