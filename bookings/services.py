"""Writes for one-to-one sessions (SPEC 3.10). Each follows one shape: atomic, lock, re-check, change,
an event row, side effects (emails with the invitation, in-app notices) queued on commit."""

from __future__ import annotations

import datetime as dt
import logging
import re
import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from shifts.models import Member, Rotation, Shift, Team
from shifts.selectors import membership_of, user_manages
from supportops.errors import ConflictError, Forbidden, InvalidInput, NotFoundError
from supportops.notifications import NoticeKind, at, email_message, notify, outbox_add

from . import invitations
from .models import Booking, BookingEvent
from .slots import slot_at, week_bounds

logger = logging.getLogger(__name__)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x85]+")
MAX_AGENDA = 4000
MAX_NOTE = 4000


# -- input -------------------------------------------------------------------------------------------


def clean_name(value: object) -> str:
    """One line of text: CR/LF and control characters would split an email header or an ICS line."""
    text = _CONTROL.sub("", _LINE_BREAKS.sub(" ", str(value or "")))
    text = " ".join(text.split())
    if not text:
        raise InvalidInput("Please give your name.", field="name")
    if len(text) > 120:
        raise InvalidInput("Your name is longer than 120 characters.", field="name")
    return text


def clean_email(value: object) -> str:
    text = str(value or "").strip()
    if _LINE_BREAKS.search(text) or _CONTROL.search(text) or len(text) > 254:
        raise InvalidInput("That email address is not valid.", field="email")
    try:
        validate_email(text)
    except ValidationError:
        raise InvalidInput("That email address is not valid.", field="email") from None
    return text


def clean_text(value: object, *, field: str, limit: int) -> str:
    text = _CONTROL.sub("", str(value or "").replace("\r\n", "\n")).strip()
    if len(text) > limit:
        raise InvalidInput(f"{field} is longer than {limit} characters.", field=field)
    return text


def team_offering_sessions(*, slug: str) -> Team:
    team = Team.objects.filter(slug=slug).first()
    if team is None or team.session_minutes_per_week <= 0:
        raise NotFoundError(f"No team {slug!r} offers one-to-one sessions here.")
    return team


# -- messages ----------------------------------------------------------------------------------------


def _local(booking: Booking, instant: dt.datetime | None = None) -> str:
    """For the learner (no account, no zone of their own): the team's clock, zone spelled out."""
    tz = zoneinfo.ZoneInfo(booking.team.timezone)
    return f"{(instant or booking.starts_at).astimezone(tz):%A %d %B %Y, %H:%M} ({booking.team.timezone})"


def _learner_email(booking: Booking, *, subject: str, intro: str, cancelled: bool = False) -> None:
    team = booking.team
    lines = [
        f"Hello {booking.learner_name},",
        "",
        intro,
        "",
        f"When: {_local(booking)}, {booking.length_minutes} minutes",
        f"With: {booking.host.display_name}",
    ]
    if team.session_video_url and not cancelled:
        lines.append(f"Video link: {team.session_video_url}")
    if booking.agenda:
        lines += ["", "Your agenda:", booking.agenda]
    if not cancelled:
        lines += ["", f"To cancel, use your private link: {invitations.manage_url(booking)}"]
    lines += ["", f"— {team.name}"]
    message = email_message(to=booking.learner_email, subject=subject, body="\n".join(lines))
    method = "CANCEL" if cancelled else "REQUEST"
    message.payload = {
        "attachments": [
            {
                "filename": "invite.ics" if not cancelled else "cancel.ics",
                "content": invitations.invitation(booking, cancelled=cancelled).decode(),
                "mimetype": f"text/calendar; method={method}; charset=utf-8",
            }
        ]
    }
    outbox_add([message])


def _tell_host(booking: Booking, *, member: Member, kind: str, title: str, body: str = "") -> None:
    notify(
        recipient=member.user,
        kind=kind,
        title=title,
        body=body,
        link="/sessions/",
        team=booking.team,
        shift=booking.shift,
        webhook=False,
    )


# -- booking -----------------------------------------------------------------------------------------


