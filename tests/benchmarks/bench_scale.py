"""Every page, API list and report at growing data sizes (issue 16): times are printed, never asserted.

`make bench` runs it at 10k / 100k / 1M stored inquiries (BENCH_SCALES) and writes the table to
var/bench/scale.md; `make test` runs it at 100k / 200k and asserts what does not depend on the machine:
each page's statement count is the same at every size, the database pages each request reads grow by
at most half as much as the data (EXPLAIN (ANALYZE, BUFFERS): a ratio that a busy machine does not
change, unlike a time), the list queries' plans walk an index
(no sequential scan of the inquiries, no sort of a team's rows; a search's page reads its matches by id
or walks the list index, never a bitmap of every match), and the one-year reports read the
rollups, not raw rows (only the inquiries still pending, by id).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inquiries.models import Inquiry
from shifts.models import Topic

from .generate import World

# Transactional: the generated rows are committed, so they can be vacuumed as autovacuum would have done
# (the visibility map lets index-only scans skip the heap, as on a real installation).
pytestmark = [pytest.mark.benchmark, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SCALES = [int(n) for n in os.environ.get("BENCH_SCALES", "100000,200000").split(",")]
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
OUT = Path(os.environ.get("BENCH_OUT", "var/bench/scale.md"))
INQUIRIES = Inquiry._meta.db_table
# Pages (8 kB) a request's reads may vary by between sizes whatever the data's growth (see the end).
PLAN_SLACK = 1000
SMALL_SORT = 1000  # rows (planner's estimate) a list query may sort; a team holds 1,000 at 2k already
# Targets whose main list query must walk an index in order (no Sort, no Seq Scan on inquiries).
INDEX_ORDERED = (
    "list page",
    "list page, 3rd page",
    "API list",
    "API list ?team&status=new",
    "list page ?priority=critical",
    "list page ?channel=email",
    "list page ?assignee=me (none)",
    "list page ?topic=(a new one)",
    "API ?channel=email",
)
SEARCHES = ("list page ?search=kernel", "API ?search=kernel", "API ?search=ovelac", "API ?search=ADS-1000")
NO_SEQ_SCAN = (*INDEX_ORDERED, *SEARCHES)
REPORTS = ("load", "response-times", "cost", "topics", "team-load")
RAW_TABLES = ("inquiries_inquiry", "inquiries_message", "inquiries_event", "inquiries_effortlog")
# A range of times over raw rows (days of arrivals, responses, resolutions, effort): what grows with
# the data. A swept year reads none; only the inquiries its stored days left out as pending, by id.
RANGE = ('_at" >= ', '_at" < ')


def _targets(world: World, client) -> dict[str, tuple[object, str]]:
    primary, manager = world.members[world.team.pk][0], world.members[world.team.pk][5]
    open_one = Inquiry.objects.filter(team=world.team, status="new").order_by("-received_at").first()
    client.force_login(primary.user)
    cursor = None
    for _ in range(2):
        page = client.get("/inquiries/" + (f"?cursor={cursor}" if cursor else "")).context["page"]
        cursor = page.next_cursor
    Topic.objects.get_or_create(team=world.team, name="Rarely asked")
    today = world.now.date()
    year = f"team=ads&start={today - dt.timedelta(days=364)}&end={today}"
    targets = {
        "dashboard": (primary, "/"),
        "inquiry list page": (primary, "/inquiries/"),
        "list page, 3rd page": (primary, f"/inquiries/?cursor={cursor}"),
        "list page ?status=new": (primary, "/inquiries/?status=new"),
        "list page ?search=kernel": (primary, "/inquiries/?search=kernel"),
        # Filters whose value a team's history barely holds (the generator stores none of these): the page
        # comes from an index of the filter, not from walking the team's whole list for matches.
        "list page ?priority=critical": (primary, "/inquiries/?status=&priority=critical"),
        "list page ?channel=email": (primary, "/inquiries/?status=&channel=email"),
        "list page ?assignee=me (none)": (manager, "/inquiries/?status=&assignee=me"),
        "list page ?topic=(a new one)": (primary, "/inquiries/?status=&topic=rarely%20asked"),
        "API ?channel=email": (primary, "/api/v1/inquiries/?channel=email"),
        # The Primary's inbox: an "assigned to you" per inquiry they hold (100,000 at 1M, 20,000 unread).
        "inbox page": (primary, "/inbox/"),
        "API notifications": (primary, "/api/v1/notifications/"),
        "an open inquiry's page": (primary, f"/inquiries/{open_one.reference}/"),
        "its similar inquiries (fragment)": (primary, f"/inquiries/{open_one.reference}/similar/"),
        "API list": (primary, "/api/v1/inquiries/"),
        "API list ?team&status=new": (primary, "/api/v1/inquiries/?team=ads&status=new"),
        "API ?search=kernel": (primary, "/api/v1/inquiries/?search=kernel"),
        "API ?search=ovelac": (primary, "/api/v1/inquiries/?search=ovelac"),
        # A reference fragment: one row at 2k and 10k, 111 at 1M (ADS-1000, ADS-10000…, ADS-100000…).
        "API ?search=ADS-1000": (primary, "/api/v1/inquiries/?search=ADS-1000"),
    }
    for report in REPORTS:
        targets[f"report {report}, 1 year"] = (manager, f"/api/v1/reports/{report}/?{year}")
    # Short names for the plan checks above.
    targets["list page"] = targets["inquiry list page"]
    return targets


def _measure(client, who, url: str) -> tuple[int, float, list[str]]:
    client.force_login(who.user)
    client.get(url)  # warm-up
    times = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    statements = [q["sql"] for q in queries.captured_queries]
    return len(statements), statistics.median(times), statements


def _plan_nodes(sql: str) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    nodes, todo = [], [plan[0]["Plan"]]
    while todo:
        node = todo.pop()
        nodes.append(node)
        todo.extend(node.get("Plans", []))
    return nodes


def _page_query(statements: list[str]) -> str:
    """The statement that fetches the list's rows: from inquiries, ordered, limited, not the count (nor a
    search's ids: `WITH newest …`, inquiries.listing._newest_or_ids)."""
    for sql in statements:
        if sql.startswith("WITH "):
            continue
        if f'FROM "{INQUIRIES}"' in sql and "ORDER BY" in sql and "LIMIT" in sql and "COUNT(" not in sql:
            return sql
    raise AssertionError("no list query among:\n" + "\n".join(s[:120] for s in statements))


