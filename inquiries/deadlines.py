"""Response deadlines from the team's coverage (SPEC 3.1)."""

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


@transaction.atomic
def recompute_open_deadlines(*, team: Team) -> int:
    """Recompute deadlines of the team's inquiries not yet responded to; returns how many changed."""
    from .models import Inquiry

    changed = []
    calendar = BusinessCalendar.for_team(team)
    for inquiry in (
        Inquiry.objects.select_for_update()
        .filter(team=team, status=Inquiry.Status.NEW)
        .only("pk", "received_at", "response_due_at", "response_guarantee_at")
    ):
        due, guarantee = response_deadlines(team=team, received_at=inquiry.received_at, calendar=calendar)
        if (due, guarantee) != (inquiry.response_due_at, inquiry.response_guarantee_at):
            inquiry.response_due_at, inquiry.response_guarantee_at = due, guarantee
            changed.append(inquiry)
    Inquiry.objects.bulk_update(changed, ["response_due_at", "response_guarantee_at"], batch_size=500)
    return len(changed)
