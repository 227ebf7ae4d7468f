"""Managers connect integrations (API and pages); developers may not, other teams see nothing."""

import pytest

from integrations.models import Integration

pytestmark = pytest.mark.django_db

URL = "/api/v1/teams/ads/integrations/"


def test_a_manager_creates_an_integration_and_never_sees_its_secrets(as_member, manager):
    api = as_member(manager)

    response = api.post(
        URL,
        {
            "kind": "github",
            "name": "ads/notebooks",
            "secret": "s3cret",
            "access_token": "ghp_x",
            "labels": ["support"],
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    data = response.json()
    assert data["url"].startswith("http") and data["url"].endswith(
        f"/hooks/{Integration.objects.get().token}/"
    )
    assert data["secret_set"] is True and data["access_token_set"] is True
    assert (
        data["api_url"] == "https://api.github.com"
        and data["auto_resolve"] is True
        and data["active"] is True
    )
    assert "s3cret" not in response.content.decode() and "ghp_x" not in response.content.decode()
    listed = api.get(URL).json()
    assert listed["count"] == 1 and "s3cret" not in str(listed)


def test_secrets_are_encrypted_at_rest(as_member, manager):
    as_member(manager).post(URL, {"kind": "github", "name": "r", "secret": "s3cret-value"}, format="json")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM integrations_integration")
        [(stored,)] = cursor.fetchall()
    assert stored.startswith("enc1:") and "s3cret-value" not in stored


def test_patch_rotate_and_delete(as_member, manager):
    api = as_member(manager)
    created = api.post(URL, {"kind": "alertmanager", "name": "prod"}, format="json").json()
    detail = f"{URL}{created['id']}/"

    patched = api.patch(detail, {"auto_resolve": False, "secret": "x"}, format="json").json()
    assert patched["auto_resolve"] is False and patched["secret_set"] is True
    assert api.patch(detail, {"secret": ""}, format="json").json()["secret_set"] is False

    rotated = api.post(f"{detail}rotate/").json()
    assert rotated["url"] != created["url"]
    old_token = created["url"].rstrip("/").rsplit("/", 1)[1]
    assert api.post(f"/hooks/{old_token}/", {}, format="json").status_code == 404

    assert api.delete(detail).status_code == 204
    assert not Integration.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "gitlab", "name": "x"}, "kind"),
        ({"kind": "github"}, "name"),
        ({"kind": "github", "name": "x", "api_url": "ftp://x"}, "api_url"),
        ({"kind": "github", "name": "x", "colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_400_and_creates_nothing(as_member, manager, body, field):
    response = as_member(manager).post(URL, body, format="json")

    assert response.status_code == 400
    assert field in str(response.json())
    assert not Integration.objects.exists()


def test_the_kind_cannot_change(as_member, manager):
    api = as_member(manager)
    created = api.post(URL, {"kind": "github", "name": "r"}, format="json").json()

    assert api.patch(f"{URL}{created['id']}/", {"kind": "grafana"}, format="json").status_code == 400


def test_developers_get_403_and_other_teams_404(as_member, manager, primary, outsider, api):
    created = as_member(manager).post(URL, {"kind": "github", "name": "r"}, format="json").json()

    as_member(primary)
    assert api.get(URL).status_code == 403
    assert api.get(f"{URL}{created['id']}/").status_code == 403
    assert api.post(URL, {"kind": "github", "name": "mine"}, format="json").status_code == 403
    as_member(outsider)
    assert api.get(URL).status_code == 404
    assert api.get(f"/api/v1/teams/bio/integrations/{created['id']}/").status_code == 404
    assert Integration.objects.count() == 1


def test_the_settings_pages_for_managers(client, manager, primary):
    client.force_login(manager.user)
    assert 'href="/teams/ads/integrations/"' in client.get("/teams/ads/").content.decode()

    response = client.post(
        "/teams/ads/integrations/",
        {"kind": "github", "name": "ads/site", "secret": "s", "auto_resolve": "on"},
    )
    integration = Integration.objects.get()
    assert response.status_code == 302
    page = client.get(f"/teams/ads/integrations/{integration.pk}/").content.decode()
    assert f"/hooks/{integration.token}/" in page

    # Rotating asks first; only the confirmed POST changes the URL.
    confirm = client.get(f"/teams/ads/integrations/{integration.pk}/rotate/")
    assert confirm.status_code == 200 and "stops working" in confirm.content.decode()
    old = integration.token
    client.post(f"/teams/ads/integrations/{integration.pk}/rotate/", {})
    integration.refresh_from_db()
    assert integration.token == old
    client.post(f"/teams/ads/integrations/{integration.pk}/rotate/", {"confirm": "yes"})
    integration.refresh_from_db()
    assert integration.token != old

    client.post(f"/teams/ads/integrations/{integration.pk}/delete/", {"confirm": "yes"})
    assert not Integration.objects.exists()

    client.force_login(primary.user)
    assert client.get("/teams/ads/integrations/").status_code == 403