def _settings_before(statements: list[str], query: str) -> list[str]:
    """The planner settings (`SET …`, inquiries.listing.walk_in_order) in force when `query` ran."""
    settings: list[str] = []
    for sql in statements[: statements.index(query)]:
        if sql.startswith("SET "):
            settings.append(sql)
        elif sql.startswith("RESET "):
            settings.clear()
    return settings


def _check_plan(name: str, statements: list[str]) -> str:
    query = _page_query(statements)
    settings = _settings_before(statements, query)
    with connection.cursor() as cursor:
        for sql in settings:
            cursor.execute(sql)
    try:
        nodes = _plan_nodes(query)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_bitmapscan; RESET enable_seqscan")
    seq = [n for n in nodes if n["Node Type"] == "Seq Scan" and n.get("Relation Name") == INQUIRIES]
    assert not seq, f"{name}: sequential scan of the inquiries"
    if name in SEARCHES:
        # The page of a search reads its few matches by id or walks the list index (how many match
        # decides, inquiries.listing.search_matches); never a bitmap of every match, sorted.
        bitmaps = [n for n in nodes if n["Node Type"] == "Bitmap Heap Scan"]
        assert not bitmaps, f"{name}: the page reads a bitmap of the matches"
    if name in INDEX_ORDERED:
        # A filter that leaves few rows (the team's `new` ones) may sort those; a team's history never.
        sorts = [n for n in nodes if n["Node Type"] == "Sort" and n["Plans"][0]["Plan Rows"] > SMALL_SORT]
        assert not sorts, f"{name}: sorts rows instead of walking an index in order"
    top = [n["Node Type"] for n in nodes[:2]]
    scans = [
        n["Node Type"] + (f" ({n['Index Name']})" if "Index Name" in n else "")
        for n in nodes
        if n.get("Relation Name") == INQUIRIES or "inquiry" in n.get("Index Name", "")
    ]
    return " > ".join(top) + " … " + ", ".join(scans)


def _blocks(statements: list[str]) -> int:
    """The database pages one request reads: shared buffers hit or read by its statements' execution
    (EXPLAIN (ANALYZE, BUFFERS), planning left out), under the planner settings each ran with.

    Unlike a time, the same data and plans give the same count on a busy or a quiet machine, so a ratio
    between sizes can be asserted in `make test`."""
    total = 0
    with connection.cursor() as cursor:
        try:
            for sql in statements:
                if sql.startswith(("SET ", "RESET ")):
                    cursor.execute(sql)
                elif sql.lstrip().upper().startswith(("SELECT", "WITH")):
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
                    plan = cursor.fetchone()[0]
                    top = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
                    total += top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)
        finally:
            cursor.execute("RESET enable_bitmapscan; RESET enable_seqscan")
    return total


