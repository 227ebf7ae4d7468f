"""Rotations, scheduling, shifts, overrides, swaps, absences and on-call over the API (SPEC 4)."""

import datetime as dt

import pytest
import time_machine

from notices.models import Notification
from shifts.models import Absence, Rotation, Shift, ShiftEvent, Swap
from tests.factories import AbsenceFactory, RotationFactory, make_member

NOW = dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC)  # Monday 08:00 in Zurich


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def rotation(team, manager, primary, teammate):
    return RotationFactory(
        team=team,
        role="primary",
        shift_length_minutes=240,
        handoff_time=dt.time(9),
        starts_on=dt.date(2026, 3, 2),
    )


@pytest.fixture
def staffed(rotation, primary, teammate):
    rotation.members.set([primary, teammate])
    return rotation


def schedule(api, rotation, until="2026-03-08"):
    return api.post(f"/api/v1/teams/ads/rotations/{rotation.pk}/schedule/", {"until": until}, format="json")


def test_manager_creates_a_rotation_with_members(as_member, manager, primary, teammate):
    response = as_member(manager).post(
        "/api/v1/teams/ads/rotations/",
        {
            "role": "primary",
            "shift_length_minutes": 240,
            "handoff_time": "09:00",
            "starts_on": "2026-03-02",
            "members": [primary.pk, teammate.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["members"] == sorted([primary.pk, teammate.pk])
    assert response.json()["handoff_time"] == "09:00"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"shift_length_minutes": 29}, "shift_length_minutes"),
        ({"shift_length_minutes": 28 * 24 * 60 + 1}, "28 days"),
        ({"members": [999999]}, "Not active members"),
        ({"handoff_time": "25:00"}, "handoff_time"),
        ({"role": "tertiary"}, "role"),
    ],
)
def test_bad_rotation_input_is_400_and_writes_nothing(as_member, manager, primary, change, message):
    body = {
        "role": "primary",
        "shift_length_minutes": 240,
        "handoff_time": "09:00",
        "starts_on": "2026-03-02",
        "members": [primary.pk],
        **change,
    }
    response = as_member(manager).post("/api/v1/teams/ads/rotations/", body, format="json")
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not Rotation.objects.exists()


def test_other_teams_member_is_rejected(as_member, manager, outsider):
    body = {
        "shift_length_minutes": 240,
        "handoff_time": "09:00",
        "starts_on": "2026-03-02",
        "members": [outsider.pk],
    }
    response = as_member(manager).post("/api/v1/teams/ads/rotations/", body, format="json")
    assert response.status_code == 400 and not Rotation.objects.exists()


def test_a_second_rotation_with_the_same_role_is_400_with_a_clear_message(as_member, manager, rotation):
    body = {
        "role": "primary",
        "shift_length_minutes": 480,
        "handoff_time": "09:00",
        "starts_on": "2026-03-02",
    }
    response = as_member(manager).post("/api/v1/teams/ads/rotations/", body, format="json")
    assert response.status_code == 400
    assert "already has a primary rotation" in response.json()["detail"]
    assert Rotation.objects.count() == 1


def test_scheduling_a_four_hour_rotation_makes_two_shifts_per_weekday_weighted_by_percent_time(
    as_member, manager, staffed, primary, teammate
):
    response = schedule(as_member(manager), staffed)
    assert response.status_code == 201, response.json()
    shifts = list(Shift.objects.order_by("starts_at"))
    assert len(shifts) == 10 and len(response.json()) == 10
    assert {(s.starts_at.hour, s.ends_at.hour) for s in shifts} == {(8, 12), (12, 16)}  # 09-13, 13-17 CET
    members = [s.member_id for s in shifts]
    # 100% and 50%: expected 6.67 and 3.33 shifts, each within 1.5.
    assert abs(members.count(primary.pk) - 20 / 3) <= 1.5 and abs(members.count(teammate.pk) - 10 / 3) <= 1.5


