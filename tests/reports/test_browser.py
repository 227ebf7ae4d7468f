"""A manager walks through every report page in Chromium and downloads a CSV."""

import csv
import io

import pytest

from tests.reports.conftest import PERIOD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "load": "Load balance",
    "response-times": "Response times",
    "cost": "Support cost",
    "topics": "Recurring topics",
    "team-load": "Team load",
}


def test_manager_opens_each_report_and_downloads_csv(dataset, page, browser_login, manager):
    browser_login(page, manager.user)
    page.goto("/reports/")
    page.fill("input[name=start]", PERIOD["start"])
    page.fill("input[name=end]", PERIOD["end"])
    page.click("[data-testid=picker] button")
    for slug, title in PAGES.items():
        page.click(f".report-tabs >> text={title}")
        page.wait_for_url(f"**/reports/{slug}/?team=ads&start=2026-03-02&end=2026-03-15")
        assert page.locator("h1").inner_text().startswith(title)
        assert page.locator("figure.chart svg").count() >= 1
        assert page.locator("[data-testid=report-table] tbody tr").count() >= 1
    page.goto("/reports/load/?team=ads&start=2026-03-02&end=2026-03-15")
    with page.expect_download() as info:
        page.click("[data-testid=csv]")
    download = info.value
    assert download.suggested_filename == "load-ads-2026-03-02-2026-03-15.csv"
    with open(download.path(), encoding="utf-8") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read())))
    assert [(r["username"], r["primary_shifts"], r["fair_share"]) for r in rows] == [
        ("maria", "0", "0.0"),
        ("pat", "7", "7.33"),
        ("tom", "3", "2.67"),
    ]


def test_manager_uses_the_cost_planner(dataset, page, browser_login, manager):
    browser_login(page, manager.user)
    page.goto("/reports/cost/?team=ads&start=2026-03-02&end=2026-03-15")
    planner = page.locator("[data-testid=planner]")
    planner.locator("input[name=members]").fill("6")
    for day in ("3", "4"):  # Thursday, Friday off: Mon-Wed only
        planner.locator(f"input[name=days][value='{day}']").uncheck()
    planner.locator("button").click()
    assert page.locator("[data-testid=plan-result] strong").inner_text() == "10.0%"
