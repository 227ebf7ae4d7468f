"""The audit log: team settings, membership, role, webhook, mailbox and token changes leave a row with
actor, old and new values; secrets are never written; managers read it (API and page)."""

import json

import pytest

from audit.models import AuditEntry
from audit.services import MASK, mask

pytestmark = pytest.mark.django_db

SECRET_PASSWORD = "imap-app-password-Zq9"
# localhost: the outbound guard (SPEC 3.11) lets tests reach it without a DNS lookup elsewhere.
SECRET_HOOK = "http://localhost/services/T000/B000/XyzSecretPath"


def test_team_settings_changes_are_audited_with_secrets_masked(as_member, manager):
    api = as_member(manager)
    response = api.patch(
        "/api/v1/teams/ads/",
        {
            "name": "ADS Support",
            "webhook_url": SECRET_HOOK,
            "mail_host": "localhost",
            "mail_username": "support@example.org",
            "mail_password": SECRET_PASSWORD,
        },
        format="json",
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="team.update")
    assert entry.actor == manager.user and entry.actor_name == "maria"
    assert entry.old["name"] == "Applied Data Science" and entry.new["name"] == "ADS Support"
    assert entry.new["mail_password"] == MASK and entry.old["mail_password"] == ""
    assert entry.new["webhook_url"] == f"http://localhost/{MASK}"
    assert entry.new["mail_host"] == "localhost"
    stored = json.dumps([list(AuditEntry.objects.values())], default=str)
    assert SECRET_PASSWORD not in stored and "XyzSecretPath" not in stored
    # Saving the same values again records nothing.
    api.patch("/api/v1/teams/ads/", {"name": "ADS Support"}, format="json")
    assert AuditEntry.objects.filter(action="team.update").count() == 1


def test_membership_and_role_changes_are_audited(as_member, manager, teammate):
    api = as_member(manager)
    api.post(
        "/api/v1/teams/ads/members/",
        {"username": "newbie", "email": "newbie@example.org", "percent_time": 40},
        format="json",
    )
    api.patch(f"/api/v1/teams/ads/members/{teammate.pk}/", {"role": "manager"}, format="json")
    api.patch(f"/api/v1/teams/ads/members/{teammate.pk}/", {"percent_time": 30}, format="json")
    api.delete(f"/api/v1/teams/ads/members/{teammate.pk}/")
    actions = list(AuditEntry.objects.order_by("at", "id").values_list("action", "old", "new"))
    assert actions == [
        ("member.add", {}, {"username": "newbie", "role": "developer", "percent_time": 40}),
        ("member.role", {"role": "developer"}, {"role": "manager"}),
        ("member.update", {"percent_time": 50}, {"percent_time": 30}),
        ("member.remove", {"username": "tom", "role": "manager"}, {"feeds_revoked": 0}),
    ]


def test_managers_read_the_audit_log_others_do_not(as_member, manager, primary, outsider, client):
    as_member(manager).patch("/api/v1/teams/ads/", {"name": "Renamed"}, format="json")
    response = as_member(manager).get("/api/v1/teams/ads/audit/")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert (row["actor"], row["action"], row["new"]) == ("maria", "team.update", {"name": "Renamed"})
    assert as_member(primary).get("/api/v1/teams/ads/audit/").status_code == 403
    assert as_member(outsider).get("/api/v1/teams/ads/audit/").status_code == 404
    client.force_login(manager.user)
    page = client.get("/teams/ads/audit/")
    assert page.status_code == 200 and "Renamed" in page.content.decode()
    client.force_login(primary.user)
    assert client.get("/teams/ads/audit/").status_code == 403
    client.force_login(outsider.user)
    assert client.get("/teams/ads/audit/").status_code == 404


def test_mask_hides_every_kind_of_secret():
    masked = mask(
        {
            "mail_password": "p",
            "client_secret": "s",
            "api_key": "k",
            "token": "0123456789abcdef",
            "webhook_url": "https://example.org/hook?key=abc",
            "session_video_url": "https://meet.example.org/room?pwd=abc",
            "name": "kept",
        }
    )
    assert masked == {
        "mail_password": MASK,
        "client_secret": MASK,
        "api_key": MASK,
        "token": "012345…",
        "webhook_url": f"https://example.org/{MASK}",
        "session_video_url": "https://meet.example.org/room",
        "name": "kept",
    }