def test_rescheduling_without_changes_moves_nothing(as_member, manager, staffed):
    api = as_member(manager)
    schedule(api, staffed)
    before = list(Shift.objects.order_by("starts_at").values_list("pk", "member_id"))
    assert schedule(api, staffed).json() == []
    assert list(Shift.objects.order_by("starts_at").values_list("pk", "member_id")) == before


@pytest.mark.parametrize(
    ("until", "message"),
    [("2026-03-01", "before the rotation starts"), ("2028-06-01", "2 years"), ("soon", "until")],
)
def test_bad_schedule_ranges_are_400_and_write_nothing(as_member, manager, staffed, until, message):
    response = schedule(as_member(manager), staffed, until)
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not Shift.objects.exists()


def test_members_cannot_schedule_and_outsiders_get_404(as_member, primary, outsider, staffed):
    assert schedule(as_member(primary), staffed).status_code == 403
    assert schedule(as_member(outsider), staffed).status_code == 404
    assert as_member(outsider).get("/api/v1/teams/ads/rotations/").status_code == 404
    assert as_member(outsider).get("/api/v1/teams/ads/oncall/").status_code == 404


def test_shift_list_filters_and_uses_a_constant_number_of_queries(
    as_member, manager, staffed, primary, django_assert_max_num_queries
):
    api = as_member(manager)
    schedule(api, staffed, "2026-03-31")
    with django_assert_max_num_queries(4):
        response = api.get("/api/v1/shifts/", {"team": "ads", "page_size": 100})
    assert response.json()["count"] == Shift.objects.count() > 30
    mine = api.get("/api/v1/shifts/", {"member": primary.pk, "starts_after": "2026-03-10T00:00:00Z"}).json()
    assert mine["count"] and all(s["member"]["id"] == primary.pk for s in mine["results"])
    assert api.get("/api/v1/shifts/", {"starts_after": "yesterday"}).status_code == 400


def test_outsider_sees_no_shifts_of_other_teams(as_member, manager, outsider, staffed):
    schedule(as_member(manager), staffed)
    assert as_member(outsider).get("/api/v1/shifts/").json()["count"] == 0
    shift = Shift.objects.first()
    response = as_member(outsider).post(f"/api/v1/shifts/{shift.pk}/override/", {"member": outsider.pk})
    assert response.status_code == 404


def test_override_to_a_teammate_keeps_the_scheduled_member(as_member, manager, staffed, primary, teammate):
    schedule(as_member(manager), staffed)
    shift = Shift.objects.filter(member=primary).first()
    response = as_member(primary).post(f"/api/v1/shifts/{shift.pk}/override/", {"member": teammate.pk})
    assert response.status_code == 200, response.json()
    shift.refresh_from_db()
    assert (shift.member, shift.scheduled_member, shift.source) == (teammate, primary, "override")
    assert ShiftEvent.objects.filter(shift=shift, kind="override", to_member=teammate).exists()
    assert Notification.objects.filter(recipient=teammate.user, kind="shift_changed").exists()


def test_override_to_an_absent_member_is_409_and_to_a_foreign_one_400_without_naming_them(
    as_member, manager, staffed, primary, teammate, outsider
):
    schedule(as_member(manager), staffed)
    shift = Shift.objects.filter(member=primary).first()
    AbsenceFactory(member=teammate, starts_at=shift.starts_at, ends_at=shift.ends_at)
    api = as_member(manager)
    assert api.post(f"/api/v1/shifts/{shift.pk}/override/", {"member": teammate.pk}).status_code == 409
    foreign = api.post(f"/api/v1/shifts/{shift.pk}/override/", {"member": outsider.pk})
    assert foreign.status_code == 400
    assert outsider.display_name not in foreign.content.decode()
    gone = make_member(staffed.team, "gina")
    gone.is_active = False
    gone.save()
    assert api.post(f"/api/v1/shifts/{shift.pk}/override/", {"member": gone.pk}).status_code == 409
    shift.refresh_from_db()
    assert shift.member == primary and shift.source == "scheduled"


