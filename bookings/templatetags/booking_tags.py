"""Sessions on the hosts' pages without the dashboard or calendar views knowing about bookings."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from ..selectors import sessions_by_local_day, upcoming_for_host

register = template.Library()


def _until(delta: dt.timedelta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes < 60:
        return f"in {minutes} min"
    hours, mins = divmod(minutes, 60)
    if hours < 24:
        return f"in {hours} h {mins} min" if mins else f"in {hours} h"
    return f"in {hours // 24} d {hours % 24} h"


@register.inclusion_tag("bookings/_dashboard.html", takes_context=True)
def my_sessions(context) -> dict:
    user = context["request"].user
    now = timezone.now()
    sessions = upcoming_for_host(user=user, now=now) if user.is_authenticated else []
    first = sessions[0] if sessions else None
    when = None
    if first is not None:
        when = "now" if first.starts_at <= now else _until(first.starts_at - now)
    return {"sessions": sessions, "next_session": first, "next_when": when}


@register.simple_tag
def team_sessions_by_day(team, weeks) -> dict:
    """{date: [sessions]} for the calendar's visible days, dates in the viewer's zone like the calendar's
    own (one query)."""
    days = [d["date"] for week in weeks for d in week]
    if not days or team is None:
        return {}
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(days[0], dt.time(), tzinfo=tz)
    end = dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    return sessions_by_local_day(team=team, start=start, end=end, tz=tz)


@register.filter
def on_day(by_day: dict, day) -> list:
    return by_day.get(day, []) if by_day else []
