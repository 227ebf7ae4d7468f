"""Intake: every channel creates an inquiry through `inquiry_create` (SPEC 3.3)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction

from shifts.models import Member, Team, Topic
from shifts.selectors import primary_for_arrival
from supportops.errors import InvalidInput
from supportops.notifications import notify

from ..deadlines import response_deadlines
from ..models import Event, Inquiry, Message
from ._common import (
    clean_text,
    email_requester,
    inquiry_path,
    local_time,
    now,
    require_actor_member,
)

MEMBER_CHANNELS = (Inquiry.Channel.API, Inquiry.Channel.REDIRECT, Inquiry.Channel.IMPORT)


def topic_resolve(*, team: Team, topic: Topic | str | int | None) -> Topic | None:
    """The team's topic given by instance, id or name; InvalidInput for anything not on the team's list."""
    if topic in (None, ""):
        return None
    if isinstance(topic, Topic):
        found = topic if topic.team_id == team.pk else None
    elif isinstance(topic, int) or (isinstance(topic, str) and topic.isdigit()):
        found = Topic.objects.filter(team=team, pk=int(topic)).first()
    else:
        found = Topic.objects.filter(team=team, name__iexact=str(topic).strip()).first()
    if found is None:
        raise InvalidInput(f"{team.name} has no topic {str(topic)!r}.", field="topic")
    return found


def _clean_email(value: str | None) -> str:
    email = clean_text(value, field="email", label="Email", max_length=254)
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(f"{email!r} is not a valid email address.", field="email") from None
    return email


def _reference_next(*, team: Team) -> tuple[int, str]:
    """Take the next number in one UPDATE … RETURNING: the row lock it takes is held until commit, so
    concurrent intakes queue here and never collide (one statement instead of SELECT FOR UPDATE + UPDATE)."""
    table = connection.ops.quote_name(Team._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_reference_number = last_reference_number + 1 WHERE id = %s "
            f"RETURNING last_reference_number, reference_prefix",
            [team.pk],
        )
        number, prefix = cursor.fetchone()
    return number, f"{prefix}-{number}"


def _event(*, inquiry: Inquiry, kind: str, actor=None, to_value: str = "", note: str = "") -> Event:
    """An unsaved timeline row, like `event_record` writes: intake stores its two in one INSERT."""
    return Event(
        inquiry=inquiry,
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        to_value=str(to_value)[:200],
        note=note,
    )


def inquiry_create(
    *,
    team: Team,
    subject: str,
    body: str,
    requester_name: str,
    requester_email: str,
    channel: str = Inquiry.Channel.WEB,
    topic: Topic | str | int | None = None,
    actor=None,
    received_at: dt.datetime | None = None,
    priority: str | None = None,
) -> Inquiry:
    """Create an inquiry, assign it to the Primary for its arrival, and acknowledge it to the requester."""
    if channel not in Inquiry.Channel.values:
        raise InvalidInput(f"Unknown channel {channel!r}.", field="channel")
    subject = clean_text(subject, field="subject", label="Subject", max_length=200)
    body = clean_text(body, field="body", label="Question", max_length=20000)
    requester_name = clean_text(requester_name, field="name", label="Name", max_length=120)
    requester_email = _clean_email(requester_email)
    topic_obj = topic_resolve(team=team, topic=topic)
    if priority is not None and priority not in Inquiry.Priority.values:
        raise InvalidInput(f"Unknown priority {priority!r}.", field="priority")
    logged_by: Member | None = None
    if channel in MEMBER_CHANNELS:
        logged_by = require_actor_member(team=team, actor=actor)
    current = now()
    if received_at is not None and channel != Inquiry.Channel.IMPORT:
        raise InvalidInput("received_at may only be given for imported inquiries.", field="received_at")
    if received_at is not None and received_at > current:
        raise InvalidInput("received_at cannot be in the future.", field="received_at")
    arrived = received_at or current

    due, guarantee = response_deadlines(team=team, received_at=arrived)
    assignee = primary_for_arrival(team=team, at=arrived)

    with transaction.atomic():
        number, reference = _reference_next(team=team)
        inquiry = Inquiry.objects.create(
            team=team,
            number=number,
            reference=reference,
            subject=subject,
            body=body,
            requester_name=requester_name,
            requester_email=requester_email,
            channel=channel,
            created_by=actor if actor is not None and actor.is_authenticated else None,
            topic=topic_obj,
            priority=priority or Inquiry.Priority.NORMAL,
            assignee=assignee,
            received_at=arrived,
            response_due_at=due,
            response_guarantee_at=guarantee,
        )
        inquiry.team = team
        Message.objects.create(inquiry=inquiry, kind=Message.Kind.REQUEST, body=body)
        events = [
            _event(
                inquiry=inquiry,
                kind="created",
                actor=actor,
                to_value=Inquiry.Status.NEW,
                note=f"via {Inquiry.Channel(channel).label}",
            )
        ]
        if assignee is not None:
            events.append(_event(inquiry=inquiry, kind="assigned", to_value=assignee.display_name))
        Event.objects.bulk_create(events)
        _acknowledge(inquiry=inquiry, assignee=assignee, logged_by=logged_by)
        if assignee is not None and channel != Inquiry.Channel.IMPORT:
            notify(
                recipient=assignee.user,
                kind="assigned",
                title=f"{reference} assigned to you: {subject}",
                body=f"From {requester_name}. Respond by {_deadline(due, team)}.",
                link=inquiry_path(inquiry),
                team=team,
                inquiry=inquiry,
            )
    return inquiry


def _deadline(due: dt.datetime | None, team: Team) -> str:
    return local_time(due, team) if due else "the next coverage window"


def _acknowledge(*, inquiry: Inquiry, assignee: Member | None, logged_by: Member | None) -> None:
    if inquiry.channel == Inquiry.Channel.IMPORT:
        # History migrated from another tool: its requesters were answered long ago; do not mail them.
        return
    greeting = f"Hello {inquiry.requester_name},\n\n"
    if inquiry.channel == Inquiry.Channel.REDIRECT and logged_by is not None:
        # Three-way handoff: the requester learns who now has it, the member they asked is copied.
        owner = assignee.display_name if assignee else f"the {inquiry.team.name} support team"
        body = (
            f'{greeting}{logged_by.display_name} passed your question "{inquiry.subject}" to '
            f"{owner}, who is on support duty for {inquiry.team.name} and will get back to you. "
            f"{logged_by.display_name} is copied on this message."
        )
        email_requester(
            inquiry=inquiry,
            subject=f"{owner} now has your question",
            body=body,
            cc=logged_by.user.email or "",
        )
        return
    body = (
        f'{greeting}we received your question "{inquiry.subject}" for {inquiry.team.name}. '
        f"A team member will respond soon."
    )
    email_requester(inquiry=inquiry, subject=f"We received your question: {inquiry.subject}", body=body)
