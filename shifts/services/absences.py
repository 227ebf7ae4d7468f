"""Absences: a hard rule for the scheduler; a new one re-plans colliding future shifts."""

import datetime as dt

from django.db import transaction

from supportops.errors import InvalidInput, NotFoundError

from ..models import Absence, Member
from .common import require_self_or_manager
from .rotations import rotations_replan_for_member


@transaction.atomic
def absence_create(
    *,
    member: Member,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    actor,
    reason: str = Absence.Reason.VACATION,
    note: str = "",
) -> Absence:
    """Record an absence; the member's colliding future shifts go to others and everyone affected is told."""
    require_self_or_manager(actor=actor, member=member)
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise InvalidInput("starts_at and ends_at need a time zone offset.", field="starts_at")
    if ends_at <= starts_at:
        raise InvalidInput("An absence must end after it starts.", field="ends_at")
    if reason not in Absence.Reason.values:
        raise InvalidInput(f"reason must be one of {', '.join(Absence.Reason.values)}.", field="reason")
    if len(note) > 200:
        raise InvalidInput("note is at most 200 characters.", field="note")
    if not member.is_active:
        raise InvalidInput(
            f"{member.display_name} is no longer a member of {member.team.name}.", field="member"
        )
    absence = Absence.objects.create(
        member=member, starts_at=starts_at, ends_at=ends_at, reason=reason, note=note
    )
    rotations_replan_for_member(member=member, start=starts_at, end=ends_at, actor=actor)
    return absence


@transaction.atomic
def absence_delete(*, absence: Absence, actor) -> None:
    """Withdraw an absence: the member is available again and future shifts are re-planned.

    Shifts already handed over are kept as long as the bound holds; the member gets shifts back only
    where fairness needs it, with as few moves as possible (SPEC 3.2), and whoever is affected is told.
    """
    require_self_or_manager(actor=actor, member=absence.member)
    absence = Absence.objects.select_for_update().select_related("member__team").filter(pk=absence.pk).first()
    if absence is None:
        raise NotFoundError("This absence was already removed.")
    member, start, end = absence.member, absence.starts_at, absence.ends_at
    absence.delete()
    if member.is_active:
        rotations_replan_for_member(member=member, start=start, end=end, actor=actor)
