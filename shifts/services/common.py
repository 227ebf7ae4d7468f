"""Helpers shared by the shifts services: permission checks and availability of a member."""

import datetime as dt

from supportops.errors import Forbidden

from ..models import Absence, Member, Shift, Team
from ..selectors import user_manages


def require_manager(*, actor, team: Team) -> None:
    if not user_manages(user=actor, team=team):
        raise Forbidden(f"Only managers of {team.name} can do this.")


def require_self_or_manager(*, actor, member: Member) -> None:
    if member.user_id != getattr(actor, "pk", None) and not user_manages(user=actor, team=member.team):
        raise Forbidden(f"Only {member.display_name} or a manager of {member.team.name} can do this.")


def unavailable_reason(
    *, member: Member, start: dt.datetime, end: dt.datetime, role: str, team: Team
) -> str | None:
    """Why `member` cannot serve [start, end) in `role`, or None."""
    if member.team_id != team.pk or not member.is_active:
        return f"{member.display_name} is not an active member of {team.name}."
    if Absence.objects.filter(member=member, starts_at__lt=end, ends_at__gt=start).exists():
        return f"{member.display_name} is absent during that shift."
    if (
        Shift.objects.filter(member=member, team=team, starts_at__lt=end, ends_at__gt=start)
        .exclude(role=role)
        .exists()
    ):
        return f"{member.display_name} serves the other role at that time."
    return None
