"""Absences hand over the rest of a shift under way and, withdrawn, re-plan; swaps can be cancelled."""

import datetime as dt

import pytest
import time_machine

from notices.models import Notification
from shifts.models import Absence, Shift, ShiftEvent, Swap
from shifts.services import absence_create, rotation_schedule
from tests.factories import RotationFactory, make_member
from tests.shifts.fairness import assert_within_bound, deviations_after_every_shift

NOW = dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC)  # Monday 08:00 in Zurich; shifts 09-13 and 13-17
DURING_FIRST = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)  # 10:30 in Zurich


@pytest.fixture
def trio(team, manager):
    with time_machine.travel(NOW, tick=False):
        members = [make_member(team, name) for name in ("ann", "ben", "cid")]
        rotation = RotationFactory(
            team=team, shift_length_minutes=240, handoff_time=dt.time(9), starts_on=NOW.date()
        )
        rotation.members.set(members)
        rotation_schedule(rotation=rotation, until=dt.date(2026, 3, 20))
    return rotation, members


def _first(rotation):
    return rotation.shifts.order_by("starts_at").first()


@pytest.mark.parametrize("absent_from", [dt.datetime(2026, 3, 2, 6, tzinfo=dt.UTC), DURING_FIRST])
def test_absence_covering_the_shift_under_way_hands_over_the_rest_from_now(
    as_member, manager, trio, absent_from
):
    rotation, _ = trio
    first = _first(rotation)
    serving, original_end = first.member, first.ends_at
    with time_machine.travel(DURING_FIRST, tick=False):
        response = as_member(serving).post(
            "/api/v1/absences/",
            {
                "member": serving.pk,
                "starts_at": absent_from.isoformat(),
                "ends_at": (absent_from + dt.timedelta(days=1)).isoformat(),
            },
            format="json",
        )
    assert response.status_code == 201, response.json()
    first.refresh_from_db()
    assert (first.member, first.starts_at, first.ends_at) == (
        serving,
        NOW + dt.timedelta(hours=1),
        DURING_FIRST,
    )
    rest = Shift.objects.get(rotation=rotation, starts_at=DURING_FIRST)
    assert rest.ends_at == original_end and rest.member != serving
    assert (rest.source, rest.scheduled_member) == ("override", serving)
    assert ShiftEvent.objects.filter(
        shift=rest, kind="override", from_member=serving, to_member=rest.member
    ).exists()
    assert Notification.objects.filter(recipient=rest.member.user, kind="shift_changed").exists()
    assert not Shift.objects.filter(
        member=serving, starts_at__lt=absent_from + dt.timedelta(days=1), ends_at__gt=DURING_FIRST
    ).exists()


def test_absence_beginning_later_in_the_shift_under_way_splits_it_where_the_absence_begins(manager, trio):
    rotation, _ = trio
    first = _first(rotation)
    serving = first.member
    later = DURING_FIRST + dt.timedelta(hours=1)
    with time_machine.travel(DURING_FIRST, tick=False):
        absence_create(
            member=serving, starts_at=later, ends_at=later + dt.timedelta(hours=3), actor=manager.user
        )
    first.refresh_from_db()
    assert first.ends_at == later and first.member == serving
    assert Shift.objects.get(rotation=rotation, starts_at=later).member != serving


