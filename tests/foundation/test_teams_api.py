import pytest

from shifts.models import Member, Team
from tests.factories import WEEKDAYS_9_TO_5

pytestmark = pytest.mark.django_db


def test_member_lists_only_own_teams(as_member, primary, outsider):
    response = as_member(primary).get("/api/v1/teams/")
    assert response.status_code == 200
    assert [t["slug"] for t in response.json()["results"]] == ["ads"]


def test_outsider_gets_404_for_other_team(as_member, team, outsider):
    client = as_member(outsider)
    assert client.get("/api/v1/teams/ads/").status_code == 404
    assert client.get("/api/v1/teams/ads/members/").status_code == 404
    assert client.patch("/api/v1/teams/ads/", {"name": "x"}, format="json").status_code == 404


def test_anonymous_is_refused(api, team):
    assert api.get("/api/v1/teams/").status_code in (401, 403)


def test_token_auth(api, primary):
    response = api.post("/api/v1/auth/token/", {"username": "pat", "password": "pw-pat"}, format="json")
    assert response.status_code == 200
    api.credentials(HTTP_AUTHORIZATION="Token " + response.json()["token"])
    assert api.get("/api/v1/teams/ads/").json()["slug"] == "ads"


def test_create_team_makes_creator_manager(as_member, primary):
    payload = {
        "slug": "astro",
        "name": "Astro Pipelines",
        "timezone": "America/New_York",
        "coverage": WEEKDAYS_9_TO_5,
        "holidays": ["2026-12-25"],
        "topics": ["install", "fitting"],
    }
    response = as_member(primary).post("/api/v1/teams/", payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["response_target_minutes"] == 240 and body["response_guarantee_minutes"] == 1440
    assert body["topics"] == ["fitting", "install"]
    assert Member.objects.get(team__slug="astro", user=primary.user).role == "manager"


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "Unknown time zone"),
        ({"coverage": [{"weekday": 7, "start": "09:00", "end": "17:00"}]}, "weekday must be an integer 0-6"),
        ({"coverage": [{"weekday": 1, "start": "17:00", "end": "09:00"}]}, "ends (09:00) before it starts"),
        (
            {
                "coverage": [
                    {"weekday": 1, "start": "09:00", "end": "12:00"},
                    {"weekday": 1, "start": "11:00", "end": "17:00"},
                ]
            },
            "overlap",
        ),
        ({"holidays": ["2026-02-30"]}, "not an ISO date"),
        ({"holiday_country": "XX"}, "No public-holiday calendar"),
    ],
)
def test_bad_team_input_is_400_and_changes_nothing(as_member, manager, patch, message):
    before = Team.objects.values().get(slug="ads")
    response = as_member(manager).patch("/api/v1/teams/ads/", patch, format="json")
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert Team.objects.values().get(slug="ads") == before


def test_bad_team_creation_creates_nothing(as_member, primary):
    response = as_member(primary).post(
        "/api/v1/teams/", {"slug": "bad", "name": "Bad", "timezone": "Nowhere/Land"}, format="json"
    )
    assert response.status_code == 400
    assert not Team.objects.filter(slug="bad").exists()


def test_developer_cannot_change_team(as_member, primary):
    assert as_member(primary).patch("/api/v1/teams/ads/", {"name": "x"}, format="json").status_code == 403


@pytest.mark.parametrize("pct", [0, 101, "abc"])
def test_percent_time_out_of_range_is_400(as_member, manager, pct):
    response = as_member(manager).post(
        "/api/v1/teams/ads/members/",
        {"username": "newbie", "email": "n@example.org", "percent_time": pct},
        format="json",
    )
    assert response.status_code == 400
    assert "percent_time" in response.json()["detail"]
    assert not Member.objects.filter(user__username="newbie").exists()


def test_manager_adds_new_user_and_invitation_is_emailed(
    as_member, manager, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_member(manager).post(
            "/api/v1/teams/ads/members/",
            {"username": "newbie", "email": "newbie@example.org", "name": "New Bie", "percent_time": 40},
            format="json",
        )
    assert response.status_code == 201, response.json()
    assert response.json()["percent_time"] == 40
    assert [m.to for m in mailoutbox] == [["newbie@example.org"]]
    assert "/accounts/reset/" in mailoutbox[0].body


def test_member_patch_and_delete(as_member, manager, teammate):
    client = as_member(manager)
    response = client.patch(f"/api/v1/teams/ads/members/{teammate.pk}/", {"percent_time": 60}, format="json")
    assert response.status_code == 200 and response.json()["percent_time"] == 60
    assert client.delete(f"/api/v1/teams/ads/members/{teammate.pk}/").status_code == 204
    assert [m["username"] for m in client.get("/api/v1/teams/ads/members/").json()["results"]] == ["maria"]


def test_last_manager_cannot_be_removed(as_member, manager):
    response = as_member(manager).delete(f"/api/v1/teams/ads/members/{manager.pk}/")
    assert response.status_code == 409


def test_superuser_sees_every_team(as_member, superuser, team, other_team):
    slugs = {t["slug"] for t in as_member(superuser).get("/api/v1/teams/").json()["results"]}
    assert slugs == {"ads", "bio"}


def test_manager_cannot_change_the_name_or_email_of_someones_account(as_member, manager, teammate):
    response = as_member(manager).patch(
        f"/api/v1/teams/ads/members/{teammate.pk}/", {"email": "hijack@example.org"}, format="json"
    )
    assert response.status_code == 403
    teammate.user.refresh_from_db()
    assert teammate.user.email == "tom@example.org"


def test_member_changes_their_own_email(as_member, teammate):
    response = as_member(teammate).patch(
        f"/api/v1/teams/ads/members/{teammate.pk}/", {"email": "tom.new@example.org"}, format="json"
    )
    assert response.status_code == 200 and response.json()["email"] == "tom.new@example.org"


def test_adding_an_existing_account_needs_its_email_and_reveals_nothing_else(as_member, manager, outsider):
    client = as_member(manager)
    payload = {"username": "olga", "percent_time": 50}
    response = client.post("/api/v1/teams/ads/members/", payload, format="json")
    assert response.status_code == 400
    assert "olga@example.org" not in response.content.decode() and "Olga" not in response.content.decode()
    assert not Member.objects.filter(team__slug="ads", user__username="olga").exists()
    response = client.post(
        "/api/v1/teams/ads/members/",
        {"username": "olga", "email": "OLGA@example.org", "percent_time": 50},
        format="json",
    )
    assert response.status_code == 201
