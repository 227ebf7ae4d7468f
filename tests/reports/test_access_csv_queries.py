"""Who may read reports, bad input, CSV equal to JSON, and query counts independent of inquiries."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inquiries.models import EffortLog
from tests.factories import replied_inquiry
from tests.reports.conftest import PERIOD, at

pytestmark = pytest.mark.django_db

REPORTS = ("load", "response-times", "cost", "topics", "team-load")


@pytest.mark.parametrize("name", REPORTS)
def test_developer_is_refused_with_403(dataset, as_member, primary, name):
    response = as_member(primary).get(f"/api/v1/reports/{name}/", {"team": "ads"})
    assert response.status_code == 403
    assert "manager" in response.json()["detail"]


@pytest.mark.parametrize("name", REPORTS[:4])
def test_other_teams_reports_are_404(dataset, as_member, outsider, name):
    response = as_member(outsider).get(f"/api/v1/reports/{name}/", {"team": "ads"})
    assert response.status_code == 404
    assert "Applied" not in response.content.decode()


def test_anonymous_is_refused(dataset, api):
    assert api.get("/api/v1/reports/load/", {"team": "ads"}).status_code in (401, 403)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-02-30"}, "start must be a date"),
        ({"end": "yesterday"}, "end must be a date"),
        ({"start": "2026-03-10", "end": "2026-03-01"}, "is after end"),
        ({"start": "2023-01-01", "end": "2026-03-01"}, "longer than two years"),
        ({"team": ""}, "Pick a team"),
    ],
)
def test_bad_period_is_400_with_a_message(dataset, as_member, manager, params, message):
    response = as_member(manager).get("/api/v1/reports/load/", {"team": "ads", **params})
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_default_period_is_the_last_four_weeks(dataset, as_member, manager):
    period = as_member(manager).get("/api/v1/reports/cost/", {"team": "ads"}).json()["period"]
    assert period == {"start": "2026-02-17", "end": "2026-03-16", "days": 28}


def test_exactly_two_years_is_allowed(dataset, as_member, manager):
    response = as_member(manager).get(
        "/api/v1/reports/cost/", {"team": "ads", "start": "2024-03-16", "end": "2026-03-15"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("name", REPORTS)
def test_csv_parses_and_matches_json(dataset, as_member, manager, name):
    client = as_member(manager)
    params = {"team": "ads", **PERIOD}
    data = client.get(f"/api/v1/reports/{name}/", params).json()
    response = client.get(f"/api/v1/reports/{name}/", {**params, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert header == list(data["rows"][0])
    assert len(lines) == len(data["rows"]) > 0
    for line, row in zip(lines, data["rows"], strict=True):
        for cell, (key, value) in zip(line, row.items(), strict=True):
            if isinstance(value, bool):
                assert cell == ("yes" if value else "no"), key
            elif value is None:
                assert cell == "", key
            elif isinstance(value, int | float):
                assert float(cell) == value, key
            elif isinstance(value, list):
                assert cell == "; ".join(f"{b['username']} ({b['team']})" for b in value), key
            else:
                assert cell == value, key


def test_csv_of_an_error_carries_the_message(dataset, as_member, manager):
    response = as_member(manager).get(
        "/api/v1/reports/load/", {"team": "ads", "start": "nope", "format": "csv"}
    )
    assert response.status_code == 400
    assert list(csv.reader(io.StringIO(response.content.decode())))[0] == ["detail"]


def test_csv_of_an_empty_period_still_has_its_header(dataset, as_member, manager):
    response = as_member(manager).get(
        "/api/v1/reports/topics/",
        {"team": "ads", "start": "2025-01-01", "end": "2025-01-31", "format": "csv"},
    )
    assert response.content.decode().splitlines() == [
        "topic_id,topic,count,resolved,effort_hours,average_effort_minutes,automation_candidate,suggestion"
    ]


def _grow(team, primary, topics, total: int) -> None:
    have = team.inquiries.count()
    for n in range(have, total):
        day = 2 + n % 12
        inquiry = replied_inquiry(
            team, at(day, 10), responded_at=at(day, 11) if n % 2 else None, by=primary, topic=topics[n % 2]
        )
        EffortLog.objects.create(inquiry=inquiry, member=primary, minutes=5)


@pytest.mark.parametrize("name", REPORTS)
def test_query_count_does_not_grow_with_inquiries(
    dataset, as_member, manager, primary, team, django_assert_max_num_queries, name
):
    client = as_member(manager)
    topics = [dataset["install"], dataset["grading"]]
    counts = []
    for total in (10, 100):
        _grow(team, primary, topics, total)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/reports/{name}/", {"team": "ads", **PERIOD}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(12):
        client.get(f"/api/v1/reports/{name}/", {"team": "ads", **PERIOD})
