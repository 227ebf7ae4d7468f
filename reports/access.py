"""Who may read reports: managers of the team and superusers. Other teams stay invisible (404)."""

from django.db.models import QuerySet

from shifts.models import Member, Team
from shifts.selectors import User, team_get_for_user, teams_for_user, user_manages
from supportops.errors import Forbidden


class ManagersOnly(Forbidden):
    """A member of the team who is not a manager: the team exists for them, its reports do not."""


def report_team_get(*, user: User, slug: str) -> Team:
    """The team whose reports the user may read; 404 if not theirs, 403 if they do not manage it."""
    team = team_get_for_user(user=user, slug=slug)
    if not user_manages(user=user, team=team):
        raise ManagersOnly(
            f"Reports of {team.name} are for its managers; ask one of them to share the figures."
        )
    return team


def managed_teams(*, user: User) -> QuerySet[Team]:
    if user.is_authenticated and user.is_superuser:
        return Team.objects.all().order_by("name")
    return Team.objects.filter(
        members__user=user, members__is_active=True, members__role=Member.Role.MANAGER
    ).order_by("name")


def team_load_teams(*, user: User) -> QuerySet[Team]:
    """Teams compared by the team-load report: those the user belongs to (all for superusers).

    Only someone who manages at least one team gets it at all.
    """
    if not managed_teams(user=user).exists():
        raise ManagersOnly("The team-load report is for managers; you manage no team.")
    return teams_for_user(user=user).order_by("name")