def test_absence_reassigns_colliding_shifts_and_notifies(as_member, manager, staffed, primary, teammate):
    schedule(as_member(manager), staffed)
    wednesday = dt.datetime(2026, 3, 4, 0, 0, tzinfo=dt.UTC)
    response = as_member(primary).post(
        "/api/v1/absences/",
        {
            "member": primary.pk,
            "starts_at": wednesday.isoformat(),
            "ends_at": (wednesday + dt.timedelta(days=1)).isoformat(),
            "reason": "training",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert not Shift.objects.filter(
        member=primary, starts_at__gte=wednesday, starts_at__lt=wednesday + dt.timedelta(days=1)
    ).exists()
    assert Shift.objects.filter(starts_at__date=wednesday.date()).count() == 2
    assert Notification.objects.filter(recipient=primary.user, kind="shift_changed").exists()
    assert Notification.objects.filter(recipient=teammate.user, kind="shift_changed").exists()


def test_inverted_absence_is_400(as_member, primary):
    response = as_member(primary).post(
        "/api/v1/absences/",
        {"member": primary.pk, "starts_at": "2026-03-05T10:00:00Z", "ends_at": "2026-03-05T09:00:00Z"},
        format="json",
    )
    assert response.status_code == 400 and not Absence.objects.exists()


def test_swap_request_accept_and_illegal_second_accept(as_member, manager, staffed, primary, teammate):
    schedule(as_member(manager), staffed)
    shift = Shift.objects.filter(member=primary).first()
    response = as_member(primary).post(
        "/api/v1/swaps/", {"shift": shift.pk, "counterpart": teammate.pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    swap_id = response.json()["id"]
    assert as_member(primary).post(f"/api/v1/swaps/{swap_id}/accept/").status_code == 403
    assert as_member(teammate).post(f"/api/v1/swaps/{swap_id}/accept/").status_code == 200
    shift.refresh_from_db()
    assert (shift.member, shift.scheduled_member, shift.source) == (teammate, primary, "swap")
    assert as_member(teammate).post(f"/api/v1/swaps/{swap_id}/decline/").status_code == 409


def test_declined_swap_changes_nothing(as_member, manager, staffed, primary, teammate):
    schedule(as_member(manager), staffed)
    shift = Shift.objects.filter(member=primary).first()
    swap_id = (
        as_member(primary)
        .post("/api/v1/swaps/", {"shift": shift.pk, "counterpart": teammate.pk})
        .json()["id"]
    )
    assert (
        as_member(teammate).post(f"/api/v1/swaps/{swap_id}/decline/", {"reason": "busy"}).status_code == 200
    )
    assert Swap.objects.get(pk=swap_id).status == "declined"
    shift.refresh_from_db()
    assert shift.member == primary


def test_manager_arranges_a_swap_that_applies_at_once(as_member, manager, staffed, primary, teammate):
    schedule(as_member(manager), staffed)
    shift = Shift.objects.filter(member=primary).first()
    response = as_member(manager).post("/api/v1/swaps/", {"shift": shift.pk, "counterpart": teammate.pk})
    assert response.json()["status"] == "accepted"
    shift.refresh_from_db()
    assert shift.member == teammate


def test_oncall_names_the_primary_and_the_next_shift(as_member, manager, staffed):
    api = as_member(manager)
    schedule(api, staffed)
    first, second = Shift.objects.order_by("starts_at")[:2]
    body = api.get("/api/v1/teams/ads/oncall/", {"at": "2026-03-02T10:00:00+01:00"}).json()
    assert body["primary"]["id"] == first.member_id and body["secondary"] is None
    assert body["shift"]["id"] == first.pk and body["next"]["id"] == second.pk
    early = api.get("/api/v1/teams/ads/oncall/").json()  # now = 08:00, before the first shift
    assert early["primary"] is None and early["next"]["id"] == first.pk
    assert api.get("/api/v1/teams/ads/oncall/", {"at": "not-a-time"}).status_code == 400
