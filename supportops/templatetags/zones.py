"""Times on signed-in pages: in the viewer's zone (ViewerTimezoneMiddleware activates it), always with the
zone's name; where the team's own clock matters (shift boundaries, handoff times, what is typed in the
team's zone) the team's time is shown too, marked `data-zone="team"`.

`{{ value|date:"D j M H:i T" }}` is the plain case (the viewer's zone, labelled). These tags add:

- `{% team_time value team %}`: a time as the team reads it, labelled and marked;
- `{% also_team_time value team %}`: " · team 09:00 CET" when the team's clock differs from the
  viewer's at that instant (nothing otherwise);
- `{% team_wall_clock time team %}`: a wall-clock time of day defined in the team's zone (a handoff time);
- `{% zone_note team %}`: which zone the page's times are in, and the team's when it differs.
"""

import datetime as dt
import zoneinfo

from django import template
from django.utils import dateformat, timezone
from django.utils.html import format_html

register = template.Library()


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _differs(value: dt.datetime, team_zone: zoneinfo.ZoneInfo) -> bool:
    viewer = timezone.get_current_timezone()
    return value.astimezone(viewer).utcoffset() != value.astimezone(team_zone).utcoffset()


@register.simple_tag
def team_time(value: dt.datetime | None, team, fmt: str = "D j M H:i") -> str:
    if value is None:
        return ""
    local = timezone.localtime(value, _zone(team.timezone))
    return format_html(
        '<span class="team-time" data-zone="team" title="The team\'s time ({})">{} {}</span>',
        team.timezone,
        dateformat.format(local, fmt),
        local.tzname(),
    )


@register.simple_tag
def also_team_time(value: dt.datetime | None, team, fmt: str = "H:i") -> str:
    if value is None:
        return ""
    zone = _zone(team.timezone)
    if not _differs(value, zone):
        return ""
    local = timezone.localtime(value, zone)
    return format_html(
        '<span class="team-time muted small" data-zone="team" title="The team\'s time ({})">'
        "· team {} {}</span>",
        team.timezone,
        dateformat.format(local, fmt),
        local.tzname(),
    )


@register.simple_tag
def team_wall_clock(value: dt.time | None, team) -> str:
    """A time of day that is defined in the team's zone (a rotation's handoff): "09:00 Europe/Zurich"."""
    if value is None:
        return ""
    return format_html(
        '<span class="team-time" data-zone="team" title="The team\'s time">{} {}</span>',
        value.strftime("%H:%M"),
        team.timezone,
    )


@register.simple_tag
def zone_note(team=None) -> str:
    viewer = timezone.get_current_timezone()
    now = timezone.now()
    text = format_html(
        'Times in your zone, {} ({}; <a href="/profile/">change</a>)',
        viewer.key if hasattr(viewer, "key") else str(viewer),
        now.astimezone(viewer).tzname(),
    )
    if team is not None and _zone(team.timezone).key != getattr(viewer, "key", None):
        team_zone = _zone(team.timezone)
        text = format_html(
            '{}; the team works in <span data-zone="team">{} ({})</span>',
            text,
            team.timezone,
            now.astimezone(team_zone).tzname(),
        )
    return format_html('<p class="muted small zone-note" data-testid="zone-note">{}.</p>', text)


@register.filter
def duration(minutes: int | None) -> str:
    """Minutes for people: 30 -> "30 min", 240 -> "4 h", 100 -> "1 h 40 min", 1440 -> "1 day",
    10080 -> "7 days"."""
    if minutes is None:
        return ""
    minutes = int(minutes)
    if minutes >= 1440 and minutes % 720 == 0:
        days = minutes / 1440
        return f"{days:g} day" if days == 1 else f"{days:g} days"
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h" if not rest else f"{hours} h {rest} min"


@register.filter
def ago(value: dt.datetime | None) -> str:
    """ "3 hours ago": how long ago, to the largest unit (no clock time, so no zone to name)."""
    if value is None:
        return ""
    from django.utils.timesince import timesince

    if timezone.now() - value < dt.timedelta(minutes=1):
        return "just now"
    return f"{timesince(value, depth=1)} ago"
