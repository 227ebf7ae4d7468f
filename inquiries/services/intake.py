"""Intake: every channel creates an inquiry through `inquiry_create` (SPEC 3.3)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection

from shifts.business_time import BusinessCalendar
from shifts.models import Member, Team, Topic
from shifts.selectors import primary_for_arrival, shift_at, team_and_primary, team_by_slug
from supportops.db import new_row
from supportops.errors import InvalidInput
from supportops.notifications import Notice, NoticeKind, at, notify_many, outbox_add, team_webhook_messages

from .. import deadlines
from ..deadlines import response_deadlines
from ..models import Event, Inquiry, Message
from ..references import NEXT_NUMBER_SQL, reference_next, reference_of
from ._common import (
    clean_text,
    inquiry_path,
    member_of_team,
    now,
    requester_email_message,
    require_actor_member,
)

# What a public submission reads of its team (the calendar, deadlines, reference, texts and webhook): the
# public intake's one SELECT reads these columns only (not the mailbox, sessions, planning settings, …).
INTAKE_TEAM_FIELDS = (
    "slug",
    "name",
    "timezone",
    "coverage",
    "holidays",
    "holiday_country",
    "holiday_subdivision",
    "response_target_minutes",
    "response_guarantee_minutes",
    "resolution_target_minutes",
    "webhook_url",
    "reference_prefix",
)
MEMBER_CHANNELS = (Inquiry.Channel.API, Inquiry.Channel.REDIRECT, Inquiry.Channel.IMPORT)
# Requesters reached elsewhere (a GitHub login, a monitoring system): no address, no acknowledgement email.
NO_EMAIL_CHANNELS = (Inquiry.Channel.GITHUB, Inquiry.Channel.ALERT)


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


def _clean_source_url(value: str) -> str:
    url = (value or "").strip()
    if url and not url.startswith(("http://", "https://")):
        raise InvalidInput("The source URL must start with http:// or https://.", field="source_url")
    if len(url) > 500:
        raise InvalidInput("The source URL is too long (at most 500).", field="source_url")
    return url


def assignee_for_arrival(*, team: Team, at: dt.datetime, role: str = "primary") -> Member | None:
    """Who owns an arrival: the Primary for it, or (role "secondary", for alerts) the Secondary on shift,
    falling back to the Primary when no Secondary is on shift."""
    if role == "secondary":
        shift = shift_at(team=team, at=at, role="secondary")
        if shift is not None:
            return shift.member
    return primary_for_arrival(team=team, at=at)


def _event(*, inquiry: Inquiry, kind: str, actor=None, to_value: str = "", note: str = "") -> Event:
    """An unsaved timeline row, like `event_record` writes: intake stores its two in one INSERT."""
    return new_row(
        Event,
        inquiry=inquiry,
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        to_value=str(to_value)[:200],
        note=note,
    )


@dataclass(frozen=True)
class ImportedHistory:
    """What an import may carry besides `received_at` (SPEC 4): its state in the tool it comes from."""

    status: str
    responded_at: dt.datetime | None
    resolved_at: dt.datetime | None
    resolution_kind: str
    product_issue_url: str
    assignee: Member | None


HISTORY_FIELDS = ("responded_at", "resolved_at", "status", "resolution_kind", "product_issue_url", "assignee")
S = Inquiry.Status


def _clean_history(
    *, team: Team, received_at: dt.datetime, current: dt.datetime, history: dict[str, Any]
) -> ImportedHistory:
    """Validate an import's history as a whole: every contradiction is a 400 naming the field."""
    unknown = set(history) - set(HISTORY_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown history field(s): {', '.join(sorted(unknown))}.")
    responded_at = history.get("responded_at")
    resolved_at = history.get("resolved_at")
    for name, value in (("responded_at", responded_at), ("resolved_at", resolved_at)):
        if value is None:
            continue
        if not isinstance(value, dt.datetime) or value.tzinfo is None:
            raise InvalidInput(f"{name} must be a date and time with an offset.", field=name)
        if value > current:
            raise InvalidInput(f"{name} cannot be in the future.", field=name)
        if value < received_at:
            raise InvalidInput(f"{name} cannot be before received_at.", field=name)
    status = history.get("status") or (S.RESOLVED if resolved_at else S.RESPONDED if responded_at else S.NEW)
    if status not in S.values:
        raise InvalidInput(f"Unknown status {status!r}; use one of {', '.join(S.values)}.", field="status")
    if status in (S.RESPONDED, S.WAITING) and responded_at is None:
        raise InvalidInput(f"An imported {status} inquiry needs responded_at.", field="responded_at")
    if status == S.NEW and responded_at is not None:
        raise InvalidInput(
            "An inquiry with responded_at was responded to; its status cannot be new.", field="status"
        )
    if status == S.RESOLVED and resolved_at is None:
        raise InvalidInput("An imported resolved inquiry needs resolved_at.", field="resolved_at")
    if status != S.RESOLVED and resolved_at is not None:
        raise InvalidInput(
            f"A {status} inquiry has no resolved_at; its status would be resolved.", field="status"
        )
    if responded_at and resolved_at and resolved_at < responded_at:
        raise InvalidInput("resolved_at cannot be before responded_at.", field="resolved_at")
    kind = history.get("resolution_kind") or ""
    if kind and kind not in Inquiry.ResolutionKind.values:
        choices = ", ".join(Inquiry.ResolutionKind.values)
        raise InvalidInput(
            f"Unknown resolution kind {kind!r}; use one of {choices}.", field="resolution_kind"
        )
    if status == S.RESOLVED and not kind:
        raise InvalidInput("An imported resolved inquiry needs its resolution_kind.", field="resolution_kind")
    if status != S.RESOLVED and kind:
        raise InvalidInput("resolution_kind is only for resolved inquiries.", field="resolution_kind")
    url = (history.get("product_issue_url") or "").strip()
    if url and (len(url) > 500 or not url.startswith(("http://", "https://"))):
        raise InvalidInput(
            "product_issue_url must be an http(s) URL of at most 500.", field="product_issue_url"
        )
    if kind == Inquiry.ResolutionKind.PROMOTED and not url:
        raise InvalidInput("A promoted inquiry needs its product_issue_url.", field="product_issue_url")
    assignee = history.get("assignee")
    if assignee is not None:
        try:
            assignee = member_of_team(team=team, member=assignee)
        except InvalidInput as error:
            raise InvalidInput(error.message, field="assignee") from None
    return ImportedHistory(status, responded_at, resolved_at, kind, url, assignee)


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
    history: dict[str, Any] | None = None,
    source_url: str = "",
    assign_role: str = "primary",
) -> Inquiry:
    """Create an inquiry, assign it to the Primary for its arrival, and acknowledge it to the requester.

    An import (channel `import`) may carry its `received_at` and `history` (status, responded_at,
    resolved_at, resolution_kind, product_issue_url, assignee); it notifies and mails nobody, and its
    deadlines that passed before it was imported are never notified (see inquiries.sla)."""
    if channel not in Inquiry.Channel.values:
        raise InvalidInput(f"Unknown channel {channel!r}.", field="channel")
    subject = clean_text(subject, field="subject", label="Subject", max_length=200)
    body = clean_text(body, field="body", label="Question", max_length=20000)
    requester_name = clean_text(requester_name, field="name", label="Name", max_length=120)
    if channel in NO_EMAIL_CHANNELS and not requester_email:
        requester_email = ""
    else:
        requester_email = _clean_email(requester_email)
    source_url = _clean_source_url(source_url)
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
    if history and channel != Inquiry.Channel.IMPORT:
        fields = ", ".join(sorted(history))
        raise InvalidInput(f"{fields} may only be given for imported inquiries.", field=sorted(history)[0])
    past = (
        _clean_history(team=team, received_at=arrived, current=current, history=history or {})
        if channel == Inquiry.Channel.IMPORT
        else None
    )

    if past is not None and past.assignee is not None:
        assignee = past.assignee
    elif past is not None and past.status != S.RESOLVED:
        # An open import joins today's queue, not the queue of whoever was Primary when it was asked.
        assignee = primary_for_arrival(team=team, at=current)
    else:
        assignee = assignee_for_arrival(team=team, at=arrived, role=assign_role)
    number, reference = reference_next(team=team)
    return _inquiry_write(
        _Arrival(team, assignee, number, reference, arrived, current),
        _Asked(subject, body, requester_name, requester_email, channel, source_url, topic_obj, priority),
        actor=actor,
        logged_by=logged_by,
        past=past,
    )


