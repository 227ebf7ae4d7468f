"""Team load across teams, boosters from lighter teams, and the cost planner's SPEC examples."""

import pytest

from tests.factories import AbsenceFactory, make_member, make_team, replied_inquiry
from tests.reports.conftest import PERIOD, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_teams(dataset, team, manager):
    """ads: 7 inquiries / 2.3 FTE / 2 weeks = 1.52; pyfit and lse: 0.5 each."""
    pyfit, lse = make_team("pyfit"), make_team("lse")
    make_member(pyfit, "paula")
    make_member(pyfit, user=manager.user, percent_time=20, role="developer")
    lena, luis = make_member(lse, "lena"), make_member(lse, "luis")
    ivan = make_member(lse, "ivan", percent_time=100)
    make_member(team, user=ivan.user, percent_time=10)  # already in ads: no booster for it
    AbsenceFactory(member=luis, starts_at=at(17, 0), ends_at=at(20, 0))  # away next week
    replied_inquiry(pyfit, at(3, 10))
    replied_inquiry(pyfit, at(4, 10), responded_at=at(4, 11), by=make_member(pyfit, "pia", percent_time=60))
    for day in (2, 3, 4, 5):
        inquiry = replied_inquiry(lse, at(day, 10))
        inquiry.assignee = lena  # lena handled all of them: the last booster of lse
        inquiry.save()
    return pyfit, lse


def test_team_load_flags_the_heavy_team_and_lists_boosters(three_teams, as_member, superuser):
    response = as_member(superuser).get("/api/v1/reports/team-load/", PERIOD)
    assert response.status_code == 200, response.content
    rows = {row["team"]: row for row in response.json()["rows"]}
    ads, pyfit, lse = rows["ads"], rows["pyfit"], rows["lse"]
    # ads: 7 / (80+100+50+10)% / 2 weeks; pyfit 2 / 1.8 / 2; lse 4 / 3 / 2.
    assert (ads["inquiries"], ads["fte"], ads["load"]) == (7, 2.4, 1.46)
    assert (pyfit["inquiries"], pyfit["fte"], pyfit["load"]) == (2, 1.8, 0.56)
    assert (lse["inquiries"], lse["fte"], lse["load"]) == (4, 3, 0.67)
    assert ads["median_of_others"] == 0.61 and ads["overloaded"] is True
    assert (pyfit["overloaded"], lse["overloaded"]) == (False, False)
    # Lightest team first (pyfit; maria is in ads already), then lse without absent luis, busy lena last.
    assert [(b["username"], b["team"]) for b in ads["boosters"]] == [
        ("paula", "pyfit"),
        ("pia", "pyfit"),
        ("lena", "lse"),
    ]
    assert response.json()["summary"]["overloaded"] == ["ads"]


def test_team_load_for_a_manager_covers_the_teams_they_belong_to(three_teams, as_member, manager):
    response = as_member(manager).get("/api/v1/reports/team-load/", PERIOD)
    assert [row["team"] for row in response.json()["rows"]] == ["ads", "pyfit"]


def test_team_load_is_for_managers(three_teams, as_member, teammate):
    response = as_member(teammate).get("/api/v1/reports/team-load/", PERIOD)
    assert response.status_code == 403
    assert "manage" in response.json()["detail"]


@pytest.mark.parametrize(
    ("params", "percent"),
    [
        ({"members": 6, "percent_time": 100, "days": "0,1,2,3,4", "start": "09:00", "end": "17:00"}, 16.7),
        ({"members": 6, "days": "0,1,2"}, 10.0),
        ({"percent_times": "100,100,50", "days": "0,1,2,3,4"}, 40.0),
    ],
)
def test_cost_planner_spec_examples(as_member, manager, params, percent):
    response = as_member(manager).get("/api/v1/reports/cost/plan/", params)
    assert response.status_code == 200, response.content
    assert response.json()["cost_percent"] == percent


def test_cost_planner_post_with_coverage_windows(as_member, manager):
    weekdays = [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(5)]
    response = as_member(manager).post(
        "/api/v1/reports/cost/plan/", {"percent_times": [100] * 6, "coverage": weekdays}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["weekly_coverage_hours"], body["weekly_capacity_hours"]) == (40, 240)
    assert body["cost_percent"] == pytest.approx(100 * 40 / 240, abs=0.05)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"members": 0}, "members"),
        ({"members": 6, "percent_time": 150}, "percent_time"),
        ({"members": 6, "days": "7"}, "days"),
        ({"members": 6, "start": "9am"}, "HH:MM"),
    ],
)
def test_cost_planner_rejects_bad_input(as_member, manager, params, message):
    response = as_member(manager).get("/api/v1/reports/cost/plan/", params)
    assert response.status_code == 400
    assert message in response.json()["detail"]
