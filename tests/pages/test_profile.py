"""The profile page: a person's own name, email, zone, email notices and API token."""

import pytest
from rest_framework.authtoken.models import Token

from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_profile_changes_zone_and_pages_follow_it(client, primary, inquiry):
    client.force_login(primary.user)
    response = client.post(
        "/profile/",
        {
            "first_name": "Pat",
            "last_name": "Morgan",
            "email": "pat@example.org",
            "timezone": "America/New_York",
        },
    )
    assert response.status_code == 302
    html = client.get(f"/inquiries/{inquiry.reference}/").content.decode()
    assert " EST" in html or " EDT" in html


def test_a_bad_email_keeps_every_typed_value_and_saves_nothing(client, primary, teammate):
    client.force_login(primary.user)
    response = client.post(
        "/profile/", {"first_name": "Renamed", "email": teammate.user.email, "timezone": "Mars/Olympus"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        'value="Renamed"' in html and "Another account already uses" in html and "Unknown time zone" in html
    )
    primary.user.refresh_from_db()
    assert primary.user.first_name != "Renamed"


def test_token_is_created_shown_once_replaced_and_revoked_with_an_audit_trail(client, primary):
    client.force_login(primary.user)
    first = client.post("/profile/token/").content.decode()
    key = Token.objects.get(user=primary.user).key
    assert key in first
    assert key not in client.get("/profile/").content.decode()
    client.post("/profile/token/")
    assert Token.objects.get(user=primary.user).key != key
    client.post("/profile/token/revoke/")
    assert not Token.objects.filter(user=primary.user).exists()
    actions = list(AuditEntry.objects.filter(actor=primary.user).values_list("action", flat=True))
    assert "token.issue" in actions and "token.revoked" in actions


def test_email_notices_can_be_muted(client, primary):
    from accounts.models import Profile

    client.force_login(primary.user)
    client.post(
        "/profile/",
        {"first_name": "Pat", "email": primary.user.email, "email_response_due_soon": "on"},
    )
    muted = Profile.objects.get(user=primary.user).email_muted_kinds
    assert "response_due_soon" not in muted and "shift_reminder" in muted


def test_a_muted_notice_reaches_the_inbox_but_not_the_mailbox(
    primary, teammate, django_capture_on_commit_callbacks
):
    from django.core import mail

    from accounts.models import Profile
    from notices.models import Notification
    from supportops.notifications import notify

    Profile.objects.create(user=primary.user, email_muted_kinds=["response_due_soon"])
    with django_capture_on_commit_callbacks(execute=True):
        for user in (primary.user, teammate.user):
            notify(recipient=user, kind="response_due_soon", title="Due soon", team=primary.team)
    assert Notification.objects.filter(kind="response_due_soon").count() == 2
    assert [m.to for m in mail.outbox] == [[teammate.user.email]]


def test_a_milestone_form_keeps_the_teams_wall_clock_for_a_viewer_in_another_zone(client, primary, team):
    """Milestone times without an offset are read in the team's zone, so the edit box shows that zone too,
    whatever zone the viewer reads the rest of the page in."""
    import datetime as dt
    import zoneinfo

    from accounts.models import Profile
    from postmortems.models import Milestone, Postmortem

    Profile.objects.create(user=primary.user, timezone="America/New_York")
    postmortem = Postmortem.objects.create(team=team, title="Outage")
    Milestone.objects.create(
        postmortem=postmortem,
        at=dt.datetime(2026, 3, 2, 9, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Zurich")),
        description="Reported",
    )
    client.force_login(primary.user)
    html = client.get(f"/postmortems/{postmortem.pk}/").content.decode()
    assert 'value="2026-03-02T09:00"' in html
