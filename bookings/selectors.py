"""Reads for sessions, shared by pages and the API; other teams' sessions are never visible (404)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.db.models import QuerySet
from django.utils import timezone

from shifts.models import Team
from shifts.selectors import teams_for_user
from supportops.errors import NotFoundError

from .models import Booking


def sessions_for_user(*, user) -> QuerySet[Booking]:
    return Booking.objects.filter(team__in=teams_for_user(user=user)).select_related(
        "team", "host__user", "shift"
    )


def session_get_for_user(*, user, session_id: int) -> Booking:
    booking = sessions_for_user(user=user).filter(pk=session_id).first()
    if booking is None:
        raise NotFoundError(f"No session {session_id} in your teams.")
    return booking


def session_get_by_token(*, token: str) -> Booking:
    booking = (
        Booking.objects.filter(manage_token=token).select_related("team", "host__user").first()
        if token
        else None
    )
    if booking is None:
        raise NotFoundError("No such session: check the link in your confirmation email.")
    return booking


def upcoming_for_host(*, user, now: dt.datetime | None = None, limit: int = 5) -> list[Booking]:
    """The user's booked sessions that have not ended yet, soonest first (the dashboard's list)."""
    now = now or timezone.now()
    return list(
        Booking.objects.filter(host__user=user, status=Booking.Status.BOOKED, ends_at__gt=now)
        .select_related("team", "host__user")
        .order_by("starts_at")[:limit]
    )


def sessions_by_local_day(
    *, team: Team, start: dt.datetime, end: dt.datetime, tz: dt.tzinfo | None = None
) -> dict[dt.date, list]:
    """Live sessions of a team between two instants, grouped by date in `tz` (the calendar page passes
    the viewer's zone; the team's by default)."""
    tz = tz or zoneinfo.ZoneInfo(team.timezone)
    rows = (
        Booking.objects.filter(team=team, starts_at__lt=end, ends_at__gt=start)
        .exclude(status=Booking.Status.CANCELLED)
        .select_related("host__user")
        .order_by("starts_at")
    )
    by_day: dict[dt.date, list] = {}
    for booking in rows:
        by_day.setdefault(booking.starts_at.astimezone(tz).date(), []).append(booking)
    return by_day
