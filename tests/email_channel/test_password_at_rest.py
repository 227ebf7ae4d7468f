"""The mailbox password is encrypted in the database and never rendered by the admin (issue 10, item
10); a stored plaintext from before is encrypted by the migration."""

import pytest
from django.db import connection

from shifts.models import Team
from supportops.crypto import PREFIX

pytestmark = pytest.mark.django_db
SECRET = "imap-app-password-Zq81"


def _stored(team: Team) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT mail_password FROM shifts_team WHERE id = %s", [team.pk])
        return cursor.fetchone()[0]


def test_the_password_is_encrypted_in_the_database(team):
    team.mail_password = SECRET
    team.save()
    assert _stored(team).startswith(PREFIX)
    assert SECRET not in _stored(team)
    assert Team.objects.get(pk=team.pk).mail_password == SECRET


def test_the_migration_encrypts_existing_plaintext(team):
    import importlib

    from django.apps import apps

    with connection.cursor() as cursor:
        cursor.execute("UPDATE shifts_team SET mail_password = %s WHERE id = %s", [SECRET, team.pk])
    migration = importlib.import_module("shifts.migrations.0007_team_mail_password_encrypted")
    migration.encrypt_existing(apps, None)
    stored = _stored(team)
    assert stored.startswith(PREFIX) and SECRET not in stored
    assert Team.objects.get(pk=team.pk).mail_password == SECRET


def test_the_admin_form_never_shows_the_password_and_can_replace_it(client, superuser, team):
    team.mail_password = SECRET
    team.save()
    client.force_login(superuser)
    url = f"/admin/shifts/team/{team.pk}/change/"
    page = client.get(url).content.decode()
    assert SECRET not in page
    assert 'name="mail_password"' not in page
    assert "Mailbox password" in page and ">set<" in page
    assert 'name="new_mail_password"' in page

    form = client.get(url).context["adminform"].form
    data = {
        key: value
        for key, value in form.initial.items()
        if value is not None and not isinstance(value, list | dict)
    }
    data.update(
        {
            "coverage": "[]",
            "holidays": "[]",
            "new_mail_password": "replacement-app-password",
            "members-TOTAL_FORMS": "0",
            "members-INITIAL_FORMS": "0",
            "topics-TOTAL_FORMS": "0",
            "topics-INITIAL_FORMS": "0",
        }
    )
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Team.objects.get(pk=team.pk).mail_password == "replacement-app-password"
