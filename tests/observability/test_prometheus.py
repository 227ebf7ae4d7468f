"""Debian's Prometheus scrapes a real gunicorn (two workers, deploy/gunicorn.conf.py) with the bearer
token, and answers through its own query API: the target is up, the request counters add up across
both workers, and the per-team queue gauges are the database's. The alert rules and the dashboard's
queries are loaded and evaluated by that same Prometheus.

Real time: the test polls Prometheus with a timeout, it never sleeps for a fixed time."""

import datetime as dt
import json
import re
import shutil
import subprocess
import urllib.parse
import urllib.request

import pytest
from django.utils import timezone

from inquiries.models import Inquiry
from tests.factories import make_inquiry
from tests.workers.test_integration import BIN, ROOT, free_port, wait_for

pytestmark = pytest.mark.prometheus

TOKEN = "scrape-token-abcdefghijklmnop"
REQUESTS = 24


def test_promtool_accepts_the_alert_rules_and_their_unit_tests():
    promtool = shutil.which("promtool")
    check = subprocess.run(
        [promtool, "check", "rules", "deploy/prometheus/alerts.yml"], cwd=ROOT, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "SUCCESS" in check.stdout
    unit = subprocess.run(
        [promtool, "test", "rules", "deploy/prometheus/alerts_test.yml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert unit.returncode == 0, unit.stdout + unit.stderr


class Prometheus:
    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"

    def query(self, expr: str) -> list[dict]:
        url = f"{self.base}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
        with urllib.request.urlopen(url, timeout=5) as response:
            body = json.load(response)
        assert body["status"] == "success", body
        return body["data"]["result"]

    def value(self, expr: str) -> float | None:
        try:
            result = self.query(expr)
        except OSError:
            return None
        return float(result[0]["value"][1]) if len(result) == 1 else None

    def get(self, path: str) -> dict:
        with urllib.request.urlopen(f"{self.base}{path}", timeout=5) as response:
            return json.load(response)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_prometheus_scrapes_two_gunicorn_workers_and_sees_the_database(
    stack, tmp_path, team, other_team, primary
):
    now = timezone.now()
    make_inquiry(
        team, primary, received_at=now - dt.timedelta(hours=6), response_due_at=now - dt.timedelta(hours=2)
    )
    make_inquiry(
        team, primary, received_at=now - dt.timedelta(hours=1), response_due_at=now + dt.timedelta(hours=3)
    )
    make_inquiry(team, primary, status="waiting", received_at=now - dt.timedelta(days=1))
    make_inquiry(other_team, None, received_at=now - dt.timedelta(minutes=10))

    web_port, prom_port = free_port(), free_port()
    gunicorn = stack.start(
        "gunicorn",
        str(BIN / "gunicorn"),
        "supportops.wsgi:application",
        "--config",
        "deploy/gunicorn.conf.py",
        "--bind",
        f"127.0.0.1:{web_port}",
        "--workers",
        "2",
        METRICS_TOKEN=TOKEN,
    )

    def get(path: str) -> int | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{web_port}{path}", timeout=5) as response:
                return response.status
        except OSError:
            return None

    wait_for(lambda: get("/healthz") == 200 or gunicorn.poll() is not None, what="gunicorn")
    assert gunicorn.poll() is None, stack.log("gunicorn")
    # Both workers must be up before counting, so that the requests below spread over them.
    wait_for(lambda: stack.log("gunicorn").count("Booting worker") >= 2, what="two gunicorn workers")
    for _ in range(REQUESTS - 1):
        assert get("/healthz") == 200

    config = tmp_path / "prometheus.yml"
    config.write_text(
        f"""
global: {{scrape_interval: 1s, evaluation_interval: 1s}}
rule_files: ["{ROOT / "deploy/prometheus/alerts.yml"}"]
scrape_configs:
  - job_name: supportops
    metrics_path: /metrics
    authorization: {{type: Bearer, credentials: "{TOKEN}"}}
    static_configs: [{{targets: ["127.0.0.1:{web_port}"]}}]
"""
    )
    stack.start(
        "prometheus",
        shutil.which("prometheus"),
        f"--config.file={config}",
        f"--storage.tsdb.path={tmp_path / 'tsdb'}",
        f"--web.listen-address=127.0.0.1:{prom_port}",
    )
    prometheus = Prometheus(prom_port)

    wait_for(lambda: prometheus.value('up{job="supportops"}') == 1, what="the target up", timeout=60)
    # Every /healthz request, whichever worker answered it, in one counter.
    healthz = 'sum(supportops_http_requests_total{route="/healthz",method="GET",status="200"})'
    # On a loaded machine a request can outlive the client's 5 s timeout and be sent again: gunicorn's
    # access log says how many were served with 200, and Prometheus must count exactly those.
    access = [json.loads(line) for line in stack.log("gunicorn").splitlines() if '"gunicorn.access"' in line]
    served = len([line for line in access if line["path"] == "/healthz" and line["status"] == 200])
    assert served >= REQUESTS
    wait_for(lambda: prometheus.value(healthz) == served, what=f"{served} /healthz requests", timeout=30)

    def database(team_slug: str, status: str) -> int:
        return Inquiry.objects.filter(team__slug=team_slug, status=status).count()

    for slug in ("ads", "bio"):
        for status in ("new", "responded", "waiting"):
            expr = f'supportops_inquiries_open{{team="{slug}",status="{status}"}}'
            assert prometheus.value(expr) == database(slug, status), expr
    assert prometheus.value('supportops_inquiries_overdue{team="ads"}') == 1
    assert prometheus.value('supportops_inquiries_overdue{team="bio"}') == 0
    oldest = prometheus.value('supportops_oldest_unanswered_seconds{team="ads"}')
    assert 6 * 3600 <= oldest < 6 * 3600 + 300

    # The shipped rules are loaded by this Prometheus, and every dashboard query is valid PromQL.
    groups = prometheus.get("/api/v1/rules")["data"]["groups"]
    alerts = {rule["name"] for group in groups for rule in group["rules"]}
    assert {
        "SupportOpsOldestUnansweredOverGuarantee",
        "SupportOpsSweepStale",
        "SupportOpsOutboxFailing",
    } <= alerts
    assert all(rule["health"] != "err" for group in groups for rule in group["rules"])
    dashboard = json.loads((ROOT / "deploy/grafana/supportops.json").read_text())
    for panel in dashboard["panels"]:
        for target in panel["targets"]:
            prometheus.query(re.sub(r"\$\w+", ".*", target["expr"]))

    # Every line gunicorn and the app wrote is one JSON object.
    assert not_json(stack.log("gunicorn")) == []


def not_json(log: str) -> list[str]:
    bad = []
    for line in log.splitlines():
        try:
            json.loads(line)
        except ValueError:
            bad.append(line)
    return bad
