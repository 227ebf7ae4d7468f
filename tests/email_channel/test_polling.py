"""Polling a real IMAP server (pymap): new mail becomes inquiries exactly once, failures are recorded on
the team and never stop other teams' mailboxes."""

import pytest
from django.core.management import call_command

from inquiries.mail_intake import mailbox_poll, mailboxes_poll
from inquiries.models import InboundEmail, Inquiry
from inquiries.tasks import poll_mailboxes
from tests.factories import make_team

from .conftest import make_email


@pytest.mark.django_db
def test_poll_creates_one_inquiry_per_new_email(team, primary, mailbox):
    mailbox.append(make_email(message_id="<p1@example.net>"))
    mailbox.append(make_email(message_id="<p2@example.net>", sender="Bo <bo@example.net>", subject="Quiz 2"))
    counts = mailbox_poll(team=team)
    assert counts["created"] == 2 and counts["error"] == 0
    assert set(Inquiry.objects.values_list("requester_email", "channel")) == {
        ("lea@example.net", "email"),
        ("bo@example.net", "email"),
    }
    team.refresh_from_db()
    assert team.mail_last_poll_at is not None and team.mail_last_poll_error == ""


@pytest.mark.django_db
def test_polling_twice_makes_one_inquiry(team, mailbox):
    # Inside the test's transaction nothing is marked \Seen, so the second poll refetches the message:
    # the (team, Message-ID) row is what keeps it from becoming a second inquiry.
    mailbox.append(make_email())
    assert mailbox_poll(team=team)["created"] == 1
    second = mailbox_poll(team=team)
    assert second["created"] == 0 and second["duplicate"] == 1
    assert Inquiry.objects.count() == 1
    assert InboundEmail.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_processed_mail_is_marked_seen_after_commit(team, mailbox):
    mailbox.append(make_email(message_id=None))
    assert mailbox.unseen() == 1
    assert mailbox_poll(team=team)["created"] == 1
    assert mailbox.unseen() == 0
    assert mailbox_poll(team=team)["created"] == 0
    assert Inquiry.objects.count() == 1
    assert InboundEmail.objects.get().message_id.startswith("sha256:")


@pytest.mark.django_db
def test_auto_reply_in_the_mailbox_is_skipped(team, mailbox):
    mailbox.append(make_email(Auto_Submitted="auto-replied"))
    assert mailbox_poll(team=team)["auto_reply"] == 1
    assert not Inquiry.objects.exists()


@pytest.mark.django_db
def test_login_failure_is_recorded_and_other_teams_still_poll(team, mailbox, imap_server):
    broken = make_team(
        slug="aaa-broken",
        mail_enabled=True,
        mail_host=imap_server.host,
        mail_port=imap_server.port,
        mail_use_ssl=False,
        mail_username=imap_server.user,
        mail_password="wrong",
    )
    mailbox.append(make_email())
    results = poll_mailboxes()
    assert results["aaa-broken"]["error"] == 1
    assert results["ads"]["created"] == 1
    broken.refresh_from_db()
    assert broken.mail_last_poll_at is not None
    assert broken.mail_last_poll_error


@pytest.mark.django_db
def test_unreachable_server_is_recorded_not_raised(team, mailbox):
    team.mail_port = 1  # nothing listens there
    team.save()
    counts = mailbox_poll(team=team)
    assert counts["error"] == 1
    team.refresh_from_db()
    assert "Error" in team.mail_last_poll_error or "refused" in team.mail_last_poll_error.lower()


@pytest.mark.django_db
def test_disabled_mailboxes_are_not_polled(team, mailbox):
    team.mail_enabled = False
    team.save()
    mailbox.append(make_email())
    assert mailboxes_poll() == {}
    assert mailbox.unseen() == 1


@pytest.mark.django_db
def test_poll_mail_command_prints_counts(team, mailbox, capsys):
    mailbox.append(make_email())
    call_command("poll_mail", "--team", "ads")
    assert "ads: created=1" in capsys.readouterr().out
