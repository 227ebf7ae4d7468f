"""django-axes on the sign-in form, the admin login and the token endpoint: the 11th wrong password in a
row for one username from one client is refused (429), keyed by the same client address as the throttles."""

import pytest
from django.test import Client

from tests.factories import make_user

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"


@pytest.fixture
def pat(db):
    return make_user("pat")


def _form_login(client: Client, url: str, username: str, password: str, **extra):
    return client.post(url, {"username": username, "password": password}, **extra)


def test_eleventh_wrong_password_on_the_sign_in_form_is_throttled_with_a_clear_page(client, pat):
    for _ in range(10):
        response = _form_login(client, "/accounts/login/", "pat", "wrong")
        assert response.status_code == 200
        assert "didn't match" in response.content.decode()
    response = _form_login(client, "/accounts/login/", "pat", "wrong")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert response["Retry-After"] == "900"
    # Locked out: even the right password is refused for now, and no session is made.
    response = _form_login(client, "/accounts/login/", "pat", "pw-pat")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_eleventh_wrong_password_on_the_admin_login_is_throttled(client, db):
    make_user("root", is_staff=True, is_superuser=True)
    codes = [_form_login(client, "/admin/login/", "root", "wrong").status_code for _ in range(11)]
    assert codes == [200] * 10 + [429]


def test_eleventh_wrong_password_on_the_token_endpoint_is_429_json(api, pat):
    codes = [
        api.post(TOKEN, {"username": "pat", "password": "wrong"}, format="json").status_code
        for _ in range(10)
    ]
    assert codes == [400] * 10
    response = api.post(TOKEN, {"username": "pat", "password": "wrong"}, format="json")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.json()["detail"]
    response = api.post(TOKEN, {"username": "pat", "password": "pw-pat"}, format="json")
    assert response.status_code == 429
    assert "token" not in response.json()


def test_a_success_resets_the_count_of_failures_in_a_row(client, pat):
    for _ in range(10):
        _form_login(client, "/accounts/login/", "pat", "wrong")
    assert _form_login(client, "/accounts/login/", "pat", "pw-pat").status_code == 302
    client.logout()
    codes = [_form_login(client, "/accounts/login/", "pat", "wrong").status_code for _ in range(11)]
    assert codes == [200] * 10 + [429]


def test_a_spoofed_forwarded_for_does_not_escape_the_lockout(client, settings, pat):
    settings.TRUSTED_PROXY_COUNT = 0
    codes = [
        _form_login(
            client, "/accounts/login/", "pat", "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"
        ).status_code
        for n in range(11)
    ]
    assert codes[-1] == 429


def test_behind_the_proxy_one_client_locked_out_leaves_another_signing_in(settings, pat):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.5"}
    attacker, colleague = Client(), Client()
    for _ in range(11):
        response = _form_login(
            attacker, "/accounts/login/", "pat", "wrong", HTTP_X_FORWARDED_FOR="198.51.100.66", **proxy
        )
    assert response.status_code == 429
    response = _form_login(
        colleague, "/accounts/login/", "pat", "pw-pat", HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy
    )
    assert response.status_code == 302
