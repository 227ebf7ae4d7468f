"""Response deadlines from the team's coverage (SPEC 3.1)."""

import datetime as dt

from django.db import transaction

from shifts.business_time import add_business_minutes
from shifts.models import Team


def response_deadlines(*, team: Team, received_at: dt.datetime) -> tuple[dt.datetime | None, dt.datetime]:
    """(response_due_at, response_guarantee_at) for an inquiry received at `received_at`."""
    due = add_business_minutes(team=team, start=received_at, minutes=team.response_target_minutes)
    guarantee = received_at + dt.timedelta(minutes=team.response_guarantee_minutes)
    return due, guarantee


@transaction.atomic
def recompute_open_deadlines(*, team: Team) -> int:
    """Recompute deadlines of the team's inquiries not yet responded to; returns how many changed."""
    from .models import Inquiry

    changed = []
    for inquiry in Inquiry.objects.select_for_update().filter(team=team, status=Inquiry.Status.NEW):
        due, guarantee = response_deadlines(team=team, received_at=inquiry.received_at)
        if (due, guarantee) != (inquiry.response_due_at, inquiry.response_guarantee_at):
            inquiry.response_due_at, inquiry.response_guarantee_at = due, guarantee
            changed.append(inquiry)
    Inquiry.objects.bulk_update(changed, ["response_due_at", "response_guarantee_at"], batch_size=500)
    return len(changed)
