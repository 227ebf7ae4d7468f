"""Private calendar feeds (token URLs), revocable."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from supportops.errors import ConflictError

from ..models import CalendarFeed, Member, Team
from ..selectors import membership_of


@transaction.atomic
def feed_create(*, owner, team: Team, member: Member | None = None) -> CalendarFeed:
    """A feed of one member's shifts (their own) or, member empty, of the whole team's."""
    if membership_of(user=owner, team=team) is None and not owner.is_superuser:
        raise PermissionDenied(f"You are not a member of {team.name}.")
    if member is not None and (member.team_id != team.pk or member.user_id != owner.pk):
        raise PermissionDenied("A personal feed is for your own shifts.")
    return CalendarFeed.objects.create(owner=owner, team=team, member=member)


@transaction.atomic
def feed_revoke(*, feed: CalendarFeed, actor) -> CalendarFeed:
    feed = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
    if feed.owner_id != actor.pk:
        raise PermissionDenied("Only the feed's owner can revoke it.")
    if feed.revoked_at is not None:
        raise ConflictError("This feed is already revoked.")
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at"])
    return feed
