"""Calendar invitations for sessions (RFC 5545/5546 via icalendar): REQUEST when booked or re-hosted,
CANCEL when cancelled; one UID per session and a SEQUENCE that every change bumps, so a calendar client
updates the event it already has instead of adding a second one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlparse

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from shifts.models import CalendarFeed

from .models import Booking


def manage_url(booking: Booking) -> str:
    return settings.SITE_URL + reverse("booking-manage", args=[booking.manage_token])


def session_uid(booking: Booking) -> str:
    host = urlparse(settings.SITE_URL).hostname or "localhost"
    return f"session-{booking.pk}@{host}"


def _organizer(booking: Booking) -> vCalAddress:
    user = booking.host.user
    address = vCalAddress(f"mailto:{user.email or settings.DEFAULT_FROM_EMAIL}")
    address.params["cn"] = vText(booking.host.display_name)
    return address


def _event(booking: Booking, *, cancelled: bool, for_learner: bool = True) -> Event:
    team = booking.team
    event = Event()
    event.add("uid", session_uid(booking))
    event.add("sequence", booking.sequence)
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    event.add("dtstart", booking.starts_at.astimezone(dt.UTC))
    event.add("dtend", booking.ends_at.astimezone(dt.UTC))
    if for_learner:
        event.add("summary", f"{team.name}: one-to-one session with {booking.host.display_name}")
    else:
        event.add("summary", f"Session with {booking.learner_name}")
    lines = [f"Agenda: {booking.agenda}" if booking.agenda else "No agenda given."]
    if team.session_video_url:
        lines.append(f"Join: {team.session_video_url}")
        event.add("location", team.session_video_url)
        event.add("url", team.session_video_url)
    if for_learner:
        lines.append(f"Cancel or see this session: {manage_url(booking)}")
    event.add("description", "\n".join(lines))
    event.add("organizer", _organizer(booking))
    attendee = vCalAddress(f"mailto:{booking.learner_email}")
    attendee.params["cn"] = vText(booking.learner_name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("ACCEPTED")
    event.add("attendee", attendee)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def invitation(booking: Booking, *, cancelled: bool = False) -> bytes:
    """The .ics sent to the learner: METHOD:REQUEST (new or changed) or METHOD:CANCEL."""
    cal = Calendar()
    cal.add("prodid", "-//SupportOps//Sessions//EN")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "REQUEST")
    cal.add_component(_event(booking, cancelled=cancelled))
    return cal.to_ical()


def feed_events(*, feed: CalendarFeed) -> Iterable[Event]:
    """Sessions for a member's iCal feed (registered with shifts.ical): live ones from 90 days back."""
    if not feed.member_id:
        return []
    since = timezone.now() - dt.timedelta(days=90)
    bookings = (
        Booking.objects.filter(host_id=feed.member_id, ends_at__gte=since)
        .exclude(status=Booking.Status.CANCELLED)
        .select_related("team", "host__user")
    )
    return [_event(booking, cancelled=False, for_learner=False) for booking in bookings]
