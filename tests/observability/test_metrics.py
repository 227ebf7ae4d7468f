"""/metrics: who may scrape it, and that its figures are the database's (per team, never mixed)."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from inquiries.models import Handoff, SlaNotice
from inquiries.tasks import handoff_sweep, sla_sweep
from observability.models import SweepRun
from tests.factories import OutboundMessageFactory, make_inquiry

TOKEN = "metrics-token-0123456789"
pytestmark = pytest.mark.django_db


def scrape(client) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


@override_settings(METRICS_TOKEN="")
def test_metrics_do_not_exist_without_a_configured_token(client):
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer anything").status_code == 404


@override_settings(METRICS_TOKEN=TOKEN)
def test_metrics_need_the_bearer_token(client):
    missing = client.get("/metrics")
    assert missing.status_code == 401
    assert missing["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Token {TOKEN}").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong-token").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200


@override_settings(METRICS_TOKEN=TOKEN)
def test_queue_gauges_are_the_database_per_team(client, team, other_team, primary, outsider):
    now = timezone.now()
    make_inquiry(
        team, primary, received_at=now - dt.timedelta(hours=5), response_due_at=now - dt.timedelta(hours=1)
    )
    make_inquiry(
        team, primary, received_at=now - dt.timedelta(hours=2), response_due_at=now + dt.timedelta(hours=2)
    )
    make_inquiry(team, primary, status="responded", received_at=now - dt.timedelta(days=2))
    make_inquiry(team, primary, status="resolved", received_at=now - dt.timedelta(days=9))
    make_inquiry(other_team, outsider, status="waiting", received_at=now - dt.timedelta(days=1))

    samples = scrape(client)

    def value(name, **labels):
        return samples[(name, tuple(sorted(labels.items())))]

    assert value("supportops_inquiries_open", team="ads", status="new") == 2
    assert value("supportops_inquiries_open", team="ads", status="responded") == 1
    assert value("supportops_inquiries_open", team="ads", status="waiting") == 0
    assert value("supportops_inquiries_open", team="bio", status="waiting") == 1
    assert value("supportops_inquiries_open", team="bio", status="new") == 0
    assert value("supportops_inquiries_overdue", team="ads") == 1
    assert value("supportops_inquiries_overdue", team="bio") == 0
    oldest = value("supportops_oldest_unanswered_seconds", team="ads")
    assert 5 * 3600 <= oldest < 5 * 3600 + 120
    assert value("supportops_oldest_unanswered_seconds", team="bio") == 0
    assert value("supportops_response_guarantee_seconds", team="ads") == team.response_guarantee_minutes * 60


@override_settings(METRICS_TOKEN=TOKEN)
def test_outbox_handoff_and_notice_figures(client, team, primary):
    inquiry = make_inquiry(team, primary)
    OutboundMessageFactory(channel="email", to="a@example.org", subject="x")
    OutboundMessageFactory(channel="webhook", to="https://example.org/h", attempts=2)
    OutboundMessageFactory(channel="email", to="b@example.org", status="failed", attempts=8)
    OutboundMessageFactory(channel="email", to="c@example.org", status="sent")
    Handoff.objects.create(team=team, boundary=timezone.now())
    SlaNotice.objects.create(inquiry=inquiry, kind="response_overdue", deadline=timezone.now())

    samples = scrape(client)

    assert samples[("supportops_outbox_backlog", (("channel", "email"),))] == 1
    assert samples[("supportops_outbox_backlog", (("channel", "webhook"),))] == 1
    assert samples[("supportops_outbox_retrying", (("channel", "webhook"),))] == 1
    assert samples[("supportops_outbox_failed", (("channel", "email"),))] == 1
    assert samples[("supportops_outbox_oldest_pending_seconds", ())] >= 0
    assert samples[("supportops_handoffs_total", (("team", "ads"),))] == 1
    assert samples[("supportops_sla_notices_total", (("kind", "response_overdue"),))] == 1
    assert samples[("supportops_sla_notices_total", (("kind", "response_due_soon"),))] == 0


@override_settings(METRICS_TOKEN=TOKEN)
def test_each_finished_sweep_records_its_last_success(client, team):
    sla_sweep.delay()
    sla_sweep.delay()
    handoff_sweep.delay()

    rows = {row.name: row for row in SweepRun.objects.all()}
    assert rows["sla_sweep"].runs == 2
    assert rows["handoff_sweep"].runs == 1
    samples = scrape(client)
    last = samples[("supportops_sweep_last_success_timestamp_seconds", (("sweep", "sla_sweep"),))]
    assert last == rows["sla_sweep"].last_success_at.timestamp()
    assert samples[("supportops_sweep_runs_total", (("sweep", "sla_sweep"),))] == 2


@override_settings(METRICS_TOKEN=TOKEN)
def test_requests_are_counted_by_route_pattern_never_by_raw_path(client, team):
    client.get("/track/a-secret-tracking-token/")
    client.get("/api/v1/no-such-thing/")
    client.get("/static/css/app.css")
    client.get("/no-such-page/")
    samples = scrape(client)
    routes = {
        dict(labels).get("route") for (name, labels) in samples if name == "supportops_http_requests_total"
    }
    assert "/track/<str:token>/" in routes
    assert "/api/" in routes  # the JSON 404 of unmatched API routes
    assert "/static/*" in routes
    assert "<unmatched>" in routes
    assert not any("a-secret-tracking-token" in (route or "") for route in routes)


@override_settings(METRICS_TOKEN=TOKEN)
def test_a_scrape_costs_the_same_few_queries_however_many_teams_and_inquiries(
    client, team, primary, django_assert_max_num_queries
):
    for _ in range(30):
        make_inquiry(team, primary)
    with django_assert_max_num_queries(10):
        scrape(client)
