"""Timing one request on databases kept between runs (bench_scale builds and drops its own each time).

    DATABASE_URL=postgres://…/so_big .venv/bin/python tests/benchmarks/kept.py generate 1000000
    DATABASE_URL=postgres://…/so_big .venv/bin/python tests/benchmarks/kept.py time [RUNS] [--code DIR]

`generate` migrates an empty database, fills it like bench_scale (tests/benchmarks/generate.py: 10k, 100k,
then 1M, cumulative) and sweeps the measured team's rollups. `time` prints one JSON line: the one-year
response-times report of the bench's team and period, median wall and CPU ms of RUNS function calls
(`reports.selectors.response_times`) and of RUNS API requests through the test client, after a warm-up,
with the load average and a digest of the report (equal digests: equal reports). `search [RUNS]` prints
one JSON line per search request of the bench's primary user (API and list page; frequent, rare and
absent terms, a reference fragment, an exact email): median HTTP ms, the first page's size and count,
and the load average. `pairs OTHER_DB [RUNS]` times the same searches on this database and on OTHER_DB
(a database name on the same server, e.g. the 1M one), one request on each in turn over two open
connections, so both see the same load: median HTTP and process-CPU ms of each and the ratio of the
medians, as one JSON line per search. `reports [RUNS]` prints one JSON line per one-year report of the
bench's team (API, as its manager): median HTTP and CPU ms. `--code DIR` imports the
application from another checkout (e.g. main's), to compare two versions on the same data; alternate the
databases and versions between processes and take medians of several rounds, as the README's figures do.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import statistics
import sys
import time
import zoneinfo
from pathlib import Path

HERE = Path(__file__).resolve().parents[2]


def _setup(code: Path) -> None:
    sys.path.insert(0, str(code))
    os.chdir(code)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportops.settings.test")
    import django

    django.setup()


def generate(total: int) -> None:
    from django.core.management import call_command

    from tests.benchmarks.generate import World

    call_command("migrate", "--noinput", verbosity=0)
    started = time.perf_counter()
    world = World.create()
    for size in [n for n in (10_000, 100_000, 1_000_000) if n < total] + [total]:
        world.grow_to(size)
        print(f"{size:,} inquiries after {time.perf_counter() - started:.0f} s", flush=True)
    world.sweep()
    print(f"swept after {time.perf_counter() - started:.0f} s", flush=True)


def _median_ms(call, runs: int) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return round(statistics.median(walls) * 1000, 1), round(statistics.median(cpus) * 1000, 1)


def time_report(runs: int) -> None:
    from django.test import Client

    from reports.period import Period
    from reports.selectors import response_times
    from shifts.models import Member, Team

    team = Team.objects.get(slug="ads")
    today = dt.datetime.now(dt.UTC).date()
    period = Period(start=today - dt.timedelta(days=364), end=today, tz=zoneinfo.ZoneInfo(team.timezone))
    report = response_times(team=team, period=period)
    wall, cpu = _median_ms(lambda: response_times(team=team, period=period), runs)
    client = Client()
    client.force_login(Member.objects.filter(team=team, role="manager").first().user)
    url = f"/api/v1/reports/response-times/?team=ads&start={period.start}&end={period.end}"
    assert client.get(url).status_code == 200
    http, _ = _median_ms(lambda: client.get(url), runs)
    digest = hashlib.md5(json.dumps(report, sort_keys=True, default=str).encode()).hexdigest()[:10]
    print(json.dumps({"wall": wall, "cpu": cpu, "http": http, "load": os.getloadavg()[0], "digest": digest}))


SEARCHES = (
    "/api/v1/inquiries/?search=ovelac",  # a surname fragment: 1 row in 11 (generate.LAST_NAMES)
    "/api/v1/inquiries/?search=kernel",  # a full-text word
    "/api/v1/inquiries/?search=ada lovelace",  # first and last name: 1 row in 154
    "/api/v1/inquiries/?search=knuth",  # nobody
    "/api/v1/inquiries/?search=ADS-4999",  # a reference fragment: 1 row at 10k, 111 at 1M
    "/api/v1/inquiries/?search=ada.thompson0@example.org",  # an exact email
    "/inquiries/?search=ovelac",
    "/inquiries/?search=knuth",
    "/api/v1/inquiries/?search=ada",  # a first name: 1 row in 14 (generate.FIRST_NAMES)
    "/api/v1/inquiries/?search=lovelace",  # a surname: 1 row in 11
    "/api/v1/inquiries/?search=thompson0@example",  # part of an email: nobody (emails match whole)
    "/api/v1/inquiries/?search=conda cuda",  # two words of subjects and bodies: 1 row in 14
    "/api/v1/inquiries/?search=kernel lovelace",  # a frequent word and a surname: 1 row in 40
    "/api/v1/inquiries/?search=segfault ada lovelace",  # a word and a full name: 1 row in 560
    "/inquiries/?search=ada lovelace",
)


def time_searches(runs: int) -> None:
    from django.test import Client

    from shifts.models import Member, Team

    team = Team.objects.get(slug="ads")
    client = Client()
    client.force_login(Member.objects.filter(team=team).order_by("pk").first().user)
    for url in SEARCHES:
        response = client.get(url)  # warm-up
        assert response.status_code == 200, (url, response.status_code)
        body = response.json() if url.startswith("/api/") else {}
        http, _ = _median_ms(lambda url=url: client.get(url), runs)
        print(
            json.dumps(
                {
                    "url": url,
                    "http": http,
                    "rows": len(body.get("results", [])),
                    "count": body.get("count"),
                    "load": os.getloadavg()[0],
                }
            ),
            flush=True,
        )


def pair_searches(other: str, runs: int) -> None:
    """Each search on this database and on `other`, alternating request by request (`pairs`)."""
    from django.db import connections
    from django.test import Client

    from shifts.models import Member, Team

    here = connections["default"]
    there = here.__class__({**here.settings_dict, "NAME": other}, "default")
    clients = []
    for connection in (here, there):
        connections["default"] = connection
        team = Team.objects.get(slug="ads")
        client = Client()
        client.force_login(Member.objects.filter(team=team).order_by("pk").first().user)
        clients.append(client)
    for url in SEARCHES:
        walls: list[list[float]] = [[], []]
        cpus: list[list[float]] = [[], []]
        rows = []
        for run in range(runs + 1):
            for side, (connection, client) in enumerate(zip((here, there), clients, strict=True)):
                connections["default"] = connection
                wall, cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
                assert response.status_code == 200, (url, response.status_code)
                if run == 0:  # warm-up
                    body = response.json() if url.startswith("/api/") else {}
                    rows.append(len(body.get("results", [])))
                    continue
                walls[side].append(wall * 1000)
                cpus[side].append(cpu * 1000)
        wall_here, wall_there = (statistics.median(w) for w in walls)
        line = {
            "url": url,
            "http": [round(wall_here, 1), round(wall_there, 1)],
            "ratio": round(wall_there / wall_here, 2),
            "cpu": [round(statistics.median(c), 1) for c in cpus],
            "rows": rows,
            "load": os.getloadavg()[0],
        }
        print(json.dumps(line), flush=True)
    connections["default"] = here


REPORTS = ("load", "response-times", "cost", "topics", "team-load")


def time_reports(runs: int) -> None:
    """Each one-year report of the bench's team through the API, as its manager: median HTTP ms."""
    from django.test import Client

    from shifts.models import Member, Team

    team = Team.objects.get(slug="ads")
    today = dt.datetime.now(dt.UTC).date()
    client = Client()
    client.force_login(Member.objects.filter(team=team, role="manager").first().user)
    for report in REPORTS:
        url = f"/api/v1/reports/{report}/?team=ads&start={today - dt.timedelta(days=364)}&end={today}"
        assert client.get(url).status_code == 200, url  # warm-up
        http, cpu = _median_ms(lambda url=url: client.get(url), runs)
        line = {"report": report, "http": http, "cpu": cpu, "load": os.getloadavg()[0]}
        print(json.dumps(line), flush=True)


def main(argv: list[str]) -> None:
    code = HERE
    if "--code" in argv:
        index = argv.index("--code")
        code, argv = Path(argv[index + 1]).resolve(), argv[:index] + argv[index + 2 :]
    if argv[:1] == ["generate"] and len(argv) == 2:
        _setup(HERE)
        generate(int(argv[1]))
    elif argv[:1] == ["time"]:
        _setup(code)
        time_report(int(argv[1]) if len(argv) > 1 else 9)
    elif argv[:1] == ["reports"]:
        _setup(code)
        time_reports(int(argv[1]) if len(argv) > 1 else 9)
    elif argv[:1] == ["pairs"] and len(argv) in (2, 3):
        _setup(code)
        pair_searches(argv[1], int(argv[2]) if len(argv) > 2 else 15)
    elif argv[:1] == ["search"]:
        _setup(code)
        time_searches(int(argv[1]) if len(argv) > 1 else 9)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
