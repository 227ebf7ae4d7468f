"""Every page and API list a manager of the bench's team opens, timed on two kept databases in turn.

    DATABASE_URL=postgres://…/so_k10k .venv/bin/python tests/manual/page_pairs.py so_k1m [--runs 5] [TEXT ...]

The databases come from `tests/benchmarks/kept.py generate 10000` and `generate 1000000` (then `manage.py
migrate` on both). As the `ads` team's manager, each URL below is requested once on each database in turn
(two open connections, so both see the same load), a warm-up and RUNS more; one line per URL: the ratio of
the medians (the second database's over the first's), both medians in ms and both status codes; `<<<` marks a
ratio over 1.6. TEXT: only the URLs containing one of these. Lists filtered by values a team's history barely
holds (a rare priority or channel, an assignee or topic with no inquiries), sorts, searches, the inbox,
reports, an open and a three-year-old inquiry: what `make bench`'s table does not cover.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[2]

YEAR = "team=ads&start={year_start}&end={today}"
URLS = (
    "/",
    "/dashboard/queue/",
    "/inquiries/?status=",
    "/inquiries/?status=resolved",
    "/inquiries/?sort=-priority",
    "/inquiries/?sort=due",
    "/inquiries/?status=&sort=oldest",
    "/inquiries/?status=&sort=requester",
    "/inquiries/?status=&sort=-updated",
    "/inquiries/?status=&priority=critical",
    "/inquiries/?status=&priority=high&sort=oldest",
    "/inquiries/?status=&channel=email",
    "/inquiries/?status=&channel=email&sort=due",
    "/inquiries/?status=&assignee=me",
    "/inquiries/?status=&assignee=none",
    "/inquiries/?status=&topic={topic}",
    "/inquiries/?status=&topic=nosuchtopic",
    "/inquiries/?overdue=true",
    "/inquiries/?search=ada lovelace",
    "/inquiries/?status=&search=kernel",
    "/inquiries/?status=&search=ada lovelace",
    "/inquiries/{open}/",
    "/inquiries/{old}/",
    "/inquiries/{old}/similar/",
    "/backlog/",
    "/inbox/",
    "/api/v1/inquiries/?status=resolved",
    "/api/v1/inquiries/?priority=critical",
    "/api/v1/inquiries/?channel=email",
    "/api/v1/inquiries/?assignee=me",
    "/api/v1/inquiries/?assignee={member}",
    "/api/v1/inquiries/?topic=nosuchtopic",
    "/api/v1/inquiries/?page=3",
    "/api/v1/notifications/",
    "/api/v1/notifications/?unread=1",
    "/api/v1/improvements/",
    "/api/v1/shifts/?team=ads",
    "/teams/ads/audit/",
    "/reports/load/?" + YEAR,
    "/reports/response-times/?" + YEAR,
    "/reports/topics/?" + YEAR,
    "/reports/cost/?" + YEAR,
    "/reports/team-load/?" + YEAR,
    "/reports/health/?team=ads",
    "/calendar/",
    "/rotations/",
    "/postmortems/",
)


def _sides(other: str) -> list:
    """(connection, logged-in client, URL values) for this database and `other`."""
    from django.db import connections
    from django.test import Client

    from inquiries.models import Inquiry
    from shifts.models import Member, Team, Topic

    here = connections["default"]
    there = here.__class__({**here.settings_dict, "NAME": other}, "default")
    today = dt.date.today()
    sides = []
    for connection in (here, there):
        connections["default"] = connection
        team = Team.objects.get(slug="ads")
        manager = Member.objects.filter(team=team, role="manager").first()
        client = Client()
        client.force_login(manager.user)
        rows = Inquiry.objects.filter(team=team)
        values = {
            "topic": Topic.objects.filter(team=team).first().pk,
            "open": rows.filter(status="new").order_by("-received_at").first().reference,
            "old": rows.filter(received_at__lt=dt.datetime.now(dt.UTC) - dt.timedelta(days=730))
            .order_by("-received_at")
            .first()
            .reference,
            "member": Member.objects.filter(team=team).exclude(pk=manager.pk).first().pk,
            "today": today,
            "year_start": today - dt.timedelta(days=364),
        }
        sides.append((connection, client, values))
    connections["default"] = here
    return sides


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("other", help="the other database's name on the same server (e.g. so_k1m)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("only", nargs="*", help="only the URLs containing one of these")
    args = parser.parse_intermixed_args()
    sys.path.insert(0, str(HERE))
    os.chdir(HERE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportops.settings.test")
    import django

    django.setup()
    from django.db import connections

    sides = _sides(args.other)
    here = connections["default"]
    for template in URLS:
        if args.only and not any(text in template for text in args.only):
            continue
        walls: list[list[float]] = [[], []]
        codes = []
        for run in range(args.runs + 1):
            for side, (connection, client, values) in enumerate(sides):
                connections["default"] = connection
                started = time.perf_counter()
                response = client.get(template.format(**values))
                elapsed = time.perf_counter() - started
                if run == 0:  # warm-up
                    codes.append(response.status_code)
                else:
                    walls[side].append(elapsed * 1000)
        first, second = (statistics.median(w) for w in walls)
        flag = " <<<" if second / first > 1.6 else ""
        line = f"{second / first:5.2f}  {first:7.1f} -> {second:7.1f} ms  {codes} {template}{flag}"
        print(line, flush=True)
    connections["default"] = here


if __name__ == "__main__":
    main()
