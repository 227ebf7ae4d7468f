"""Private calendar feeds (token URLs), revocable."""

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from supportops.errors import ConflictError, Forbidden

from ..models import CalendarFeed, Member, Team
from ..selectors import membership_of


@transaction.atomic
def feed_create(*, owner, team: Team, member: Member | None = None) -> CalendarFeed:
    """A feed of one member's shifts (their own) or, member empty, of the whole team's."""
    if membership_of(user=owner, team=team) is None and not owner.is_superuser:
        raise Forbidden(f"You are not a member of {team.name}.")
    if member is not None and (member.team_id != team.pk or member.user_id != owner.pk):
        raise Forbidden("A personal feed is for your own shifts.")
    return CalendarFeed.objects.create(owner=owner, team=team, member=member)


@transaction.atomic
def feed_revoke(*, feed: CalendarFeed, actor) -> CalendarFeed:
    feed = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
    if feed.owner_id != actor.pk:
        raise Forbidden("Only the feed's owner can revoke it.")
    if feed.revoked_at is not None:
        raise ConflictError("This feed is already revoked.")
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at"])
    return feed


def feeds_revoke_for_member(*, member: Member) -> int:
    """Revoke every live feed the member's account holds in the member's team (personal and team-wide).
    Called inside the caller's transaction (member removal, a manager's revocation)."""
    return CalendarFeed.objects.filter(
        owner_id=member.user_id, team_id=member.team_id, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())


@transaction.atomic
def feeds_revoke_by_manager(*, member: Member, actor) -> int:
    """A manager revokes a member's calendar feeds of their team (a lost phone, a leaked link)."""
    if not (
        actor.is_superuser
        or Member.objects.filter(
            team_id=member.team_id, user=actor, is_active=True, role=Member.Role.MANAGER
        ).exists()
    ):
        raise Forbidden(f"Only managers of {member.team.name} can revoke its members' feeds.")
    revoked = feeds_revoke_for_member(member=member)
    audit_record(
        actor=actor, team=member.team, action="feeds.revoke", obj=member, new={"feeds_revoked": revoked}
    )
    return revoked
