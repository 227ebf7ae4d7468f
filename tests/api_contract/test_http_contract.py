"""HTTP behaviour the schema promises: 401 with WWW-Authenticate, JSON 404/405 under /api/, and
times without an offset read in the team's time zone."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from shifts.models import Absence
from tests.factories import make_shift

pytestmark = pytest.mark.django_db


def test_a_call_without_credentials_is_401_and_says_how_to_authenticate(team):
    response = APIClient().get("/api/v1/teams/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "detail" in response.json()


def test_a_wrong_token_is_401_too(team):
    response = APIClient().get("/api/v1/teams/", HTTP_AUTHORIZATION="Token not-a-real-key")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize(
    "path", ["/api/v1/no-such-thing/", "/api/v2/teams/", "/api/", "/api/v1/teams/ads/nope/"]
)
def test_unmatched_api_routes_answer_json_404(as_member, manager, path):
    response = as_member(manager).get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert path in response.json()["detail"]


def test_a_missing_trailing_slash_gets_a_hint_not_a_redirect(as_member, manager):
    response = as_member(manager).post("/api/v1/inquiries", {"subject": "x"}, format="json")
    assert response.status_code == 404
    assert "/api/v1/inquiries/" in response.json()["detail"]


def test_an_unsupported_method_is_json_405(as_member, manager):
    response = as_member(manager).delete("/api/v1/teams/")
    assert response.status_code == 405
    assert "detail" in response.json()


def test_oncall_at_without_offset_is_the_teams_wall_time(as_member, team, primary):
    # ads is in Europe/Zurich: 10:00 local on 2 March is 09:00Z; the shift runs 08:30Z-09:30Z.
    make_shift(team, primary, dt.datetime(2026, 3, 2, 8, 30, tzinfo=dt.UTC), hours=1)
    api = as_member(primary)
    local = api.get("/api/v1/teams/ads/oncall/", {"at": "2026-03-02T10:00:00"}).json()
    assert local["primary"]["id"] == primary.pk
    assert local["at"] == "2026-03-02T10:00:00+01:00"
    # The same wall time read as UTC would be 10:00Z: nobody on call then.
    explicit = api.get("/api/v1/teams/ads/oncall/", {"at": "2026-03-02T10:00:00Z"}).json()
    assert explicit["primary"] is None


def test_bad_oncall_time_is_a_clear_400(as_member, team, primary):
    response = as_member(primary).get("/api/v1/teams/ads/oncall/", {"at": "tomorrow-ish"})
    assert response.status_code == 400
    assert "ISO 8601" in response.json()["detail"]


def test_absence_times_without_offset_are_the_teams_wall_time(as_member, team, primary):
    response = as_member(primary).post(
        "/api/v1/absences/",
        {"member": primary.pk, "starts_at": "2026-07-06T00:00", "ends_at": "2026-07-08T00:00"},
        format="json",
    )
    assert response.status_code == 201, response.content
    absence = Absence.objects.get(pk=response.json()["id"])
    # Midnight in Zurich (summer, +02:00) is 22:00Z the day before.
    assert absence.starts_at == dt.datetime(2026, 7, 5, 22, 0, tzinfo=dt.UTC)
    with_offset = as_member(primary).post(
        "/api/v1/absences/",
        {"member": primary.pk, "starts_at": "2026-08-03T00:00Z", "ends_at": "2026-08-04T00:00Z"},
        format="json",
    )
    assert Absence.objects.get(pk=with_offset.json()["id"]).starts_at == dt.datetime(
        2026, 8, 3, tzinfo=dt.UTC
    )


def test_shift_filters_without_offset_are_the_teams_wall_time(as_member, team, primary):
    early = make_shift(team, primary, dt.datetime(2026, 3, 2, 8, 30, tzinfo=dt.UTC), hours=1)  # 09:30 local
    make_shift(team, primary, dt.datetime(2026, 3, 2, 7, 30, tzinfo=dt.UTC), hours=1)  # 08:30 local
    api = as_member(primary)
    page = api.get("/api/v1/shifts/", {"team": "ads", "starts_after": "2026-03-02T09:00:00"}).json()
    assert [row["id"] for row in page["results"]] == [early.pk]
    assert api.get("/api/v1/shifts/", {"team": "ads", "starts_after": "someday"}).status_code == 400


def test_milestone_times_without_offset_are_the_teams_wall_time(as_member, team, manager):
    api = as_member(manager)
    inquiry = api.post(
        "/api/v1/inquiries/",
        {
            "team": "ads",
            "subject": "Outage",
            "body": "…",
            "requester_name": "Lea",
            "requester_email": "l@x.org",
        },
        format="json",
    ).json()
    postmortem = api.post(
        "/api/v1/postmortems/", {"team": "ads", "inquiries": [inquiry["reference"]]}, format="json"
    )
    base = f"/api/v1/postmortems/{postmortem.json()['id']}/milestones/"
    milestone = api.post(base, {"at": "2026-03-02T10:00:00", "description": "Reported"}, format="json")
    assert milestone.status_code == 201, milestone.content
    assert dt.datetime.fromisoformat(milestone.json()["at"]) == dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
