"""RFC 5545 feeds of shifts, built with the icalendar library."""

import datetime as dt

from django.utils import timezone
from icalendar import Calendar, Event

from .models import CalendarFeed, Shift


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
    return cal.to_ical()
