"""Managers' integration changes are audited (secrets as set/not set only); a GitHub Enterprise API URL
gets the outbound check at save time."""

import pytest

from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_integration_changes_are_audited_without_their_secrets(as_member, manager, team):
    api = as_member(manager)
    created = api.post(
        "/api/v1/teams/ads/integrations/",
        {"kind": "github", "name": "repo", "secret": "s3cret-value"},
        format="json",
    ).json()
    base = f"/api/v1/teams/ads/integrations/{created['id']}/"
    api.patch(base, {"name": "renamed", "access_token": "ghp_tokenvalue"}, format="json")
    api.post(base + "rotate/")
    api.delete(base)
    entries = list(AuditEntry.objects.filter(team=team).order_by("pk"))
    assert [e.action for e in entries if e.action.startswith("integration.")] == [
        "integration.create",
        "integration.update",
        "integration.rotate",
        "integration.delete",
    ]
    dump = repr([(e.old, e.new) for e in entries])
    assert "s3cret-value" not in dump and "ghp_tokenvalue" not in dump
    assert all(e.actor_id == manager.user_id for e in entries if e.action.startswith("integration."))


def test_an_internal_api_url_is_refused_at_save(as_member, manager, team, settings):
    settings.OUTBOUND_ALLOWED_HOSTS = []
    response = as_member(manager).post(
        "/api/v1/teams/ads/integrations/",
        {"kind": "github", "name": "ghe", "api_url": "http://169.254.169.254/api/v3"},
        format="json",
    )
    assert response.status_code == 400 and "api_url" in response.content.decode()