def _raw_reads(statements: list[str]) -> list[str]:
    """Statements of a report that read a range of raw inquiry rows (days of a team's history: what
    grows with the data; a swept year must come from the rollups)."""
    return [
        sql[:200]
        for sql in statements
        if any(f'FROM "{table}"' in sql for table in RAW_TABLES) and any(key in sql for key in RANGE)
    ]


def _table(figures: dict[str, list[tuple[int, float]]], blocks: dict[str, list[int]]) -> str:
    head = " | ".join(f"{n:,}" for n in SCALES)
    pages = " | ".join(f"pages read at {n:,}" for n in SCALES)
    lines = [
        f"| what | {head} | ratio {SCALES[-1]:,} / {SCALES[0]:,} | statements | {pages} | ratio |",
        "|---" * (2 * len(SCALES) + 4) + "|",
    ]
    for name, rows in figures.items():
        times = " | ".join(f"{ms * 1000:.0f} ms" for _, ms in rows)
        ratio = rows[-1][1] / rows[0][1] if rows[0][1] else float("nan")
        read = blocks[name]
        read_ratio = read[-1] / read[0] if read[0] else float("nan")
        counts = " | ".join(f"{n:,}" for n in read)
        lines.append(f"| {name} | {times} | {ratio:.2f} | {rows[-1][0]} | {counts} | {read_ratio:.2f} |")
    return "\n".join(lines)


def test_pages_lists_and_reports_at_growing_sizes(client):
    world = World.create()
    figures: dict[str, list[tuple[int, float]]] = {}
    statements_at: dict[str, list[int]] = {}
    blocks_at: dict[str, list[int]] = {}
    raw_reads: dict[str, list[str]] = {}
    plans: dict[str, str] = {}
    generated, swept = [], []
    for scale in SCALES:
        started = time.perf_counter()
        world.grow_to(scale)
        generated.append(time.perf_counter() - started)
        started = time.perf_counter()
        world.sweep()
        swept.append(time.perf_counter() - started)
        targets = _targets(world, client)
        for name, (who, url) in targets.items():
            count, elapsed, statements = _measure(client, who, url)
            if name != "list page":
                figures.setdefault(name, []).append((count, elapsed))
            statements_at.setdefault(name, []).append(count)
            blocks_at.setdefault(name, []).append(_blocks(statements))
            if name.startswith("report "):
                raw_reads[f"{name} at {scale:,}"] = _raw_reads(statements)
            if scale == SCALES[-1] and name in NO_SEQ_SCAN:
                try:
                    plans[name] = _check_plan(name, statements)
                except AssertionError as error:  # asserted below, after the table is written
                    plans[name] = f"FAILED: {error}"
    table = _table(figures, blocks_at)
    made = ", ".join(
        f"{n:,} in {s:.0f} s (rollup sweep {r:.0f} s)"
        for n, s, r in zip(SCALES, generated, swept, strict=True)
    )
    report = f"{table}\n\nGenerated (cumulative): {made}. Median of {RUNS} runs after a warm-up.\n"
    report += "\nPlans at the largest size:\n" + "\n".join(f"- {k}: {v}" for k, v in plans.items())
    print("\n" + report)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(report + "\n")
    failed = [plan for plan in plans.values() if plan.startswith("FAILED")]
    assert not failed, failed
    for name, counts in statements_at.items():
        assert len(set(counts)) == 1, f"{name}: statements {counts} change with the data size"
    # After the sweep, a year's report reads O(days x topics / members) rollup rows, never a range of
    # raw rows (whose size grows with the data): only the few still-pending inquiries, by id.
    assert not any(raw_reads.values()), {name: reads for name, reads in raw_reads.items() if reads}
    # The work of each request, unlike its time, does not depend on the machine. From one size to the
    # next it must grow by at most half the data's growth, give or take PLAN_SLACK pages (a plan may
    # switch, e.g. from a team's index to a partial index of every team's few open rows): reading a
    # range of a team's history would add thousands of pages (half the rows are the team's).
    too_much = {}
    for name, pages in blocks_at.items():
        for i in range(1, len(SCALES)):
            grown = SCALES[i] / SCALES[i - 1]
            if pages[i] > (1 + (grown - 1) / 2) * pages[i - 1] + PLAN_SLACK:
                too_much[name] = pages
    assert not too_much, f"pages read grow with the data: {too_much}"
