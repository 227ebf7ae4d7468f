"""Monitoring alerts: one inquiry per alert group, routed per `alerts_to`, resolved when the group is."""

import json

import pytest

from inquiries import services as inquiry_services
from inquiries.models import Event, Inquiry
from integrations import services
from integrations.models import Delivery

pytestmark = pytest.mark.django_db


def alertmanager_payload(status="firing", group='{}:{alertname="DiskFull"}', severity="critical", **extra):
    """Alertmanager's webhook v4 body, as documented (prometheus.io/docs/alerting/latest/configuration)."""
    alert = {
        "status": status,
        "labels": {"alertname": "DiskFull", "instance": "db-1:9100", "severity": severity},
        "annotations": {"summary": "Disk on db-1 is 95% full"},
        "startsAt": "2026-11-26T03:00:00Z",
        "endsAt": "0001-01-01T00:00:00Z" if status == "firing" else "2026-11-26T03:30:00Z",
        "generatorURL": "http://prometheus.example.org/graph?g0.expr=disk",
        "fingerprint": "c6a4f3b2a1d0e9f8",
    }
    return {
        "version": "4",
        "groupKey": group,
        "truncatedAlerts": 0,
        "status": status,
        "receiver": "supportops",
        "groupLabels": {"alertname": "DiskFull"},
        "commonLabels": {"alertname": "DiskFull", "severity": severity},
        "commonAnnotations": {"summary": "Disk on db-1 is 95% full"},
        "externalURL": "http://alertmanager.example.org:9093",
        "alerts": [alert],
        **extra,
    }


@pytest.fixture
def alertmanager(on_shift):
    return services.integration_create(team=on_shift, data={"kind": "alertmanager", "name": "Production"})


@pytest.fixture
def post(client):
    def send(integration, payload, **headers):
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        return client.post(f"/hooks/{integration.token}/", body, content_type="application/json", **headers)

    return send


def test_a_firing_group_opens_one_alert_inquiry_for_the_primary(alertmanager, post, primary):
    response = post(alertmanager, alertmanager_payload())

    assert response.status_code == 201, response.content
    inquiry = Inquiry.objects.get()
    assert inquiry.channel == "alert"
    assert inquiry.subject == "Disk on db-1 is 95% full"
    assert inquiry.priority == "critical"
    assert inquiry.assignee == primary
    assert inquiry.requester_name == "Production"
    assert inquiry.source_url == "http://alertmanager.example.org:9093"
    assert "instance=db-1:9100" in inquiry.body
    assert inquiry.response_due_at is not None


def test_alerts_go_to_the_secondary_when_the_team_says_so(alertmanager, post, secondary):
    alertmanager.team.alerts_to = "secondary"
    alertmanager.team.save()

    post(alertmanager, alertmanager_payload())

    assert Inquiry.objects.get().assignee == secondary


def test_without_a_secondary_on_shift_alerts_fall_back_to_the_primary(alertmanager, post, primary, secondary):
    alertmanager.team.alerts_to = "secondary"
    alertmanager.team.save()
    alertmanager.team.shifts.filter(role="secondary").delete()

    post(alertmanager, alertmanager_payload())

    assert Inquiry.objects.get().assignee == primary


def test_repeated_notifications_of_an_open_group_add_events_not_inquiries(alertmanager, post):
    post(alertmanager, alertmanager_payload())
    second = post(alertmanager, alertmanager_payload())
    post(alertmanager, alertmanager_payload())

    assert second.status_code == 200 and second.json()["status"] == "updated"
    inquiry = Inquiry.objects.get()
    assert Event.objects.filter(inquiry=inquiry, kind="alert_firing").count() == 2
    assert Delivery.objects.count() == 3


def test_different_groups_open_different_inquiries(alertmanager, post):
    post(alertmanager, alertmanager_payload(group='{}:{alertname="A"}'))
    post(alertmanager, alertmanager_payload(group='{}:{alertname="B"}'))

    assert Inquiry.objects.count() == 2


def test_an_unanswered_alert_is_auto_resolved_when_the_group_resolves(alertmanager, post):
    post(alertmanager, alertmanager_payload())
    response = post(alertmanager, alertmanager_payload(status="resolved"))

    assert response.json()["status"] == "resolved"
    inquiry = Inquiry.objects.get()
    assert inquiry.status == "resolved"
    assert inquiry.resolution_kind == "other" and inquiry.resolution_note == "alert resolved"
    assert Event.objects.filter(inquiry=inquiry, kind="alert_resolved").count() == 1


