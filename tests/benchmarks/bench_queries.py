"""Query count per page and per API list must not depend on how many rows there are (SPEC 5, Speed).

Run with `make bench` (prints the figures); it also runs in `make test` as an assertion."""

import datetime as dt
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inquiries import services
from inquiries.models import Inquiry
from tests.factories import ShiftFactory

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db]

SIZES = (10, 100, 300)
URLS = {
    "dashboard": "/",
    "queue fragment": "/dashboard/queue/",
    "inquiry list page": "/inquiries/",
    "API list (page_size=rows)": "/api/v1/inquiries/?page_size={rows}",
    "API improvements": "/api/v1/improvements/?page_size={rows}",
}


def _grow_to(team, primary, teammate, rows: int) -> None:
    have = Inquiry.objects.filter(team=team).count()
    for n in range(have, rows):
        inquiry = services.inquiry_create(
            team=team,
            subject=f"Question {n}",
            body="body",
            requester_name="Lea",
            requester_email="l@example.org",
        )
        services.effort_log(inquiry=inquiry, actor=primary.user, minutes=5)
        if n % 3 == 0:
            services.inquiry_respond(inquiry=inquiry, actor=primary.user, body="ok")
        if n % 7 == 0:
            services.inquiry_escalate(inquiry=inquiry, actor=teammate.user, member=primary, reason="why")
        if n % 5 == 0:
            services.improvement_create(
                team=team, actor=primary.user, title=f"Fix {n}", kind="low_hanging_fruit", estimate_hours=1
            )


def _measure(client, url: str) -> tuple[int, float]:
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - start
    assert response.status_code == 200, url
    return len(queries), elapsed


@pytest.fixture
def on_shift(team, primary):
    now = timezone.now()
    team.coverage = [{"weekday": d, "start": "00:00", "end": "24:00"} for d in range(7)]
    team.save()
    return ShiftFactory(
        team=team,
        role="primary",
        member=primary,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(days=1),
    )


def test_query_counts_do_not_grow_with_rows(client, on_shift, primary, teammate):
    client.force_login(primary.user)
    figures: dict[str, list[tuple[int, float]]] = {name: [] for name in URLS}
    for rows in SIZES:
        _grow_to(on_shift.team, primary, teammate, rows)
        for name, url in URLS.items():
            figures[name].append(_measure(client, url.format(rows=rows)))

    print(f"\n{'page':32} " + " ".join(f"{f'{rows} rows':>16}" for rows in SIZES) + "   query ratio")
    for name, values in figures.items():
        cells = " ".join(f"{q:4d} q {ms * 1000:7.1f} ms" for q, ms in values)
        print(f"{name:32} {cells}   {values[-1][0] / values[0][0]:.2f}")
    for name, values in figures.items():
        counts = {q for q, _ in values}
        assert len(counts) == 1, f"{name}: query count changes with rows: {[q for q, _ in values]}"
