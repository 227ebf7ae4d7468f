"""GitHub and alert inquiries are ordinary inquiries: filters, the by-channel report, the SLA sweep and
the shift-end handoff treat them like any other (and never email their address-less requesters)."""

import datetime as dt

import pytest
import time_machine

from inquiries.handoff import shifts_hand_off
from inquiries.models import Inquiry, Message
from inquiries.services import inquiry_create
from inquiries.sla import sla_sweep
from notices.models import Notification, OutboundMessage
from tests.factories import T0, make_shift

pytestmark = pytest.mark.django_db


def alert_inquiry(team, **fields):
    return inquiry_create(
        team=team,
        subject="DiskFull",
        body="db-1 95%",
        requester_name="Production",
        requester_email="",
        channel="alert",
        source_url="http://alertmanager.example.org:9093",
        **fields,
    )


def test_a_source_url_must_be_http_and_only_github_and_alerts_go_without_email(team):
    from supportops.errors import InvalidInput

    with pytest.raises(InvalidInput, match="source URL"):
        inquiry_create(
            team=team,
            subject="s",
            body="b",
            requester_name="n",
            requester_email="",
            channel="alert",
            source_url="javascript:alert(1)",
        )
    with pytest.raises(InvalidInput, match="Email cannot be empty"):
        inquiry_create(
            team=team, subject="s", body="b", requester_name="n", requester_email="", channel="web"
        )


def test_the_api_filters_by_channel(team, manager, as_member):
    alert_inquiry(team)
    inquiry_create(team=team, subject="web", body="b", requester_name="n", requester_email="n@example.org")
    api = as_member(manager)

    alerts = api.get("/api/v1/inquiries/?channel=alert").json()
    assert alerts["count"] == 1
    assert alerts["results"][0]["channel"] == "alert"
    assert alerts["results"][0]["source_url"] == "http://alertmanager.example.org:9093"
    assert api.get("/api/v1/inquiries/?channel=web").json()["count"] == 1
    assert api.get("/api/v1/inquiries/?channel=carrier-pigeon").status_code == 400


def test_the_inquiry_list_page_filters_by_channel(team, manager, client):
    alert_inquiry(team)
    client.force_login(manager.user)

    page = client.get("/inquiries/?channel=github").content.decode()
    assert "DiskFull" not in page and 'value="alert"' in page
    assert "DiskFull" in client.get("/inquiries/?channel=alert").content.decode()


def test_the_response_times_report_counts_inquiries_by_channel(team, manager, as_member):
    alert_inquiry(team)
    alert_inquiry(team, priority="high")
    inquiry_create(team=team, subject="web", body="b", requester_name="n", requester_email="n@example.org")

    report = as_member(manager).get(f"/api/v1/reports/response-times/?team={team.slug}").json()

    by_channel = {row["channel"]: row for row in report["by_channel"]}
    assert by_channel["alert"]["received"] == 2 and by_channel["alert"]["label"] == "Monitoring alert"
    assert by_channel["web"]["received"] == 1


def test_an_overdue_alert_is_swept_like_any_inquiry(team, primary, manager):
    make_shift(team, primary, T0, hours=8)
    with time_machine.travel(T0, tick=False):
        inquiry = alert_inquiry(team)
    assert inquiry.assignee == primary

    with time_machine.travel(inquiry.response_due_at + dt.timedelta(minutes=1), tick=False):
        sla_sweep(now=inquiry.response_due_at + dt.timedelta(minutes=1))

    told = set(
        Notification.objects.filter(kind="response_overdue").values_list("recipient__username", flat=True)
    )
    assert told == {"pat", "maria"}


def test_a_handoff_moves_alerts_and_emails_no_empty_address(team, primary, teammate):
    make_shift(team, primary, T0)
    make_shift(team, teammate, T0 + dt.timedelta(hours=4))
    with time_machine.travel(T0 + dt.timedelta(minutes=5), tick=False):
        inquiry = alert_inquiry(team)

    with time_machine.travel(T0 + dt.timedelta(hours=4), tick=False):
        shifts_hand_off(team=team, boundary=T0 + dt.timedelta(hours=4))

    inquiry.refresh_from_db()
    assert inquiry.assignee == teammate
    assert Message.objects.filter(inquiry=inquiry, kind="system").exists()
    assert not OutboundMessage.objects.filter(channel="email", to="").exists()
    assert Inquiry.objects.get().channel == "alert"
