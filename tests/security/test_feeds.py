"""Calendar feeds are credentials of a member: removal revokes them, and managers can revoke them."""

import pytest
from django.test import Client

from audit.models import AuditEntry
from shifts import services
from shifts.models import CalendarFeed

pytestmark = pytest.mark.django_db


def _feed_status(token: str) -> int:
    return Client().get(f"/calendar/{token}.ics").status_code


@pytest.fixture
def feeds(team, manager, teammate):
    return {
        "team": services.feed_create(owner=teammate.user, team=team),
        "personal": services.feed_create(owner=teammate.user, team=team, member=teammate),
        "manager": services.feed_create(owner=manager.user, team=team),
    }


def test_removed_members_feeds_stop_working(api, manager, teammate, feeds):
    assert _feed_status(feeds["team"].token) == 200
    api.force_authenticate(manager.user)
    assert api.delete(f"/api/v1/teams/ads/members/{teammate.pk}/").status_code == 204
    assert _feed_status(feeds["team"].token) == 404
    assert _feed_status(feeds["personal"].token) == 404
    assert _feed_status(feeds["manager"].token) == 200
    assert CalendarFeed.objects.filter(owner=teammate.user, revoked_at__isnull=True).count() == 0


def test_a_former_members_unrevoked_feed_is_dead_too(teammate, feeds):
    # A feed made before removal revoked feeds, or a membership ended some other way.
    type(teammate).objects.filter(pk=teammate.pk).update(is_active=False)
    assert _feed_status(feeds["team"].token) == 404


def test_manager_revokes_a_members_feeds_by_api_and_it_is_audited(api, manager, teammate, feeds):
    api.force_authenticate(manager.user)
    response = api.post(f"/api/v1/teams/ads/members/{teammate.pk}/revoke-feeds/")
    assert response.status_code == 200
    assert response.json() == {"revoked": 2}
    assert _feed_status(feeds["team"].token) == 404
    assert _feed_status(feeds["personal"].token) == 404
    assert _feed_status(feeds["manager"].token) == 200
    entry = AuditEntry.objects.get(action="feeds.revoke")
    assert (entry.actor, entry.team.slug, entry.new) == (manager.user, "ads", {"feeds_revoked": 2})
    assert feeds["team"].token not in str(entry.__dict__)


def test_only_managers_revoke_feeds(api, teammate, primary, feeds, outsider):
    api.force_authenticate(primary.user)
    assert api.post(f"/api/v1/teams/ads/members/{teammate.pk}/revoke-feeds/").status_code == 403
    api.force_authenticate(outsider.user)
    assert api.post(f"/api/v1/teams/ads/members/{teammate.pk}/revoke-feeds/").status_code == 404
    assert _feed_status(feeds["team"].token) == 200


def test_manager_revokes_a_members_feeds_on_the_team_page(client, manager, teammate, feeds):
    client.force_login(manager.user)
    page = client.get("/teams/ads/").content.decode()
    assert f"/teams/ads/members/{teammate.pk}/revoke-feeds/" in page
    response = client.post(f"/teams/ads/members/{teammate.pk}/revoke-feeds/", follow=True)
    assert "Revoked 2 calendar feed(s)" in response.content.decode()
    assert _feed_status(feeds["personal"].token) == 404