def test_an_answered_alert_only_gets_an_event_when_it_resolves(alertmanager, post, primary):
    post(alertmanager, alertmanager_payload())
    inquiry = Inquiry.objects.get()
    inquiry_services.inquiry_respond(inquiry=inquiry, actor=primary.user, body="Looking at db-1.")

    post(alertmanager, alertmanager_payload(status="resolved"))

    inquiry.refresh_from_db()
    assert inquiry.status == "responded"
    assert Event.objects.filter(inquiry=inquiry, kind="alert_resolved").count() == 1


def test_auto_resolve_off_leaves_it_open(alertmanager, post):
    services.integration_update(integration=alertmanager, data={"auto_resolve": False})
    post(alertmanager, alertmanager_payload())
    post(alertmanager, alertmanager_payload(status="resolved"))

    assert Inquiry.objects.get().status == "new"


def test_the_same_group_firing_after_it_resolved_opens_a_new_inquiry(alertmanager, post):
    post(alertmanager, alertmanager_payload())
    post(alertmanager, alertmanager_payload(status="resolved"))
    post(alertmanager, alertmanager_payload())

    assert list(Inquiry.objects.order_by("number").values_list("status", flat=True)) == ["resolved", "new"]


@pytest.mark.parametrize(
    ("severity", "priority"),
    [("critical", "critical"), ("error", "high"), ("warning", "high"), ("info", "low"), ("page", "normal")],
)
def test_severity_sets_the_priority(alertmanager, post, severity, priority):
    post(alertmanager, alertmanager_payload(severity=severity))

    assert Inquiry.objects.get().priority == priority


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"not json", "Malformed JSON"),
        (b"[1, 2]", "JSON object"),
        ({"status": "firing", "alerts": []}, "groupKey"),
        ({"groupKey": "g", "status": "firing", "alerts": "x"}, "alerts"),
        ({"groupKey": "g", "status": "burning", "alerts": []}, "status"),
        ({"version": "3", "groupKey": "g", "status": "firing", "alerts": []}, "version 4"),
    ],
)
def test_unreadable_alerts_are_400_and_store_nothing(alertmanager, post, payload, message):
    response = post(alertmanager, payload)

    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert Inquiry.objects.count() == 0 and Delivery.objects.count() == 0


def test_a_secret_requires_the_bearer_credential(on_shift, post):
    hook = services.integration_create(
        team=on_shift, data={"kind": "alertmanager", "name": "p", "secret": "bearer-s3cret"}
    )

    assert post(hook, alertmanager_payload()).status_code == 401
    assert post(hook, alertmanager_payload(), HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert Inquiry.objects.count() == 0
    assert post(hook, alertmanager_payload(), HTTP_AUTHORIZATION="Bearer bearer-s3cret").status_code == 201


def test_grafana_alerting_webhook(on_shift, post):
    hook = services.integration_create(team=on_shift, data={"kind": "grafana", "name": "Grafana"})
    payload = alertmanager_payload(severity="warning")
    payload.update(
        version="1",
        orgId=1,
        title="[FIRING:1] DiskFull",
        state="alerting",
        message="**Firing**\n\nValue: B=95\nLabels:\n - alertname = DiskFull",
    )
    payload["alerts"][0].update(
        dashboardURL="https://grafana.example.org/d/abc",
        panelURL="https://grafana.example.org/d/abc?viewPanel=2",
    )

    assert post(hook, payload).status_code == 201
    inquiry = Inquiry.objects.get()
    assert inquiry.priority == "high"
    assert inquiry.source_url == "https://grafana.example.org/d/abc?viewPanel=2"
    assert "Value: B=95" in inquiry.body


def test_generic_alerts_dedupe_on_their_key(on_shift, post):
    hook = services.integration_create(team=on_shift, data={"kind": "generic", "name": "cron"})
    firing = {
        "title": "Backup failed",
        "message": "exit 1",
        "severity": "error",
        "dedup_key": "backup",
        "status": "firing",
    }

    assert post(hook, firing).status_code == 201
    assert post(hook, firing).status_code == 200
    assert post(hook, {**firing, "status": "resolved"}).json()["status"] == "resolved"
    assert post(hook, {"message": "no title", "status": "firing"}).status_code == 400
    inquiry = Inquiry.objects.get()
    assert inquiry.priority == "high" and inquiry.status == "resolved"


def test_a_sender_idempotency_key_makes_a_retry_a_no_op(alertmanager, post):
    post(alertmanager, alertmanager_payload(), HTTP_IDEMPOTENCY_KEY="retry-1")
    again = post(alertmanager, alertmanager_payload(), HTTP_IDEMPOTENCY_KEY="retry-1")

    assert again.json()["status"] == "duplicate"
    assert Event.objects.filter(kind="alert_firing").count() == 0


def test_an_alert_inquiry_is_marked_on_the_dashboard(alertmanager, post, primary, client):
    post(alertmanager, alertmanager_payload())
    client.force_login(primary.user)

    page = client.get("/").content.decode()

    assert 'data-testid="alert-mark"' in page
