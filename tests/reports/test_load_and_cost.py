"""Exact figures of the load-balance and support-cost reports on the hand-made fortnight."""

import pytest

from tests.reports.conftest import PERIOD

pytestmark = pytest.mark.django_db


def _get(as_member, user, name, **params):
    response = as_member(user).get(f"/api/v1/reports/{name}/", {"team": "ads", **PERIOD, **params})
    assert response.status_code == 200, response.content
    return response.json()


def test_load_balance_counts_shifts_fair_share_work_and_budget(dataset, as_member, manager):
    report = _get(as_member, manager, "load")
    rows = {row["username"]: row for row in report["rows"]}
    assert list(rows) == ["maria", "pat", "tom"]
    pat, tom, maria = rows["pat"], rows["tom"], rows["maria"]
    # 8 shifts shared 100:50, then 2 while tom is absent: pat 8*2/3 + 2, tom 8/3.
    assert (pat["primary_shifts"], pat["fair_share"], pat["deviation"]) == (7, 7.33, -0.33)
    assert (tom["primary_shifts"], tom["fair_share"], tom["deviation"]) == (3, 2.67, 0.33)
    assert (maria["primary_shifts"], maria["fair_share"]) == (0, 0)
    assert (pat["primary_hours"], tom["primary_hours"]) == (56, 24)
    assert (pat["responded"], tom["responded"], maria["responded"]) == (3, 2, 0)
    assert (pat["resolved"], tom["resolved"]) == (2, 1)
    assert (pat["effort_hours"], pat["effort_outside_shifts_hours"]) == (1.5, 0.5)
    assert (tom["effort_hours"], maria["effort_hours"]) == (2, 2)
    # Direct support: primary hours + effort outside own shifts, over pct x 40 h x 2 weeks.
    assert (pat["direct_support_hours"], pat["available_hours"]) == (56.5, 80)
    assert pat["support_share_percent"] == 70.6 and pat["over_budget"] is True
    assert tom["support_share_percent"] == 65.0 and tom["over_budget"] is True
    assert maria["support_share_percent"] == 3.1 and maria["over_budget"] is False
    assert report["summary"]["primary_shifts"] == 10
    assert report["summary"]["over_budget"] == ["pat", "tom"]


def test_budget_setting_moves_the_over_budget_flag(dataset, as_member, manager, team):
    team.support_budget_percent = 68
    team.save()
    rows = {row["username"]: row for row in _get(as_member, manager, "load")["rows"]}
    assert (rows["pat"]["over_budget"], rows["tom"]["over_budget"]) == (True, False)


def test_support_cost_is_primary_hours_over_capacity(dataset, as_member, manager):
    report = _get(as_member, manager, "cost")
    summary = report["summary"]
    # 10 shifts x 8 h over (80 + 100 + 50)% x 40 h x 2 weeks = 80 / 184.
    assert summary["primary_hours"] == 80
    assert summary["capacity_hours"] == 184
    assert summary["cost_percent"] == 43.5
    assert summary["coverage_hours"] == 80
    assert summary["effort_hours"] == 5.5
    assert [(r["week"], r["primary_hours"], r["capacity_hours"]) for r in report["rows"]] == [
        ("2026-03-02", 40, 92),
        ("2026-03-09", 40, 92),
    ]


def test_superuser_reads_any_team(dataset, as_member, superuser):
    assert _get(as_member, superuser, "cost")["summary"]["primary_shifts"] == 10


def test_the_week_under_way_is_compared_with_the_capacity_so_far(dataset, as_member, manager):
    import datetime as dt
    import zoneinfo

    import time_machine

    # Wednesday noon of the second week: 2.5 of its 7 days have passed.
    wednesday = dt.datetime(2026, 3, 11, 12, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Zurich"))
    with time_machine.travel(wednesday, tick=False):
        report = _get(as_member, manager, "cost")
    first, current = report["rows"]
    assert (first["partial"], first["capacity_hours"]) == (False, 92)
    assert current["partial"] is True
    assert current["capacity_hours"] == round(92 * 2.5 / 7, 2)