def _entitlement_check(*, team: Team, key: str, slot_start: dt.datetime, length: int) -> None:
    week_begin, week_end = week_bounds(team=team, at=slot_start)
    booked = (
        Booking.objects.filter(team=team, learner_key=key, starts_at__gte=week_begin, starts_at__lt=week_end)
        .exclude(status=Booking.Status.CANCELLED)
        .values_list("starts_at", "ends_at")
    )
    used = sum(int((end - start).total_seconds() // 60) for start, end in booked)
    allowance = team.session_minutes_per_week
    if used + length <= allowance:
        return
    left = max(allowance - used, 0)
    raise ConflictError(
        f"This would take you past your {allowance} minutes a week with {team.name}: you have {left} "
        f"minute{'s' if left != 1 else ''} left in the week of {week_begin:%A %d %B} and a session takes "
        f"{length}. Your allowance renews on {week_end:%A %d %B %Y at %H:%M} ({team.timezone}).",
        field="starts_at",
    )


def booking_create(
    *,
    team: Team,
    name: str,
    email: str,
    starts_at: dt.datetime,
    agenda: str = "",
    now: dt.datetime | None = None,
) -> Booking:
    """Book the free slot at `starts_at` for a learner (no account). 409 if taken or over the allowance."""
    name = clean_name(name)
    email = clean_email(email)
    agenda = clean_text(agenda, field="agenda", limit=MAX_AGENDA)
    if starts_at.tzinfo is None or starts_at.utcoffset() is None:
        raise InvalidInput("starts_at needs a time-zone offset, e.g. 2026-03-02T09:00:00+01:00.")
    key = email.lower()
    with transaction.atomic():
        # Serialise bookings per team: the slot and the learner's weekly allowance are both re-checked
        # under this lock, so two learners racing for one slot get one 201 and one 409 (the unique
        # constraint on live sessions per team and start backs it up).
        team = Team.objects.select_for_update().get(pk=team.pk)
        if team.session_minutes_per_week <= 0:
            raise NotFoundError(f"{team.name} does not offer one-to-one sessions.")
        slot = slot_at(team=team, starts_at=starts_at, now=now)
        if slot is None:
            taken = (
                Booking.objects.filter(team=team, starts_at=starts_at)
                .exclude(status=Booking.Status.CANCELLED)
                .exists()
            )
            raise ConflictError(
                "Sorry, someone has just booked this slot; please pick another one."
                if taken
                else "This time is not a free slot (too soon, too far ahead or outside the team's "
                "sessions); please pick one from the list.",
                field="starts_at",
            )
        _entitlement_check(team=team, key=key, slot_start=slot.starts_at, length=team.session_length_minutes)
        try:
            with transaction.atomic():
                booking = Booking.objects.create(
                    team=team,
                    host=slot.shift.member,
                    shift=slot.shift,
                    learner_name=name,
                    learner_email=email,
                    learner_key=key,
                    agenda=agenda,
                    starts_at=slot.starts_at,
                    ends_at=slot.ends_at,
                )
        except IntegrityError:
            raise ConflictError(
                "Sorry, someone has just booked this slot; please pick another one.", field="starts_at"
            ) from None
        BookingEvent.objects.create(booking=booking, kind="booked", to_value=Booking.Status.BOOKED)
        booking.team = team
        _learner_email(
            booking,
            subject=f"Your session with {team.name} on {_local(booking)}",
            intro=f"your one-to-one session with {team.name} is booked.",
        )
        _tell_host(
            booking,
            member=booking.host,
            kind=NoticeKind.SESSION_BOOKED,
            title=f"Session with {name} on {at(booking.starts_at)}",
            body=f"Agenda: {agenda}" if agenda else "",
        )
    return booking


def booking_cancel(*, booking: Booking, actor=None, now: dt.datetime | None = None) -> Booking:
    """Cancel a future session (the learner through the private link, or the host or a manager):
    frees the slot and sends METHOD:CANCEL with the same UID and a higher SEQUENCE."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("team", "host__user")
            .get(pk=booking.pk)
        )
        if actor is not None:
            _check_may_record(booking=booking, actor=actor)
        if booking.status == Booking.Status.CANCELLED:
            raise ConflictError("This session is already cancelled.")
        if booking.status != Booking.Status.BOOKED or booking.starts_at <= now:
            raise ConflictError("Only sessions that have not started can be cancelled.")
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = now
        booking.sequence += 1
        booking.save(update_fields=["status", "cancelled_at", "sequence", "updated_at"])
        BookingEvent.objects.create(
            booking=booking, kind="cancelled", actor=actor, from_value="booked", to_value="cancelled"
        )
        by = "you" if actor is None else (actor.get_full_name() or actor.username)
        _learner_email(
            booking,
            subject=f"Cancelled: your session with {booking.team.name} on {_local(booking)}",
            intro=f"your one-to-one session has been cancelled (by {by}). The slot is free again.",
            cancelled=True,
        )
        _tell_host(
            booking,
            member=booking.host,
            kind=NoticeKind.SESSION_CANCELLED,
            title=f"Cancelled: session with {booking.learner_name} on {at(booking.starts_at)}",
        )
    return booking


def _check_may_record(*, booking: Booking, actor) -> None:
    if booking.host.user_id == actor.pk or user_manages(user=actor, team=booking.team):
        return
    if membership_of(user=actor, team=booking.team) is None:
        raise NotFoundError(f"No session {booking.pk} in your teams.")
    raise Forbidden("Only the session's host or a manager can change it.")


def booking_record(
    *,
    booking: Booking,
    actor,
    status: str | None = None,
    minutes: int | None = None,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """The host records the outcome: held (with minutes, effort) or no_show, and a note; or cancels."""
    now = now or timezone.now()
    if status == Booking.Status.CANCELLED:
        return booking_cancel(booking=booking, actor=actor, now=now)
    if status is not None and status not in (Booking.Status.HELD, Booking.Status.NO_SHOW):
        raise InvalidInput("status must be held, no_show or cancelled.", field="status")
    if minutes is not None and (isinstance(minutes, bool) or not 0 < int(minutes) <= 600):
        raise InvalidInput("minutes must be between 1 and 600.", field="minutes")
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("team", "host__user")
            .get(pk=booking.pk)
        )
        _check_may_record(booking=booking, actor=actor)
        if booking.status == Booking.Status.CANCELLED:
            raise ConflictError("This session was cancelled; it cannot be recorded.")
        old = booking.status
        fields = ["updated_at"]
        if status is not None and status != old:
            if booking.starts_at > now:
                raise ConflictError("A session can be marked held or no-show once it has started.")
            booking.status = status
            fields.append("status")
        if minutes is not None:
            booking.minutes = int(minutes)
            fields.append("minutes")
        if booking.status == Booking.Status.HELD and booking.minutes is None:
            booking.minutes = booking.length_minutes
            fields.append("minutes")
        if booking.status == Booking.Status.NO_SHOW and "status" in fields:
            booking.minutes = None
            fields.append("minutes")
        if note is not None:
            booking.note = clean_text(note, field="note", limit=MAX_NOTE)
            fields.append("note")
        booking.save(update_fields=sorted(set(fields)))
        if booking.status != old:
            BookingEvent.objects.create(
                booking=booking, kind=booking.status, actor=actor, from_value=old, to_value=booking.status
            )
    return booking


# -- a shift changes hands -----------------------------------------------------------------------------


def sessions_rehost(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Move each future session to the Primary who now serves the shift covering it (after an override,
    a swap or a re-plan), telling both hosts and the learner. The shift services need no hook: this
    sweep compares every future session with the covering shift, so it also catches changes made by a
    re-plan that replaced the shift rows. Safe to run twice at once (skip_locked, re-checked).

    A session whose time no shift covers any more keeps its host (nobody to move it to)."""
    now = now or timezone.now()
    covering = Shift.objects.filter(
        team=OuterRef("team"),
        role=Rotation.Role.PRIMARY,
        starts_at__lte=OuterRef("starts_at"),
        ends_at__gt=OuterRef("starts_at"),
    ).order_by("-starts_at")
    due = list(
        Booking.objects.filter(status=Booking.Status.BOOKED, starts_at__gt=now)
        .annotate(
            cover_shift=Subquery(covering.values("pk")[:1]),
            cover_member=Subquery(covering.values("member")[:1]),
        )
        .filter(cover_shift__isnull=False)
        .filter(~Q(cover_member=F("host_id")) | Q(shift__isnull=True) | ~Q(cover_shift=F("shift_id")))
        .values_list("pk", flat=True)[:limit]
    )
    moved = 0
    for booking_id in due:
        moved += _rehost_one(booking_id=booking_id, now=now)
    return moved


def _rehost_one(*, booking_id: int, now: dt.datetime) -> int:
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("team", "host__user")
            .filter(pk=booking_id, status=Booking.Status.BOOKED, starts_at__gt=now)
            .first()
        )
        if booking is None:
            return 0
        shift = (
            Shift.objects.filter(
                team=booking.team,
                role=Rotation.Role.PRIMARY,
                starts_at__lte=booking.starts_at,
                ends_at__gt=booking.starts_at,
            )
            .select_related("member__user")
            .order_by("-starts_at")
            .first()
        )
        if shift is None:
            return 0
        previous = booking.host
        booking.shift = shift
        if shift.member_id == previous.pk:
            booking.save(update_fields=["shift", "updated_at"])
            return 0
        booking.host = shift.member
        booking.sequence += 1
        booking.save(update_fields=["shift", "host", "sequence", "updated_at"])
        BookingEvent.objects.create(
            booking=booking,
            kind="rehosted",
            from_value=previous.display_name[:120],
            to_value=shift.member.display_name[:120],
        )
        when = at(booking.starts_at)  # in each host's zone
        _tell_host(
            booking,
            member=shift.member,
            kind=NoticeKind.SESSION_REHOSTED,
            title=f"You now host the session with {booking.learner_name} on {when}",
            body=f"The shift changed hands from {previous.display_name}.",
        )
        _tell_host(
            booking,
            member=previous,
            kind=NoticeKind.SESSION_REHOSTED,
            title=f"{shift.member.display_name} now hosts the session with {booking.learner_name} on {when}",
            body="The shift changed hands.",
        )
        _learner_email(
            booking,
            subject=f"Updated: your session with {booking.team.name} on {when}",
            intro=f"your session now takes place with {shift.member.display_name}, who is on duty at that "
            "time. The time is unchanged.",
        )
    return 1
