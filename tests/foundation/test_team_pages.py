import pytest

from shifts import services
from shifts.models import Member, Team

pytestmark = pytest.mark.django_db


def _settings_form(team: Team, **overrides) -> dict:
    data = {
        "name": team.name,
        "timezone": team.timezone,
        "holidays": "",
        "holiday_country": "",
        "holiday_subdivision": "",
        "response_target_minutes": "240",
        "response_guarantee_minutes": "1440",
        "support_budget_percent": "50",
        "low_hanging_fruit_hours": "4",
        "webhook_url": "",
        "topics": "",
        **{f"coverage_{d}": "09:00-17:00" if d < 5 else "" for d in range(7)},
    }
    data.update(overrides)
    return data


def test_manager_saves_coverage_with_lunch_break(client, manager, team):
    client.force_login(manager.user)
    form = _settings_form(team, coverage_0="09:00-12:00, 13:00-17:00", topics="Grading\nModule 1")
    response = client.post("/teams/ads/save/", form, follow=True)
    assert "Team settings saved." in response.content.decode()
    team.refresh_from_db()
    assert team.coverage[:2] == [
        {"weekday": 0, "start": "09:00", "end": "12:00"},
        {"weekday": 0, "start": "13:00", "end": "17:00"},
    ]
    assert sorted(team.topics.values_list("name", flat=True)) == ["Grading", "Module 1"]


def test_overlapping_windows_are_refused_with_a_message_and_nothing_changes(client, manager, team):
    client.force_login(manager.user)
    before = Team.objects.values().get(pk=team.pk)
    response = client.post(
        "/teams/ads/save/", _settings_form(team, coverage_1="09:00-12:00, 11:00-17:00"), follow=True
    )
    assert "overlap" in response.content.decode()
    assert Team.objects.values().get(pk=team.pk) == before


def test_developer_sees_settings_read_only_and_cannot_save(client, primary, team):
    client.force_login(primary.user)
    page = client.get("/teams/ads/").content.decode()
    assert "Read only" in page and "Save settings" not in page
    response = client.post("/teams/ads/save/", _settings_form(team, name="Hijacked"), follow=True)
    assert "Only managers" in response.content.decode()
    team.refresh_from_db()
    assert team.name == "Applied Data Science"


def test_outsider_gets_404_on_team_pages(client, outsider, team):
    client.force_login(outsider.user)
    assert client.get("/teams/ads/").status_code == 404
    assert client.post("/teams/ads/save/", {}).status_code == 404


def test_manager_adds_and_removes_member(client, manager, team):
    client.force_login(manager.user)
    client.post(
        "/teams/ads/members/add/",
        {
            "username": "nina",
            "name": "Nina Simone",
            "email": "nina@example.org",
            "percent_time": "30",
            "role": "developer",
        },
    )
    nina = Member.objects.get(team=team, user__username="nina")
    assert nina.percent_time == 30
    client.post(f"/teams/ads/members/{nina.pk}/", {"action": "remove"})
    nina.refresh_from_db()
    assert not nina.is_active


def test_team_list_shows_only_my_teams(client, primary, outsider):
    client.force_login(primary.user)
    page = client.get("/teams/").content.decode()
    assert "Applied Data Science" in page and "Bioinformatics" not in page


def test_team_list_counts_active_members_only(client, manager, teammate):
    services.member_remove(member=teammate)
    client.force_login(manager.user)
    response = client.get("/teams/")
    assert [t.active_members for t in response.context["teams"]] == [1]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_manager_edits_team_settings_in_the_browser(page, browser_login, manager, team):
    browser_login(page, manager.user)
    page.goto("/teams/ads/")
    page.fill("input[name=coverage_2]", "09:00-12:00, 11:00-15:00")
    page.click("text=Save settings")
    assert "overlap" in page.locator("[data-testid=form-errors]").inner_text()
    # What was typed is still there to correct.
    assert page.input_value("input[name=coverage_2]") == "09:00-12:00, 11:00-15:00"
    page.fill("input[name=coverage_2]", "09:00-12:00, 13:00-15:00")
    page.fill("input[name=response_target_hours]", "2")
    page.click("text=Save settings")
    assert "Team settings saved." in page.locator(".messages").inner_text()
    page.screenshot(path="test-results/team-settings.png", full_page=True)
    team.refresh_from_db()
    assert team.response_target_minutes == 120
    assert {"weekday": 2, "start": "13:00", "end": "15:00"} in team.coverage


def test_every_bad_settings_field_is_marked_and_every_typed_value_kept(client, manager, team):
    client.force_login(manager.user)
    before = (team.name, team.response_target_minutes, team.support_budget_percent)
    response = client.post(
        "/teams/ads/save/",
        {
            "name": "Renamed team",
            "timezone": "Europe/Zurich",
            "response_target_hours": "abc",
            "response_guarantee_hours": "24",
            "support_budget_percent": "140",
            "coverage_0": "09:00-17:00",
            "topics": "Pandas\nGrading",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count('aria-invalid="true"') >= 2
    assert "response target must be a number of hours" in html and "between 1 and 100" in html
    assert 'value="Renamed team"' in html and "Pandas\nGrading" in html
    team.refresh_from_db()
    assert (team.name, team.response_target_minutes, team.support_budget_percent) == before


def test_durations_are_shown_in_hours_and_saved_in_minutes(client, manager, team):
    client.force_login(manager.user)
    html = client.get("/teams/ads/").content.decode()
    assert f'name="response_target_hours" value="{team.response_target_minutes / 60:g}"' in html
    assert '<option value="Europe/Zurich" selected>' in html
    response = client.post(
        "/teams/ads/save/",
        {
            "name": team.name,
            "timezone": "America/New_York",
            "response_target_hours": "1.5",
            "response_guarantee_hours": "48",
            "support_budget_percent": "50",
            "coverage_0": "09:00-17:00",
        },
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.response_target_minutes, team.response_guarantee_minutes) == (90, 2880)
    assert team.timezone == "America/New_York"