def inquiry_create_public(
    *, team_slug: str, subject: str, body: str, requester_name: str, requester_email: str, topic: Any = None
) -> Inquiry | None:
    """A submission to the public intake (web channel, SPEC 4): `inquiry_create` for the team with this
    slug, None when there is none. On PostgreSQL (without a topic to look up) the team, the Primary for
    the arrival and the reference number come in one SELECT (`team_and_primary` with the team's
    `nextval`), after the input is cleaned: bad input takes no number."""
    if topic not in (None, "") or connection.vendor != "postgresql":
        team = team_by_slug(slug=team_slug)
        if team is None:
            return None
        return inquiry_create(
            team=team,
            subject=subject,
            body=body,
            requester_name=requester_name,
            requester_email=requester_email,
            topic=topic,
            channel=Inquiry.Channel.WEB,
        )
    asked = _Asked(
        subject=clean_text(subject, field="subject", label="Subject", max_length=200),
        body=clean_text(body, field="body", label="Question", max_length=20000),
        requester_name=clean_text(requester_name, field="name", label="Name", max_length=120),
        requester_email=_clean_email(requester_email),
        channel=Inquiry.Channel.WEB,
    )
    current = now()
    found = team_and_primary(
        slug=team_slug, at=current, also=(NEXT_NUMBER_SQL,), team_fields=INTAKE_TEAM_FIELDS
    )
    if found is None:
        return None
    team, assignee, (number,) = found
    arrival = _Arrival(team, assignee, number, reference_of(team.reference_prefix, number), current, current)
    return _inquiry_write(arrival, asked)


