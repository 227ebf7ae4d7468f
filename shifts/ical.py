"""RFC 5545 feeds of shifts, built with the icalendar library."""

import datetime as dt
from collections.abc import Callable, Iterable

from django.utils import timezone
from icalendar import Calendar, Event

from .models import CalendarFeed, Shift

# Other apps add events to feeds (e.g. bookings: a member's one-to-one sessions) without shifts
# importing them: each provider takes the feed and returns icalendar Events.
_FEED_EVENT_PROVIDERS: list[Callable[..., Iterable[Event]]] = []


def register_feed_events(provider: Callable[..., Iterable[Event]]) -> None:
    if provider not in _FEED_EVENT_PROVIDERS:
        _FEED_EVENT_PROVIDERS.append(provider)


def render_feed(*, feed: CalendarFeed, shifts: list[Shift]) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//SupportOps//Shifts//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    who = feed.member.display_name if feed.member_id else feed.team.name
    cal.add("x-wr-calname", f"{feed.team.name} shifts — {who}")
    now = timezone.now()
    for shift in shifts:
        event = Event()
        event.add("uid", f"shift-{shift.pk}@supportops")
        event.add("dtstamp", (shift.updated_at or now).astimezone(dt.UTC))
        event.add("dtstart", shift.starts_at.astimezone(dt.UTC))
        event.add("dtend", shift.ends_at.astimezone(dt.UTC))
        event.add("summary", f"{shift.get_role_display()} — {shift.member.display_name}")
        event.add(
            "description", f"{feed.team.name}: {shift.get_role_display()} ({shift.get_source_display()})"
        )
        cal.add_component(event)
    for provider in _FEED_EVENT_PROVIDERS:
        for event in provider(feed=feed):
            cal.add_component(event)
    return cal.to_ical()
