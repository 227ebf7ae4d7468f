"""Notifications and the outbox: written with the change, sent after commit, failures recorded and
retried, never sent twice by concurrent deliverers."""

import datetime as dt
import http.server
import json
import threading
import time

import pytest
import time_machine
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from notices import delivery
from notices.delivery import CLAIM_SECONDS, MAX_ATTEMPTS, backoff, deliver, deliver_pending
from notices.models import Notification, OutboundMessage
from notices.services import outbox_webhook
from supportops.notifications import Notice, notify, notify_many, outbox_email
from tests.factories import OutboundMessageFactory, make_member

pytestmark = pytest.mark.django_db


class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        server = self.server
        server.received.append({"headers": dict(self.headers), "json": json.loads(body)})
        time.sleep(server.delay)
        self.send_response(server.status)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def hook():
    """A tiny Slack-like webhook receiver on a free local port; set .status / .delay to misbehave."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    server.received, server.status, server.delay = [], 200, 0.0
    server.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/T000"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_notify_writes_the_inbox_row_and_an_email(team, primary, settings):
    notification = notify(
        recipient=primary.user,
        kind="assigned",
        title="ADS-1 assigned to you",
        body="Hi",
        link="/x/",
        team=team,
    )

    assert Notification.objects.get() == notification
    email = OutboundMessage.objects.get()
    assert (email.channel, email.to, email.status) == ("email", "pat@example.org", "pending")
    assert email.notification == notification
    assert email.body == f"Hi\n\n{settings.SITE_URL}/x/"


def test_notify_posts_to_the_team_webhook_when_one_is_set(team, primary):
    team.webhook_url = "https://hooks.example.org/T000"
    team.save()

    notify(recipient=primary.user, kind="response_overdue", title="ADS-1 overdue", body="From Lea", team=team)

    webhook = OutboundMessage.objects.get(channel="webhook")
    assert webhook.to == "https://hooks.example.org/T000"
    assert webhook.payload == {"text": "ADS-1 overdue\nFrom Lea"}


def test_no_webhook_without_a_team_url(team, primary):
    notify(recipient=primary.user, kind="assigned", title="t", team=team)

    assert not OutboundMessage.objects.filter(channel="webhook").exists()


def test_notify_many_writes_rows_in_a_fixed_number_of_statements(team, django_assert_num_queries):
    members = [make_member(team) for _ in range(12)]
    notices = [
        Notice(recipients=[m.user for m in members], kind="k", title=f"t{i}", team=team) for i in range(3)
    ]

    # PostgreSQL: notifications and their emails in one chained INSERT; elsewhere one INSERT each.
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2):
        notifications = notify_many(notices)

    assert len(notifications) == 36
    assert OutboundMessage.objects.count() == 36
    # Each email points to its own recipient's notification (the chain's ids in VALUES order).
    for message in OutboundMessage.objects.select_related("notification__recipient"):
        assert message.to == message.notification.recipient.email
        assert message.subject == message.notification.title
    assert sorted(n.pk for n in notifications) == sorted(
        OutboundMessage.objects.values_list("notification_id", flat=True)
    )


def test_email_leaves_only_after_the_change_commits(team, primary, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox_email(to="lea@example.net", subject="rolled back", body="never")
            raise RuntimeError("the change failed")
        outbox_email(to="lea@example.net", subject="[ADS-1] We got your question", body="Thanks")

    assert [m.subject for m in mail.outbox] == ["[ADS-1] We got your question"]
    message = OutboundMessage.objects.get()
    assert (message.status, message.attempts, message.claim_token) == ("sent", 1, "")
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<supportops.outbound.{message.pk}@127.0.0.1>"
    assert mail.outbox[0].extra_headers["Auto-Submitted"] == "auto-generated"


def test_a_webhook_is_posted_as_slack_json(hook, team, primary, django_capture_on_commit_callbacks):
    team.webhook_url = hook.url
    team.save()

    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=primary.user, kind="response_overdue", title="ADS-7 response overdue", team=team)

    assert len(hook.received) == 1
    request = hook.received[0]
    assert request["json"] == {"text": "ADS-7 response overdue"}
    assert request["headers"]["Content-Type"] == "application/json"
    webhook = OutboundMessage.objects.get(channel="webhook")
    assert request["headers"]["Idempotency-Key"] == f"supportops-outbound-{webhook.pk}"
    assert webhook.status == "sent"


def test_a_failed_webhook_is_recorded_and_retried_by_the_sweep(hook):
    hook.status = 500
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        message = outbox_webhook(url=hook.url, payload={"text": "hello"})
        assert deliver(message_id=message.pk) == "failed"

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 1)
    assert "HTTP 500" in message.last_error
    assert message.next_attempt_at == start + backoff(1)

    with time_machine.travel(start + dt.timedelta(seconds=10), tick=False):
        assert deliver_pending() == {"sent": 0, "failed": 0, "gave_up": 0, "skipped": 0}  # not due yet

    hook.status = 200
    with time_machine.travel(start + backoff(1) + dt.timedelta(seconds=1), tick=False):
        assert deliver_pending()["sent"] == 1

    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("sent", 2, "")
    assert len(hook.received) == 2


def test_delivery_gives_up_after_max_attempts_and_keeps_the_row(hook):
    hook.status = 503
    message = outbox_webhook(url=hook.url, payload={"text": "hello"})
    at = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        with time_machine.travel(at, tick=False):
            deliver_pending()
        at += dt.timedelta(hours=2)

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", MAX_ATTEMPTS)
    assert "503" in message.last_error
    with time_machine.travel(at, tick=False):
        assert deliver_pending()["failed"] == 0
    assert len(hook.received) == MAX_ATTEMPTS


def test_an_email_failure_is_recorded_on_the_row(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1
    message = outbox_email(to="lea@example.net", subject="s", body="b")

    assert deliver(message_id=message.pk) == "failed"

    message.refresh_from_db()
    assert message.status == "pending"
    assert "ConnectionRefusedError" in message.last_error


def test_a_row_claimed_by_another_deliverer_is_skipped_until_the_claim_goes_stale():
    message = outbox_email(to="lea@example.net", subject="s", body="b")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        token = delivery._claim(message_id=message.pk, now=start)  # a deliverer that then dies
        assert token
        assert deliver(message_id=message.pk) == "skipped"
    assert mail.outbox == []

    with time_machine.travel(start + dt.timedelta(seconds=CLAIM_SECONDS + 1), tick=False):
        assert deliver_pending()["sent"] == 1

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    assert len(mail.outbox) == 1


def test_a_sent_message_is_never_sent_again(hook):
    message = outbox_webhook(url=hook.url, payload={"text": "once"})

    assert deliver(message_id=message.pk) == "sent"
    assert deliver(message_id=message.pk) == "skipped"
    assert deliver_pending()["sent"] == 0
    assert len(hook.received) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_deliverers_send_a_message_once(hook):
    from django.db import connection

    hook.delay = 0.5
    # Written directly: outbox_webhook would already deliver it on commit (eager tasks in unit tests).
    message = OutboundMessageFactory(channel="webhook", to=hook.url, payload={"text": "once"})
    outcomes = []

    def deliverer() -> None:
        try:
            outcomes.append(deliver(message_id=message.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliverer) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["sent"] + ["skipped"] * 5
    assert len(hook.received) == 1


def test_a_delivery_task_that_fails_leaves_the_row_to_be_retried(
    hook, team, primary, django_capture_on_commit_callbacks
):
    hook.status = 502
    team.webhook_url = hook.url
    team.save()

    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=primary.user, kind="queue_uncovered", title="t", team=team)

    webhook = OutboundMessage.objects.get(channel="webhook")
    assert (webhook.status, webhook.attempts) == ("pending", 1)
    assert webhook.next_attempt_at > timezone.now()
    assert OutboundMessage.objects.get(channel="email").status == "sent"
