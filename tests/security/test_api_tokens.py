"""API tokens expire, rotate with the password, can be revoked by their owner, and are never shown whole
in the admin or the audit log."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from audit.models import AuditEntry
from tests.factories import make_user

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"


@pytest.fixture
def pat(db):
    return make_user("pat")


def _token(username="pat", password="pw-pat") -> dict:
    response = APIClient().post(TOKEN, {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def _me(key: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/teams/").status_code


def test_token_expires_after_the_configured_days_and_a_new_one_is_issued(pat, settings):
    settings.API_TOKEN_TTL_DAYS = 30
    first = _token()
    assert dt.datetime.fromisoformat(first["expires_at"]) > timezone.now() + dt.timedelta(days=29)
    assert _me(first["token"]) == 200
    assert _token()["token"] == first["token"]  # still valid: the same token
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        response = APIClient()
        response.credentials(HTTP_AUTHORIZATION=f"Token {first['token']}")
        answer = response.get("/api/v1/teams/")
        assert answer.status_code in (401, 403)
        assert "expired" in answer.json()["detail"]
        second = _token()
        assert second["token"] != first["token"]
        assert _me(second["token"]) == 200


def test_password_change_rotates_the_token(pat):
    key = _token()["token"]
    pat.set_password("a-brand-new-password-42")
    pat.save()
    assert _me(key) in (401, 403)
    assert not Token.objects.filter(key=key).exists()
    assert _me(_token(password="a-brand-new-password-42")["token"]) == 200
    assert AuditEntry.objects.filter(action="token.rotated", actor=pat).exists()


def test_saving_a_user_without_a_new_password_keeps_the_token(pat):
    key = _token()["token"]
    pat.first_name = "Patricia"
    pat.save()
    assert _me(key) == 200


def test_owner_revokes_their_token(pat):
    key = _token()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.delete(TOKEN).status_code == 204
    assert _me(key) in (401, 403)
    assert APIClient().delete(TOKEN).status_code in (401, 403)
    entry = AuditEntry.objects.get(action="token.revoked")
    assert entry.old == {"token": key[:6] + "…"}
    assert key not in str(list(AuditEntry.objects.values()))


def test_admin_lists_only_a_prefix_of_each_token(client, superuser, pat):
    key = _token()["token"]
    client.force_login(superuser)
    page = client.get("/admin/security/apitoken/").content.decode()
    assert key[:6] + "…" in page
    assert key not in page
    change = client.get(f"/admin/security/apitoken/{key}/change/")
    assert change.status_code in (302, 403, 404) and key not in change.content.decode()


def test_passwords_shorter_than_twelve_characters_are_refused(pat):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Tr0ub4dor&3", user=pat)
    validate_password("correct horse battery", user=pat)
