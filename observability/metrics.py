"""Prometheus metrics: HTTP requests (recorded per process, aggregated across gunicorn workers in
multiprocess mode) and the domain gauges, computed from the database at scrape time.

Multiprocess mode is on when PROMETHEUS_MULTIPROC_DIR is set (deploy/gunicorn.conf.py sets it and marks
dead workers); without it (runserver, tests) the metrics live in this process's default registry."""

import datetime as dt
import os

from django.db.models import Count, Min, Q
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

HTTP_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

http_requests = Counter(
    "supportops_http_requests",
    "HTTP requests answered, by route pattern, method and status.",
    ["route", "method", "status"],
)
http_latency = Histogram(
    "supportops_http_request_duration_seconds",
    "Time to answer an HTTP request, by route pattern and method.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


# The labelled children per (route, method, status), looked up once per process: `labels()` validates its
# arguments and takes the metric's lock on every call, three times the cost of counting (issue 16). Routes
# are patterns and methods a fixed set, so this stays as small as the metrics themselves.
_children: dict[tuple[str, str, int], tuple] = {}


def observe_request(*, route: str, method: str, status: int, seconds: float) -> None:
    method = method if method in HTTP_METHODS else "other"
    key = (route, method, status)
    children = _children.get(key)
    if children is None:
        children = _children[key] = (
            http_requests.labels(route=route, method=method, status=str(status)),
            http_latency.labels(route=route, method=method),
        )
    children[0].inc()
    children[1].observe(seconds)


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR")


class DomainCollector:
    """Queue, outbox and sweep figures read at scrape time. Each query is one GROUP BY over an indexed
    slice (open inquiries, new inquiries, undelivered outbox rows), so its cost follows the open queue,
    not the millions of resolved inquiries kept for reports."""

    def collect(self):
        from inquiries.models import OPEN_STATUSES, Handoff, Inquiry, SlaNotice
        from notices.models import OutboundMessage
        from shifts.models import Team

        from .models import SweepRun

        now = timezone.now()
        teams = dict(Team.objects.values_list("id", "slug"))

        open_gauge = GaugeMetricFamily(
            "supportops_inquiries_open", "Open inquiries by team and status.", labels=["team", "status"]
        )
        counts = {
            (row["team_id"], row["status"]): row["n"]
            for row in Inquiry.objects.filter(status__in=OPEN_STATUSES)
            .order_by()
            .values("team_id", "status")
            .annotate(n=Count("id"))
        }
        for team_id, slug in teams.items():
            for status in OPEN_STATUSES:
                open_gauge.add_metric([slug, status], counts.get((team_id, status), 0))
        yield open_gauge

        new = (
            Inquiry.objects.filter(status=Inquiry.Status.NEW)
            .order_by()
            .values("team_id")
            .annotate(
                overdue=Count("id", filter=Q(response_due_at__lt=now)),
                oldest=Min("received_at"),
            )
        )
        by_team = {row["team_id"]: row for row in new}
        overdue = GaugeMetricFamily(
            "supportops_inquiries_overdue",
            "New (unanswered) inquiries past their response_due_at, by team.",
            labels=["team"],
        )
        oldest = GaugeMetricFamily(
            "supportops_oldest_unanswered_seconds",
            "Age of the oldest new (unanswered) inquiry, by team; 0 when none waits.",
            labels=["team"],
        )
        for team_id, slug in teams.items():
            row = by_team.get(team_id)
            overdue.add_metric([slug], row["overdue"] if row else 0)
            age = max((now - row["oldest"]).total_seconds(), 0.0) if row and row["oldest"] else 0.0
            oldest.add_metric([slug], age)
        yield overdue
        yield oldest

        guarantee = GaugeMetricFamily(
            "supportops_response_guarantee_seconds",
            "The team's response guarantee (calendar time), for alerting on the oldest unanswered inquiry.",
            labels=["team"],
        )
        for slug, minutes in Team.objects.values_list("slug", "response_guarantee_minutes"):
            guarantee.add_metric([slug], float(minutes) * 60)
        yield guarantee

        yield from self._outbox(OutboundMessage, now)

        handoffs = CounterMetricFamily(
            "supportops_handoffs", "Shift-end handoffs recorded, by team.", labels=["team"]
        )
        handoff_counts = dict(
            Handoff.objects.order_by().values("team_id").annotate(n=Count("id")).values_list("team_id", "n")
        )
        for team_id, slug in teams.items():
            handoffs.add_metric([slug], handoff_counts.get(team_id, 0))
        yield handoffs

        notices = CounterMetricFamily(
            "supportops_sla_notices",
            "Response-time notices recorded (exactly once each), by kind.",
            labels=["kind"],
        )
        notice_counts = dict(
            SlaNotice.objects.order_by().values("kind").annotate(n=Count("id")).values_list("kind", "n")
        )
        for kind in SlaNotice.Kind.values:
            notices.add_metric([kind], notice_counts.get(kind, 0))
        yield notices

        last = GaugeMetricFamily(
            "supportops_sweep_last_success_timestamp_seconds",
            "Unix time when each periodic sweep last finished without error.",
            labels=["sweep"],
        )
        runs = CounterMetricFamily("supportops_sweep_runs", "Successful sweep runs.", labels=["sweep"])
        for sweep in SweepRun.objects.all():
            last.add_metric([sweep.name], sweep.last_success_at.timestamp())
            runs.add_metric([sweep.name], sweep.runs)
        yield last
        yield runs

    @staticmethod
    def _outbox(model, now: dt.datetime):
        backlog = GaugeMetricFamily(
            "supportops_outbox_backlog",
            "Emails and webhooks not delivered yet (pending or being sent), by channel.",
            labels=["channel"],
        )
        retrying = GaugeMetricFamily(
            "supportops_outbox_retrying",
            "Undelivered messages that failed at least once and wait for a retry, by channel.",
            labels=["channel"],
        )
        failed = GaugeMetricFamily(
            "supportops_outbox_failed",
            "Messages given up on after every attempt, by channel.",
            labels=["channel"],
        )
        oldest = GaugeMetricFamily(
            "supportops_outbox_oldest_pending_seconds",
            "Age of the oldest undelivered message; 0 when none.",
        )
        status = model.Status
        rows = (
            model.objects.filter(status__in=[status.PENDING, status.SENDING, status.FAILED])
            .order_by()
            .values("channel", "status")
            .annotate(n=Count("id"), retrying=Count("id", filter=Q(attempts__gt=0)), first=Min("created_at"))
        )
        figures = {channel: {"backlog": 0, "retrying": 0, "failed": 0} for channel in model.Channel.values}
        first_pending = None
        for row in rows:
            figure = figures.setdefault(row["channel"], {"backlog": 0, "retrying": 0, "failed": 0})
            if row["status"] == status.FAILED:
                figure["failed"] += row["n"]
                continue
            figure["backlog"] += row["n"]
            figure["retrying"] += row["retrying"]
            if first_pending is None or row["first"] < first_pending:
                first_pending = row["first"]
        for channel, figure in figures.items():
            backlog.add_metric([channel], figure["backlog"])
            retrying.add_metric([channel], figure["retrying"])
            failed.add_metric([channel], figure["failed"])
        oldest.add_metric([], max((now - first_pending).total_seconds(), 0.0) if first_pending else 0.0)
        yield from (backlog, retrying, failed, oldest)


def render() -> bytes:
    """The exposition text: this process's (or every gunicorn worker's) HTTP metrics, then the domain."""
    domain = CollectorRegistry(auto_describe=False)
    domain.register(DomainCollector())
    if multiprocess_dir():
        processes = CollectorRegistry(auto_describe=False)
        MultiProcessCollector(processes)
        return generate_latest(processes) + generate_latest(domain)
    return generate_latest(REGISTRY) + generate_latest(domain)
