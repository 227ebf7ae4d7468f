"""Figures of a reporting period: stored days where they are current, raw rows for the others."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db.models import Q

from shifts.models import Team

from .figures import Figures, Key, MemberFigures, calendar_key, raw_figures, raw_member_figures
from .models import DayMemberFigures, DayTopicFigures, DirtyDay, RolledDay


def _days(first: dt.date, last: dt.date) -> set[dt.date]:
    return {first + dt.timedelta(days=n) for n in range((last - first).days + 1)}


def usable_days(*, team: Team, first: dt.date, last: dt.date, now: dt.datetime) -> set[dt.date]:
    """The days first..last whose stored figures are current: stored under the team's current calendar,
    not marked since, settled at `now`, and not today (the partial edge, always read from raw rows)."""
    today = now.astimezone(zoneinfo.ZoneInfo(team.timezone)).date()
    return set(
        RolledDay.objects.filter(team=team, day__gte=first, day__lte=last, calendar_key=calendar_key(team))
        .filter(Q(settled_at__isnull=True) | Q(settled_at__lte=now))
        .exclude(day__in=DirtyDay.objects.filter(team=team, day__gte=first, day__lte=last).values("day"))
        .values_list("day", flat=True)
    ) - {today}


def period_figures(*, team: Team, first: dt.date, last: dt.date, now: dt.datetime) -> dict[Key, Figures]:
    """Figures per (day, topic) for the local days first..last. A stored day (not today: the partial
    edge) is used when the triggers have not marked it since, it was computed under the team's current
    calendar and nothing of it can still be pending at `now`; every other day is computed from the raw
    rows. Without PostgreSQL (no triggers) every day is raw."""
    days = _days(first, last)
    if not settings.IS_POSTGRES:
        return raw_figures(team=team, days=days, now=now)[0]
    usable = usable_days(team=team, first=first, last=last, now=now)
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


def period_member_figures(*, team: Team, first: dt.date, last: dt.date, now: dt.datetime) -> MemberFigures:
    """What each member did in the local days first..last (the load report): stored days where current
    (as `period_figures`), raw rows for the others; without PostgreSQL every day is raw."""
    days = _days(first, last)
    usable = usable_days(team=team, first=first, last=last, now=now) if settings.IS_POSTGRES else set()
    total = MemberFigures()
    for figures in raw_member_figures(team=team, days=days - usable).values():
        total.add(figures)
    if not usable:
        return total
    stored = DayMemberFigures.objects.filter(team=team, day__gte=first, day__lte=last).values_list(
        "day", "user_id", "member_id", "responded", "resolved", "effort_minutes", "effort_outside_minutes"
    )
    for day, user_id, member_id, responded, resolved, minutes, outside in stored:
        if day not in usable:
            continue
        if user_id is not None:
            if responded:
                total.responded[user_id] = total.responded.get(user_id, 0) + responded
            if resolved:
                total.resolved.setdefault(user_id, set()).update(resolved)
        if member_id is not None:
            mine = total.effort.setdefault(member_id, [0, 0])
            mine[0] += minutes
            mine[1] += outside
    return total


def period_received(*, team: Team, first: dt.date, last: dt.date, now: dt.datetime) -> int:
    """Inquiries the team received in the local days first..last: stored days' counts where current,
    a count of the raw rows for the others."""
    from django.db.models import Sum

    from inquiries.models import Inquiry

    from .figures import _received_in, day_ranges

    days = _days(first, last)
    usable = usable_days(team=team, first=first, last=last, now=now) if settings.IS_POSTGRES else set()
    raw = days - usable
    received = 0
    if raw:
        ranges = day_ranges(raw, zoneinfo.ZoneInfo(team.timezone))
        received += Inquiry.objects.filter(team=team).filter(_received_in(ranges)).count()
    if usable:
        received += (
            DayTopicFigures.objects.filter(team=team, day__in=sorted(usable)).aggregate(n=Sum("received"))[
                "n"
            ]
            or 0
        )
    return received
