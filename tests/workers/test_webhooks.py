"""Team webhooks (SPEC 3.5, 3.11): Slack escaping, team-level events only, public targets only (checked
when saved and again when connecting), no redirects, a short timeout that never duplicates, and a
queue of their own so a slow receiver never delays mail."""

import datetime as dt
import http.server
import threading

import pytest
from django.core import mail
from django.utils import timezone

from inquiries.services import inquiry_create
from notices import delivery
from notices.delivery import deliver, deliver_pending
from notices.models import OutboundMessage
from notices.services import outbox_webhook
from supportops.celery import app
from supportops.notifications import Notice, notify, notify_many, outbox_email
from tests.factories import OutboundMessageFactory, make_shift
from tests.workers import test_delivery

hook = test_delivery.hook  # the Slack-like receiver fixture

pytestmark = pytest.mark.django_db

INTERNAL_URLS = [
    "http://127.0.0.1:6379/",
    "http://localhost/",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.1.2.3/hook",
    "http://192.168.0.10/hook",
    "http://[::1]/hook",
    "http://0.0.0.0:8000/",
    "http://[::]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://224.0.0.1/",
    "http://100.64.0.1/",
]


@pytest.fixture
def no_exceptions(settings):
    """Production rules: nothing internal is allowed."""
    settings.OUTBOUND_ALLOWED_HOSTS = []
    return settings


def test_interpolated_text_is_slack_escaped(team, manager, hook, django_capture_on_commit_callbacks):
    team.webhook_url = hook.url
    team.save()
    with django_capture_on_commit_callbacks(execute=True):
        inquiry_create(
            team=team,
            subject="<!channel> urgent & <https://evil.example|Click here>",
            body="hi",
            requester_name="<@U123> Mallory",
            requester_email="mallory@example.net",
        )
    text = hook.received[0]["json"]["text"]
    assert "&lt;!channel&gt; urgent &amp; &lt;https://evil.example|Click here&gt;" in text
    assert "&lt;@U123&gt; Mallory" in text
    # Nothing the requester typed opens a Slack control sequence.
    assert "<" not in text and ">" not in text


def test_only_team_level_events_go_to_the_team_channel(team, primary, manager):
    team.webhook_url = "https://hooks.example.org/T000"
    team.save()
    personal = ["assigned", "shift_reminder", "response_due_soon", "swap_requested", "escalated"]
    team_level = ["response_overdue", "guarantee_breached", "queue_uncovered", "handoff_digest"]
    notify_many(
        Notice(recipients=[primary.user], kind=kind, title=kind, team=team) for kind in personal + team_level
    )
    posted = [m.payload["text"] for m in OutboundMessage.objects.filter(channel="webhook")]
    assert sorted(posted) == sorted(team_level)
    # Personal notices still reach the person: inbox and email.
    assert OutboundMessage.objects.filter(channel="email").count() == len(personal) + len(team_level)


def test_a_new_inquiry_is_posted_once_and_its_assignment_is_not(team, primary):
    team.webhook_url = "https://hooks.example.org/T000"
    team.save()
    make_shift(team, primary, timezone.now() - dt.timedelta(hours=1))
    inquiry_create(
        team=team, subject="Notebook 3", body="b", requester_name="Lea", requester_email="lea@example.net"
    )
    posts = list(OutboundMessage.objects.filter(channel="webhook"))
    assert len(posts) == 1
    assert posts[0].payload["text"].startswith("New inquiry ADS-1: Notebook 3")
    # The Primary was told personally, by email, not in the channel.
    assert OutboundMessage.objects.filter(channel="email", to=primary.user.email).exists()


def test_a_receiver_slower_than_the_timeout_gets_the_post_once(hook, settings):
    settings.WEBHOOK_TIMEOUT = 1
    hook.delay = 2.5
    message = OutboundMessageFactory(channel="webhook", to=hook.url, payload={"text": "once"})

    assert deliver(message_id=message.pk) == "sent"
    assert deliver_pending(channel="webhook")["sent"] == 0

    message.refresh_from_db()
    assert message.status == "sent"
    assert message.last_error.startswith("Unconfirmed")
    assert len(hook.received) == 1


