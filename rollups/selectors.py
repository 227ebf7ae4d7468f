"""Figures of a reporting period: stored days where they are current, raw rows for the others."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db.models import Q

from shifts.models import Team

from .figures import Figures, Key, calendar_key, raw_figures
from .models import DayTopicFigures, DirtyDay, RolledDay


def period_figures(*, team: Team, first: dt.date, last: dt.date, now: dt.datetime) -> dict[Key, Figures]:
    """Figures per (day, topic) for the local days first..last. A stored day (not today: the partial
    edge) is used when the triggers have not marked it since, it was computed under the team's current
    calendar and nothing of it can still be pending at `now`; every other day is computed from the raw
    rows. Without PostgreSQL (no triggers) every day is raw."""
    days = {first + dt.timedelta(days=n) for n in range((last - first).days + 1)}
    if not settings.IS_POSTGRES:
        return raw_figures(team=team, days=days, now=now)[0]
    # Today is the partial edge: still filling, always read from the raw rows.
    today = now.astimezone(zoneinfo.ZoneInfo(team.timezone)).date()
    usable = set(
        RolledDay.objects.filter(team=team, day__gte=first, day__lte=last, calendar_key=calendar_key(team))
        .filter(Q(settled_at__isnull=True) | Q(settled_at__lte=now))
        .exclude(day__in=DirtyDay.objects.filter(team=team, day__gte=first, day__lte=last).values("day"))
        .values_list("day", flat=True)
    ) - {today}
    figures, _ = raw_figures(team=team, days=days - usable, now=now)
    stored = DayTopicFigures.objects.filter(team=team, day__gte=first, day__lte=last).values_list(
        "day",
        "topic_id",
        "received",
        "responded",
        "within_target",
        "within_guarantee",
        "resolved",
        "documentation",
        "effort_minutes",
        "with_resolution_target",
        "resolved_within_target",
        "pending_resolution",
        "channels",
        "calendar_minutes",
        "business_minutes",
    )
    for day, topic_id, *values in stored:
        if day not in usable:
            continue
        (
            received,
            responded,
            target,
            guarantee,
            resolved,
            documentation,
            effort,
            with_resolution,
            resolved_in_time,
            pending_resolution,
            channels,
            calendar,
            business,
        ) = values
        figures[(day, topic_id)].add(
            Figures(
                received=received,
                responded=responded,
                within_target=target,
                within_guarantee=guarantee,
                resolved=resolved,
                documentation=documentation,
                effort_minutes=effort,
                with_resolution_target=with_resolution,
                resolved_within_target=resolved_in_time,
                pending_resolution=pending_resolution,
                channels={channel: list(counts) for channel, counts in (channels or {}).items()},
                calendar_minutes=calendar,
                business_minutes=business,
            )
        )
    return figures