@dataclass(frozen=True)
class _Arrival:
    """Where and when an inquiry arrives: its team, owner, number and times (`arrived`: received_at)."""

    team: Team
    assignee: Member | None
    number: int
    reference: str
    arrived: dt.datetime
    current: dt.datetime


@dataclass(frozen=True)
class _Asked:
    """What was asked, cleaned."""

    subject: str
    body: str
    requester_name: str
    requester_email: str
    channel: str
    source_url: str = ""
    topic: Topic | None = None
    priority: str | None = None


def _inquiry_write(
    arrival: _Arrival,
    asked: _Asked,
    *,
    actor=None,
    logged_by: Member | None = None,
    past: ImportedHistory | None = None,
) -> Inquiry:
    """Write the inquiry, its first message, events, the assignee's notification and the outbox rows: one
    statement on PostgreSQL (`supportops.db.insert_rows_together`, all or nothing, so no transaction of
    its own is needed: no BEGIN/COMMIT round trips), one INSERT per table in a transaction elsewhere."""
    team, assignee, reference, channel = arrival.team, arrival.assignee, arrival.reference, asked.channel
    calendar = BusinessCalendar.for_team(team)  # built once for both deadlines
    due, guarantee = response_deadlines(team=team, received_at=arrival.arrived, calendar=calendar)
    inquiry = new_row(
        Inquiry,
        team=team,
        number=arrival.number,
        reference=reference,
        subject=asked.subject,
        body=asked.body,
        requester_name=asked.requester_name,
        requester_email=asked.requester_email,
        channel=channel,
        source_url=asked.source_url,
        created_by=actor if actor is not None and actor.is_authenticated else None,
        topic=asked.topic,
        priority=asked.priority or Inquiry.Priority.NORMAL,
        assignee=assignee,
        received_at=arrival.arrived,
        response_due_at=due,
        response_guarantee_at=guarantee,
        resolution_due_at=deadlines.resolution_deadline(
            team=team, received_at=arrival.arrived, calendar=calendar
        ),
        **_imported_state(past, arrival.current),
    )
    link = inquiry_path(inquiry)
    rows = [[inquiry], [new_row(Message, inquiry=inquiry, kind=Message.Kind.REQUEST, body=asked.body)]]
    rows.append(_intake_events(inquiry, actor=actor, past=past))
    # The acknowledgement, the team channel's post and the assignee's email: one outbox INSERT.
    outbox = [m for m in [_acknowledgement(inquiry=inquiry, assignee=assignee, logged_by=logged_by)] if m]
    if channel != Inquiry.Channel.IMPORT:
        # The team channel hears of every new inquiry; "assigned to you" below is personal.
        outbox += team_webhook_messages(
            team=team,
            kind=NoticeKind.NEW_INQUIRY,
            title=f"New inquiry {reference}: {asked.subject}",
            body=f"From {asked.requester_name}. "
            f"Assigned to {assignee.display_name if assignee else 'nobody'}.",
            link=link,
            inquiry=inquiry,
        )
    if assignee is not None and channel != Inquiry.Channel.IMPORT:
        notice = Notice(
            recipients=[assignee.user],
            kind=NoticeKind.ASSIGNED,
            title=f"{reference} assigned to you: {asked.subject}",
            body=f"From {asked.requester_name}. Respond by {_deadline(due, team)}.",
            link=link,
            team=team,
            inquiry=inquiry,
        )
        notify_many([notice], also=outbox, before=rows)
    else:
        outbox_add(outbox, before=rows)
    return inquiry


