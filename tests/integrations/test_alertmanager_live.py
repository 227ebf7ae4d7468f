"""End to end with Debian's real `prometheus-alertmanager`: it notifies a live app server through a
webhook receiver; alerts are posted to Alertmanager's own API (`/api/v2/alerts`).

Checks: one inquiry per alert group, assigned to the Secondary (team `alerts_to` = secondary); a
second alert joining the firing group adds to that inquiry, never a second one; the group resolving
auto-resolves an unanswered inquiry; an answered one only gets an event. Alertmanager's group_wait and
group_interval are one second, and every wait is a poll with a timeout, never a fixed sleep."""

import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable

import pytest
from django.utils import timezone

from inquiries import services as inquiry_services
from inquiries.models import Event, Inquiry
from integrations import services
from integrations.models import Delivery
from tests.conftest import IN_CI

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BINARY = shutil.which("prometheus-alertmanager") or "/usr/bin/prometheus-alertmanager"
TIMEOUT = 60.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(what: str, check: Callable[[], object], timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.2)


CONFIG = """
global:
  resolve_timeout: 1m
route:
  receiver: supportops
  group_by: ['alertname']
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: supportops
    webhook_configs:
      - url: {url}
        send_resolved: true
        max_alerts: 0
        http_config:
          authorization:
            credentials: {secret}
"""


@pytest.fixture
def alertmanager_binary():
    if not os.path.exists(BINARY):
        if IN_CI:
            pytest.fail("CI needs Debian's prometheus-alertmanager (apt-get install prometheus-alertmanager)")
        pytest.skip("needs Debian's prometheus-alertmanager (apt-get install prometheus-alertmanager)")
    return BINARY


@pytest.fixture
def alertmanager(alertmanager_binary, tmp_path, live_server, on_shift):
    """A real Alertmanager whose only receiver posts to a `alertmanager` integration of `ads`."""
    integration = services.integration_create(
        team=on_shift, data={"kind": "alertmanager", "name": "Production Alertmanager", "secret": "am-bearer"}
    )
    hook = f"{live_server.url}/hooks/{integration.token}/"
    (tmp_path / "alertmanager.yml").write_text(CONFIG.format(url=hook, secret="am-bearer"))
    port = _free_port()
    log = open(tmp_path / "alertmanager.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [
            alertmanager_binary,
            f"--config.file={tmp_path / 'alertmanager.yml'}",
            f"--storage.path={tmp_path / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",
            "--log.level=debug",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        if process.poll() is not None:
            raise AssertionError(
                "alertmanager exited:\n" + (tmp_path / "alertmanager.log").read_text()[-3000:]
            )
        try:
            with urllib.request.urlopen(f"{base}/-/ready", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    try:
        wait_for("alertmanager to be ready", ready)
        yield base, integration
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def post_alerts(base: str, alerts: list[dict]) -> None:
    request = urllib.request.Request(
        f"{base}/api/v2/alerts",
        data=json.dumps(alerts).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def alert(name: str, instance: str, *, severity: str = "critical", resolved: bool = False) -> dict:
    now = timezone.now()
    body = {
        "labels": {"alertname": name, "instance": instance, "severity": severity},
        "annotations": {"summary": f"{name} on {instance}"},
        "startsAt": (now - dt.timedelta(minutes=5)).isoformat(),
        "generatorURL": "http://prometheus.example.org/graph",
    }
    if resolved:
        body["endsAt"] = (now - dt.timedelta(seconds=1)).isoformat()
    return body


def test_alertmanager_groups_open_one_inquiry_on_the_secondary_and_resolve_it(
    alertmanager, secondary, primary
):
    base, integration = alertmanager
    team = integration.team
    team.alerts_to = "secondary"
    team.save()

    # A group fires: one inquiry, on the Secondary, critical.
    post_alerts(base, [alert("DiskFull", "db-1")])
    disk = wait_for("the DiskFull inquiry", lambda: Inquiry.objects.filter(channel="alert").first())
    assert disk.assignee == secondary
    assert disk.priority == "critical"
    assert disk.subject == "DiskFull on db-1"  # the group's common summary annotation
    assert disk.requester_name == "Production Alertmanager"

    # Another alert joins the firing group: Alertmanager notifies again; still one inquiry.
    post_alerts(base, [alert("DiskFull", "db-2")])
    wait_for(
        "the second DiskFull notification",
        lambda: Event.objects.filter(inquiry=disk, kind="alert_firing").exists(),
    )
    assert Inquiry.objects.filter(channel="alert").count() == 1

    # A second group, answered before it resolves.
    post_alerts(base, [alert("HighLatency", "web-1", severity="warning")])
    latency = wait_for(
        "the HighLatency inquiry", lambda: Inquiry.objects.filter(channel="alert").exclude(pk=disk.pk).first()
    )
    assert latency.priority == "high" and latency.assignee == secondary
    inquiry_services.inquiry_respond(inquiry=latency, actor=secondary.user, body="Looking at web-1.")

    # Both groups resolve.
    post_alerts(
        base,
        [
            alert("DiskFull", "db-1", resolved=True),
            alert("DiskFull", "db-2", resolved=True),
            alert("HighLatency", "web-1", severity="warning", resolved=True),
        ],
    )
    wait_for("DiskFull auto-resolved", lambda: Inquiry.objects.get(pk=disk.pk).status == "resolved")
    wait_for(
        "HighLatency's resolution event",
        lambda: Event.objects.filter(inquiry=latency, kind="alert_resolved").exists(),
    )

    disk.refresh_from_db()
    latency.refresh_from_db()
    assert disk.resolution_kind == "other" and disk.resolution_note == "alert resolved"
    assert latency.status == "responded"  # answered: only an event, the assignee decides
    assert Inquiry.objects.filter(channel="alert").count() == 2
    assert not Delivery.objects.filter(outcome="failed").exists()
    integration.refresh_from_db()
    assert integration.last_received_at is not None and integration.last_error == ""
