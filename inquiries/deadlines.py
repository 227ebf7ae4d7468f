"""Response and resolution deadlines from the team's coverage (SPEC 3.1)."""

import datetime as dt

from django.db import transaction

from shifts.business_time import BusinessCalendar
from shifts.models import Team


def response_deadlines(
    *, team: Team, received_at: dt.datetime, calendar: BusinessCalendar | None = None
) -> tuple[dt.datetime | None, dt.datetime]:
    """(response_due_at, response_guarantee_at) for an inquiry received at `received_at`.

    Pass `calendar` when computing many: building it (holidays, windows) is the expensive part."""
    calendar = calendar or BusinessCalendar.for_team(team)
    due = calendar.add_minutes(received_at, team.response_target_minutes)
    guarantee = received_at + dt.timedelta(minutes=team.response_guarantee_minutes)
    return due, guarantee


def resolution_deadline(
    *,
    team: Team,
    received_at: dt.datetime,
    paused_minutes: float = 0,
    calendar: BusinessCalendar | None = None,
) -> dt.datetime | None:
    """resolution_due_at: `resolution_target_minutes` business minutes after `received_at`, not counting
    the business minutes the clock stood still (waiting on the requester). None without a target."""
    if not team.resolution_target_minutes:
        return None
    calendar = calendar or BusinessCalendar.for_team(team)
    return calendar.add_minutes(received_at, team.resolution_target_minutes + paused_minutes)


def resolution_clock_resume(*, inquiry, stopped_at: dt.datetime | None, now: dt.datetime) -> None:
    """The resolution clock runs again after standing still since `stopped_at` (waiting, resolved):
    the business minutes it stood still move the deadline, if it was still ahead when it stopped (a
    deadline missed before the wait stays missed). Changes the instance; the caller saves it."""
    team = inquiry.team
    if stopped_at is None or not team.resolution_target_minutes:
        return
    due = inquiry.resolution_due_at
    if due is not None and due <= stopped_at:
        return
    calendar = BusinessCalendar.for_team(team)
    inquiry.resolution_paused_minutes += calendar.minutes_between(stopped_at, now)
    inquiry.resolution_due_at = resolution_deadline(
        team=team,
        received_at=inquiry.received_at,
        paused_minutes=inquiry.resolution_paused_minutes,
        calendar=calendar,
    )


@transaction.atomic
def recompute_open_deadlines(*, team: Team) -> int:
    """Recompute response deadlines of the team's inquiries not yet responded to, and resolution
    deadlines of its open ones; returns how many inquiries changed."""
    from .models import OPEN_STATUSES, Inquiry

    changed = []
    calendar = BusinessCalendar.for_team(team)
    for inquiry in (
        Inquiry.objects.select_for_update()
        .filter(team=team, status__in=OPEN_STATUSES)
        .only(
            "pk",
            "status",
            "received_at",
            "response_due_at",
            "response_guarantee_at",
            "resolution_due_at",
            "resolution_paused_minutes",
        )
    ):
        before = (inquiry.response_due_at, inquiry.response_guarantee_at, inquiry.resolution_due_at)
        if inquiry.status == Inquiry.Status.NEW:
            inquiry.response_due_at, inquiry.response_guarantee_at = response_deadlines(
                team=team, received_at=inquiry.received_at, calendar=calendar
            )
        inquiry.resolution_due_at = resolution_deadline(
            team=team,
            received_at=inquiry.received_at,
            paused_minutes=inquiry.resolution_paused_minutes,
            calendar=calendar,
        )
        if before != (inquiry.response_due_at, inquiry.response_guarantee_at, inquiry.resolution_due_at):
            changed.append(inquiry)
    Inquiry.objects.bulk_update(
        changed, ["response_due_at", "response_guarantee_at", "resolution_due_at"], batch_size=500
    )
    return len(changed)