def _imported_state(past: ImportedHistory | None, current: dt.datetime) -> dict[str, Any]:
    if past is None:
        return {}
    return {
        "status": past.status,
        "responded_at": past.responded_at,
        "resolved_at": past.resolved_at,
        "resolution_kind": past.resolution_kind,
        "product_issue_url": past.product_issue_url,
        # The requester's wait before the import is unknown: the clock pauses from the import on.
        "waiting_since": current if past.status == S.WAITING else None,
    }


def _intake_events(inquiry: Inquiry, *, actor, past: ImportedHistory | None) -> list[Event]:
    """The timeline's first rows: created, assigned (with an owner), the imported status (if not new)."""
    channel_label = Inquiry.Channel(inquiry.channel).label
    events = [
        _event(
            inquiry=inquiry,
            kind=Event.Kind.CREATED,
            actor=actor,
            to_value=Inquiry.Status.NEW,
            note=f"via {channel_label}",
        )
    ]
    if inquiry.assignee is not None:
        events.append(
            _event(inquiry=inquiry, kind=Event.Kind.ASSIGNED, to_value=inquiry.assignee.display_name)
        )
    if past is not None and past.status != S.NEW:
        imported = _event(
            inquiry=inquiry,
            kind=Event.Kind.IMPORTED_STATUS,
            actor=actor,
            to_value=past.status,
            note="as recorded by the tool it was imported from",
        )
        imported.from_value = S.NEW
        events.append(imported)
    return events


def _deadline(due: dt.datetime | None, team: Team) -> str:
    return at(due) if due else "the next coverage window"


def _acknowledgement(*, inquiry: Inquiry, assignee: Member | None, logged_by: Member | None) -> Any | None:
    """The unsaved acknowledgement email to the requester, if the channel sends one."""
    if inquiry.channel in NO_EMAIL_CHANNELS:
        return None
    if inquiry.channel == Inquiry.Channel.IMPORT:
        # History migrated from another tool: its requesters were answered long ago; do not mail them.
        return None
    greeting = f"Hello {inquiry.requester_name},\n\n"
    if inquiry.channel == Inquiry.Channel.REDIRECT and logged_by is not None:
        # Three-way handoff: the requester learns who now has it, the member they asked is copied.
        owner = assignee.display_name if assignee else f"the {inquiry.team.name} support team"
        body = (
            f'{greeting}{logged_by.display_name} passed your question "{inquiry.subject}" to '
            f"{owner}, who is on support duty for {inquiry.team.name} and will get back to you. "
            f"{logged_by.display_name} is copied on this message."
        )
        return requester_email_message(
            inquiry=inquiry,
            subject=f"{owner} now has your question",
            body=body,
            cc=logged_by.user.email or "",
            kind="ack",
        )
    body = (
        f'{greeting}we received your question "{inquiry.subject}" for {inquiry.team.name}. '
        f"A team member will respond soon."
    )
    return requester_email_message(
        inquiry=inquiry, subject=f"We received your question: {inquiry.subject}", body=body, kind="ack"
    )
