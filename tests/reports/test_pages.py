"""Report pages: tables and inline SVG charts for managers, a friendly refusal for developers."""

import re

import pytest

from tests.reports.conftest import PERIOD

pytestmark = pytest.mark.django_db

PAGES = ("load", "response-times", "cost", "topics", "team-load")


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager.user)
    return client


def test_index_offers_team_and_period_pickers_and_every_report(dataset, manager_client):
    response = manager_client.get("/reports/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="team"' in html and 'name="start"' in html and 'name="end"' in html
    for name in PAGES:
        assert f"/reports/{name}/?team=ads" in html


@pytest.mark.parametrize("name", PAGES)
def test_each_report_page_has_a_table_a_chart_and_a_csv_link(dataset, manager_client, name):
    response = manager_client.get(f"/reports/{name}/", {"team": "ads", **PERIOD})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="report-table"' in html
    assert "<svg" in html and "<rect" in html
    assert f"/api/v1/reports/{name}/?team=ads&amp;start=2026-03-02&amp;end=2026-03-15&amp;format=csv" in html
    # Charts are server-rendered SVG; the only scripts are static files (no inline script: CSP).
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))


def test_load_page_shows_figures_and_flags_over_budget(dataset, manager_client):
    html = manager_client.get("/reports/load/", {"team": "ads", **PERIOD}).content.decode()
    assert "70.6%" in html and "over budget" in html and "budget 50%" in html


def test_cost_page_planner_answers_the_spec_examples(dataset, manager_client):
    base = {"team": "ads", **PERIOD, "plan": "1", "members": "6", "percent_time": "100"}
    weekdays = manager_client.get("/reports/cost/", {**base, "days": ["0", "1", "2", "3", "4"]})
    assert "<strong>16.7%</strong>" in weekdays.content.decode()
    mon_wed = manager_client.get("/reports/cost/", {**base, "days": ["0", "1", "2"]})
    assert "<strong>10.0%</strong>" in mon_wed.content.decode()
    bad = manager_client.get("/reports/cost/", {**base, "members": "0", "days": ["0"]})
    assert "members: 0 is not between 1 and 500" in bad.content.decode()


def test_developer_gets_a_friendly_message(dataset, client, primary):
    client.force_login(primary.user)
    for url in ("/reports/", "/reports/load/?team=ads"):
        response = client.get(url)
        assert response.status_code == 403
        assert "Reports are for managers" in response.content.decode()


def test_other_team_page_is_404(dataset, client, outsider):
    client.force_login(outsider.user)
    assert client.get("/reports/load/", {"team": "ads"}).status_code == 404


def test_bad_dates_on_a_page_explain_themselves(dataset, manager_client):
    response = manager_client.get(
        "/reports/topics/", {"team": "ads", "start": "2026-03-10", "end": "2026-03-01"}
    )
    assert response.status_code == 400
    assert "is after end" in response.content.decode()


def test_anonymous_is_sent_to_login(client):
    response = client.get("/reports/load/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_names_are_escaped(dataset, manager_client, teammate):
    teammate.user.first_name = "<script>x</script>"
    teammate.user.save()
    html = manager_client.get("/reports/load/", {"team": "ads", **PERIOD}).content.decode()
    assert "<script>x" not in html and "&lt;script&gt;x" in html
