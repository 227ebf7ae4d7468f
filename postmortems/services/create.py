"""Making postmortems: the automatic draft when a serious inquiry is resolved, and manual ones."""

from collections.abc import Sequence

from django.db import transaction

from inquiries.models import Event, Inquiry
from shifts.models import Team
from supportops.errors import InvalidInput

from ..models import Milestone, Postmortem
from ._common import change_record, clean_text, require_writer, same_team_inquiries

EVENT_WORDS = {
    Event.Kind.CREATED: "Inquiry received",
    Event.Kind.ASSIGNED: "Assigned",
    Event.Kind.RESPONDED: "First response",
    Event.Kind.RESOLVED: "Resolved",
    Event.Kind.ESCALATED: "Escalated",
    Event.Kind.HANDED_OFF: "Handed off",
    Event.Kind.REOPENED: "Reopened",
}


def milestones_from(*, postmortem: Postmortem, inquiries: Sequence[Inquiry], prefix: bool) -> list[Milestone]:
    """Milestones (unsaved) from the inquiries' events: one query for all of them."""
    references = {inquiry.pk: inquiry.reference for inquiry in inquiries}
    # An imported inquiry's "created" event is the import; the incident began when it was received.
    received = {inquiry.pk: inquiry.received_at for inquiry in inquiries}
    events = Event.objects.filter(inquiry__in=list(references), kind__in=list(EVENT_WORDS)).order_by(
        "created_at", "id"
    )
    milestones = []
    seen_response: set[int] = set()
    for event in events:
        if event.kind == Event.Kind.RESPONDED:
            # Only the first response is a milestone; later replies are conversation.
            if event.inquiry_id in seen_response:
                continue
            seen_response.add(event.inquiry_id)
        detail = (
            f" → {event.to_value}"
            if event.to_value
            and event.kind in (Event.Kind.ASSIGNED, Event.Kind.ESCALATED, Event.Kind.HANDED_OFF)
            else ""
        )
        lead = f"{references[event.inquiry_id]}: " if prefix else ""
        milestones.append(
            Milestone(
                postmortem=postmortem,
                at=received[event.inquiry_id] if event.kind == Event.Kind.CREATED else event.created_at,
                description=f"{lead}{EVENT_WORDS[event.kind]}{detail}"[:500],
            )
        )
    return sorted(milestones, key=lambda milestone: milestone.at)


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
    Milestone.objects.bulk_create(milestones_from(postmortem=postmortem, inquiries=[inquiry], prefix=False))
    change_record(postmortem=postmortem, kind="created", actor=actor, to_value=inquiry.reference)
    return postmortem


def postmortem_create(
    *,
    team: Team,
    actor,
    inquiries: Sequence[Inquiry],
    title: str = "",
    summary: str = "",
    impact: str = "",
    root_causes: str = "",
) -> Postmortem:
    """A draft written by hand about one or more of the team's inquiries, timeline prefilled."""
    require_writer(team=team, actor=actor)
    inquiries = same_team_inquiries(team=team, inquiries=inquiries)
    if not inquiries:
        raise InvalidInput("Choose at least one inquiry the postmortem is about.", field="inquiries")
    inquiries = sorted({i.pk: i for i in inquiries}.values(), key=lambda i: (i.received_at, i.pk))
    if not (title or "").strip():
        first = inquiries[0]
        title = f"{first.reference}: {first.subject}"[:200]
    title = clean_text(title, field="title", label="Title", max_length=200)
    summary = clean_text(summary, field="summary", label="Summary", max_length=20000, required=False)
    impact = clean_text(impact, field="impact", label="Impact", max_length=20000, required=False)
    root_causes = clean_text(
        root_causes, field="root_causes", label="Root causes", max_length=20000, required=False
    )
    with transaction.atomic():
        postmortem = Postmortem.objects.create(
            team=team,
            title=title,
            summary=summary,
            impact=impact,
            root_causes=root_causes,
            created_by=actor,
        )
        postmortem.inquiries.add(*inquiries)
        Milestone.objects.bulk_create(
            milestones_from(postmortem=postmortem, inquiries=inquiries, prefix=len(inquiries) > 1)
        )
        change_record(
            postmortem=postmortem,
            kind="created",
            actor=actor,
            to_value=", ".join(i.reference for i in inquiries),
        )
    return postmortem


def postmortem_draft_for_resolved(*, inquiry: Inquiry, actor) -> Postmortem:
    """Registered with inquiries.hooks: a serious inquiry that is resolved gets a draft postmortem, and
    its timeline says so."""
    from inquiries.services import event_record

    postmortem = postmortem_create_draft(inquiry=inquiry, actor=actor)
    event_record(inquiry=inquiry, kind=Event.Kind.POSTMORTEM_DRAFTED, actor=actor, to_value=postmortem.pk)
    return postmortem
