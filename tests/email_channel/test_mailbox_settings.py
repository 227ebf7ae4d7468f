"""Managers set the team mailbox on the settings page and the API; the password never comes back."""

import pytest
from django.conf import settings

from shifts.models import Team
from supportops.celery import _schedule_periodic_tasks, app
from tests.foundation.test_team_pages import _settings_form

pytestmark = pytest.mark.django_db
SECRET = "imap-app-password-Zq81"
MAILBOX = {
    "mail_enabled": True,
    "mail_host": "imap.example.org",
    "mail_port": 993,
    "mail_use_ssl": True,
    "mail_username": "support@example.org",
    "mail_password": SECRET,
    "mail_folder": "Support",
}


@pytest.fixture(autouse=True)
def _public_mail_host(fake_dns):
    fake_dns["imap.example.org"] = ["93.184.215.14"]


def test_api_patch_stores_the_password_but_never_returns_it(as_member, manager, team):
    response = as_member(manager).patch("/api/v1/teams/ads/", MAILBOX, format="json")
    assert response.status_code == 200, response.content
    assert SECRET not in response.content.decode()
    assert "mail_password" not in response.json()
    assert response.json()["mail_password_set"] is True
    assert response.json()["mail_host"] == "imap.example.org"
    assert Team.objects.get(pk=team.pk).mail_password == SECRET
    listing = as_member(manager).get("/api/v1/teams/ads/")
    assert SECRET not in listing.content.decode()


def test_enabling_polling_without_credentials_is_refused(as_member, manager, team):
    response = as_member(manager).patch("/api/v1/teams/ads/", {"mail_enabled": True}, format="json")
    assert response.status_code == 400
    assert "IMAP host" in response.content.decode()


def test_developers_cannot_change_the_mailbox(as_member, primary, team):
    response = as_member(primary).patch("/api/v1/teams/ads/", MAILBOX, format="json")
    assert response.status_code == 403


def test_settings_page_shows_set_not_the_password_and_empty_keeps_it(client, manager, team):
    client.force_login(manager.user)
    form = _settings_form(
        team,
        mail_enabled="on",
        mail_host="imap.example.org",
        mail_port="993",
        mail_use_ssl="on",
        mail_username="support@example.org",
        mail_password=SECRET,
        mail_folder="INBOX",
    )
    client.post("/teams/ads/save/", form)
    team.refresh_from_db()
    assert team.mail_enabled and team.mail_password == SECRET
    form["mail_password"] = ""
    page = client.post("/teams/ads/save/", form, follow=True).content.decode()
    assert "Team settings saved." in page
    assert SECRET not in page
    assert "(set;" in page
    team.refresh_from_db()
    assert team.mail_password == SECRET


def test_settings_page_shows_the_last_poll_error(client, manager, team):
    Team.objects.filter(pk=team.pk).update(
        mail_last_poll_at="2026-01-05T10:00:00Z", mail_last_poll_error="LOGIN failed"
    )
    client.force_login(manager.user)
    assert "failed: LOGIN failed" in client.get("/teams/ads/").content.decode()


def test_mailboxes_are_polled_by_beat_on_the_sweeps_queue():
    _schedule_periodic_tasks(app)  # what the app does when it is finalized (worker, beat)
    entry = app.conf.beat_schedule["mail-poll"]
    assert entry["task"] == "inquiries.tasks.poll_mailboxes"
    assert entry["schedule"] == float(settings.MAIL_POLL_SECONDS)
    assert app.amqp.router.route({}, "inquiries.tasks.poll_mailboxes")["queue"].name == "sweeps"