def test_a_redirect_is_not_followed(hook):
    other = []

    class Redirect(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            other.append(self.path)
            self.send_response(307)
            self.send_header("Location", hook.url)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        message = OutboundMessageFactory(channel="webhook", to=url, payload={"text": "x"})
        assert deliver(message_id=message.pk) == "failed"
    finally:
        server.shutdown()
        server.server_close()
    message.refresh_from_db()
    assert "redirects are not followed" in message.last_error
    assert other == ["/hook"] and hook.received == []


def test_an_internal_target_is_refused_at_connect_time(hook, no_exceptions):
    message = OutboundMessageFactory(channel="webhook", to=hook.url, payload={"text": "x"})
    assert deliver(message_id=message.pk) == "failed"
    message.refresh_from_db()
    assert "internal address" in message.last_error
    assert hook.received == []


def test_dns_rebinding_after_the_save_check_cannot_reach_an_internal_address(
    hook, no_exceptions, fake_dns, as_member, manager, team
):
    port = hook.server_address[1]
    fake_dns["hooks.example.org"] = ["93.184.215.14"]
    response = as_member(manager).patch(
        "/api/v1/teams/ads/", {"webhook_url": f"http://hooks.example.org:{port}/T000"}, format="json"
    )
    assert response.status_code == 200, response.content
    # The name now points at this machine, where the receiver (standing in for Redis, the metadata
    # service, …) listens.
    fake_dns["hooks.example.org"] = ["127.0.0.1"]
    team.refresh_from_db()
    message = outbox_webhook(url=team.webhook_url, payload={"text": "x"})
    assert deliver(message_id=message.pk) in ("failed", "skipped")
    message.refresh_from_db()
    assert "internal address" in message.last_error
    assert hook.received == []


@pytest.mark.parametrize("url", [*INTERNAL_URLS, "ftp://example.org/hook", "file:///etc/passwd"])
def test_an_internal_or_non_http_webhook_url_is_refused_when_saved(
    url, as_member, manager, team, no_exceptions
):
    response = as_member(manager).patch("/api/v1/teams/ads/", {"webhook_url": url}, format="json")
    assert response.status_code == 400, (url, response.content)
    assert "webhook_url" in response.content.decode()
    team.refresh_from_db()
    assert team.webhook_url == ""


def test_the_settings_page_refuses_an_internal_webhook_with_a_message(client, manager, team, no_exceptions):
    from tests.foundation.test_team_pages import _settings_form

    client.force_login(manager.user)
    form = _settings_form(team, webhook_url="http://169.254.169.254/latest/meta-data/")
    response = client.post("/teams/ads/save/", form, follow=True)
    assert "internal address" in response.content.decode()
    team.refresh_from_db()
    assert team.webhook_url == ""


def test_listed_hosts_and_ranges_are_allowed(as_member, manager, team, settings, fake_dns):
    settings.OUTBOUND_ALLOWED_HOSTS = ["10.0.0.0/8", "hooks.internal"]
    fake_dns["hooks.internal"] = ["192.168.1.5"]
    for url in ("http://10.1.2.3/hook", "http://hooks.internal/hook"):
        response = as_member(manager).patch("/api/v1/teams/ads/", {"webhook_url": url}, format="json")
        assert response.status_code == 200, (url, response.content)
    response = as_member(manager).patch(
        "/api/v1/teams/ads/", {"webhook_url": "http://192.168.1.5/hook"}, format="json"
    )
    assert response.status_code == 400


def test_webhooks_have_their_own_queue_and_sweep():
    router = app.amqp.router
    assert router.route({}, "notices.tasks.deliver_webhook")["queue"].name == "webhooks"
    assert router.route({}, "notices.tasks.deliver_pending_webhooks")["queue"].name == "webhooks"
    assert router.route({}, "notices.tasks.deliver_outbound")["queue"].name == "notifications"
    schedule = app.conf.beat_schedule
    assert schedule["webhook-sweep"]["task"] == "notices.tasks.deliver_pending_webhooks"


def test_the_mail_sweep_never_waits_for_a_webhook(hook, settings):
    settings.WEBHOOK_TIMEOUT = 1
    hook.delay = 2.5
    OutboundMessageFactory(channel="webhook", to=hook.url, payload={"text": "slow"})
    email = OutboundMessageFactory(channel="email", to="lea@example.net", subject="s", body="b")

    assert deliver_pending(channel="email") == {"sent": 1, "failed": 0, "gave_up": 0, "skipped": 0}
    assert hook.received == []
    email.refresh_from_db()
    assert email.status == "sent" and len(mail.outbox) == 1


def test_a_dead_receiver_costs_one_attempt_per_sweep(hook):
    hook.status = 503
    rows = [
        OutboundMessageFactory(channel="webhook", to=hook.url, payload={"text": str(i)}) for i in range(3)
    ]
    counts = deliver_pending(channel="webhook")
    assert counts["failed"] == 1 and counts["skipped"] == 2
    assert len(hook.received) == 1
    assert OutboundMessage.objects.filter(pk__in=[r.pk for r in rows], attempts=0).count() == 2


def test_new_webhook_rows_are_published_to_the_webhook_task(team, primary, monkeypatch):
    published = []
    monkeypatch.setattr("notices.tasks.deliver_webhook.delay", lambda pk: published.append(("w", pk)))
    monkeypatch.setattr("notices.tasks.deliver_outbound.delay", lambda pk: published.append(("e", pk)))
    monkeypatch.setattr(delivery, "deliver", lambda **kw: "sent")
    email = outbox_email(to="lea@example.net", subject="s", body="b")
    webhook = outbox_webhook(url="https://hooks.example.org/T000", payload={"text": "x"})
    from notices.services import _enqueue_delivery

    _enqueue_delivery([email.pk], [webhook.pk])
    assert published == [("w", webhook.pk), ("e", email.pk)]


def test_notify_of_a_personal_kind_makes_no_webhook_row(team, primary):
    team.webhook_url = "https://hooks.example.org/T000"
    team.save()
    notify(recipient=primary.user, kind="assigned", title="ADS-1 assigned to you", team=team)
    assert not OutboundMessage.objects.filter(channel="webhook").exists()