def test_withdrawing_an_absence_gives_the_member_shifts_back_with_few_moves(as_member, manager, trio):
    rotation, members = trio
    ann = members[0]
    away = (dt.datetime(2026, 3, 3, 0, tzinfo=dt.UTC), dt.datetime(2026, 3, 6, 0, tzinfo=dt.UTC))
    with time_machine.travel(NOW, tick=False):
        absence = absence_create(member=ann, starts_at=away[0], ends_at=away[1], actor=ann.user)
        assert not Shift.objects.filter(member=ann, starts_at__lt=away[1], ends_at__gt=away[0]).exists()
        before = dict(rotation.shifts.values_list("pk", "member_id"))
        Notification.objects.all().delete()
        assert as_member(ann).delete(f"/api/v1/absences/{absence.pk}/").status_code == 204
    assert not Absence.objects.exists()
    after = dict(rotation.shifts.values_list("pk", "member_id"))
    moved = [pk for pk in before if before[pk] != after[pk]]
    rows = list(rotation.shifts.order_by("starts_at").values_list("starts_at", "ends_at", "member_id"))
    # Available again, ann accrues a share in those three days: she gets some of it back, and the
    # bound holds over the whole schedule...
    assert Shift.objects.filter(member=ann, starts_at__lt=away[1], ends_at__gt=away[0]).exists()
    joined = dict.fromkeys([m.pk for m in members], NOW)
    assert_within_bound(deviations_after_every_shift(rows, dict.fromkeys(joined, 100), joined))
    # ...with a handful of moves, not a reshuffled fortnight, and the people affected are told.
    assert 0 < len(moved) <= 8, moved
    assert Notification.objects.filter(recipient=ann.user, kind="shift_changed").exists()


def test_withdrawing_an_absence_of_someone_in_no_scheduled_rotation_changes_no_shift(
    as_member, team, manager
):
    loner = make_member(team, "loner")
    with time_machine.travel(NOW, tick=False):
        absence = absence_create(
            member=loner, starts_at=NOW, ends_at=NOW + dt.timedelta(days=1), actor=manager.user
        )
        assert as_member(manager).delete(f"/api/v1/absences/{absence.pk}/").status_code == 204
    assert not Shift.objects.exists()


@pytest.fixture
def pending_swap(trio):
    rotation, members = trio
    shift = rotation.shifts.filter(member=members[0]).order_by("starts_at").last()
    return Swap.objects.create(
        team=rotation.team,
        requester=members[0],
        shift=shift,
        counterpart=members[1],
        created_by=members[0].user,
    )


def test_requester_cancels_a_pending_swap_and_a_second_cancel_is_409(as_member, pending_swap):
    requester = pending_swap.requester
    url = f"/api/v1/swaps/{pending_swap.pk}/cancel/"
    refused = as_member(pending_swap.counterpart).post(url)
    # The service's Forbidden, mapped once: the reason, not DRF's generic sentence.
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Only the requester or a manager can cancel this swap."}
    response = as_member(requester).post(url)
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert as_member(requester).post(url).status_code == 409
    pending_swap.shift.refresh_from_db()
    assert pending_swap.shift.member == requester


def test_manager_cancels_a_swap_and_outsiders_get_404(as_member, manager, outsider, pending_swap):
    url = f"/api/v1/swaps/{pending_swap.pk}/cancel/"
    assert as_member(outsider).post(url).status_code == 404
    assert as_member(manager).post(url).status_code == 200
    assert Swap.objects.get(pk=pending_swap.pk).status == "cancelled"


def test_cancel_button_on_the_rotations_page(client, manager, pending_swap):
    button = f'data-testid="cancel-swap-{pending_swap.pk}"'
    with time_machine.travel(NOW, tick=False):
        client.force_login(pending_swap.counterpart.user)
        assert button not in client.get("/rotations/?team=ads").content.decode()
        client.force_login(pending_swap.requester.user)
        assert button in client.get("/rotations/?team=ads").content.decode()
        response = client.post(
            "/rotations/swaps/cancel/", {"team": "ads", "swap": pending_swap.pk}, follow=True
        )
    assert "Swap cancelled." in response.content.decode()
    assert Swap.objects.get(pk=pending_swap.pk).status == "cancelled"


def test_a_refused_cancel_on_the_rotations_page_says_why(client, pending_swap):
    client.force_login(pending_swap.counterpart.user)
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            "/rotations/swaps/cancel/", {"team": "ads", "swap": pending_swap.pk}, follow=True
        )
    assert response.status_code == 200
    assert "Only the requester or a manager can cancel this swap." in response.content.decode()
    assert Swap.objects.get(pk=pending_swap.pk).status == "pending"
