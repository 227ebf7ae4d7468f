"""Overriding from the calendar with a confirmation naming who is told; swaps trade two shifts and
"ask to cover" hands one over, both only when the colleague accepts; absent colleagues are not offered;
notices show the team's local time with its zone."""

import datetime as dt

import pytest
import time_machine

from notices.models import Notification
from shifts.models import Shift, Swap
from shifts.services import rotation_schedule, swap_accept
from tests.factories import AbsenceFactory, RotationFactory, make_member

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)  # Monday 07:00 in Zurich, before the first shift


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def trio(team, manager):
    members = [make_member(team, name) for name in ("ann", "ben", "cid")]
    rotation = RotationFactory(
        team=team, shift_length_minutes=24 * 60, handoff_time=dt.time(9), starts_on=NOW.date()
    )
    rotation.members.set(members)
    rotation_schedule(rotation=rotation, until=dt.date(2026, 3, 13))
    return rotation, members


def test_manager_overrides_a_future_shift_from_the_calendar_after_a_confirmation_naming_who_is_told(
    client, manager, trio
):
    rotation, members = trio
    shift = rotation.shifts.order_by("starts_at")[3]
    other = next(m for m in members if m.pk != shift.member_id)
    client.force_login(manager.user)
    calendar = client.get("/calendar/", {"team": "ads", "date": "2026-03-02"}).content.decode()
    assert f'data-testid="cal-override-{shift.pk}"' in calendar
    form = {"team": "ads", "shift": shift.pk, "member": other.pk, "next": "/calendar/"}
    confirm = client.post("/rotations/override/", form).content.decode()
    assert 'data-testid="override-confirm"' in confirm
    assert f"{other.display_name} (takes the shift), in the app and by email" in confirm
    assert f"{shift.member.display_name} (no longer serves it)" in confirm
    assert Shift.objects.get(pk=shift.pk).member_id == shift.member_id  # nothing changed yet
    done = client.post("/rotations/override/", {**form, "confirmed": "yes"}, follow=True)
    assert f"The shift now belongs to {other.display_name}." in done.content.decode()
    assert Shift.objects.get(pk=shift.pk).member_id == other.pk
    title = Notification.objects.get(recipient=other.user, kind="shift_changed").title
    # Thursday 5 March 09:00 in Zurich (08:00 UTC): the team's time with its zone, not UTC.
    assert "Thu 05 Mar 09:00 CET" in title and "UTC" not in title


def test_ask_to_cover_hands_the_shift_over_only_when_the_colleague_accepts(client, trio):
    rotation, members = trio
    shift = rotation.shifts.filter(member=members[0]).order_by("starts_at").last()
    client.force_login(members[0].user)
    response = client.post(
        "/rotations/swaps/request/",
        {"team": "ads", "shift": shift.pk, "counterpart": members[1].pk},
        follow=True,
    )
    assert f"Asked {members[1].display_name} to cover" in response.content.decode()
    swap = Swap.objects.get()
    assert swap.counterpart_shift is None and swap.status == "pending"
    assert Shift.objects.get(pk=shift.pk).member_id == members[0].pk
    notice = Notification.objects.get(recipient=members[1].user, kind="swap_requested")
    assert "(cover)" in notice.title and "CET" in notice.title
    swap_accept(swap=swap, actor=members[1].user)
    assert Shift.objects.get(pk=shift.pk).member_id == members[1].pk


def test_a_swap_trades_two_shifts_when_the_colleague_accepts(client, trio):
    rotation, members = trio
    mine = rotation.shifts.filter(member=members[0]).order_by("starts_at").first()
    theirs = (
        rotation.shifts.filter(member=members[1], starts_at__gt=mine.starts_at).order_by("starts_at").last()
    )
    client.force_login(members[0].user)
    page = client.get("/rotations/", {"team": "ads"}).content.decode()
    assert f'data-testid="swap-{mine.pk}"' in page and f'data-testid="cover-{mine.pk}"' in page
    client.post(
        "/rotations/swaps/request/", {"team": "ads", "shift": mine.pk, "counterpart_shift": theirs.pk}
    )
    swap = Swap.objects.get()
    assert (swap.counterpart_id, swap.counterpart_shift_id, swap.status) == (
        members[1].pk,
        theirs.pk,
        "pending",
    )
    client.force_login(members[1].user)
    client.post("/rotations/swaps/decide/", {"team": "ads", "swap": swap.pk, "decision": "accept"})
    assert Shift.objects.get(pk=mine.pk).member_id == members[1].pk
    assert Shift.objects.get(pk=theirs.pk).member_id == members[0].pk


def test_colleague_lists_leave_out_people_absent_at_that_time(client, manager, trio):
    rotation, members = trio
    shift = rotation.shifts.filter(member=members[0]).order_by("starts_at").last()
    AbsenceFactory(member=members[2], starts_at=shift.starts_at, ends_at=shift.ends_at)
    client.force_login(members[0].user)
    page = client.get("/rotations/", {"team": "ads"}).content.decode()
    row = page[
        page.index(f'data-testid="cover-{shift.pk}"') - 1500 : page.index(f'data-testid="cover-{shift.pk}"')
    ]
    cover_select = row[row.rindex('aria-label="Ask to cover"') :]
    assert members[1].display_name in cover_select
    assert members[2].display_name not in cover_select


def test_a_developer_cannot_even_see_the_confirmation_for_someone_elses_shift(client, trio):
    rotation, members = trio
    shift = rotation.shifts.filter(member=members[0]).order_by("starts_at").last()
    client.force_login(members[1].user)
    response = client.post(
        "/rotations/override/", {"team": "ads", "shift": shift.pk, "member": members[1].pk}
    )
    assert response.status_code == 302
    assert Shift.objects.get(pk=shift.pk).member_id == members[0].pk


def _select_after(page: str, testid: str, label: str) -> str:
    """The <select> with `label` in the form just before the button `testid`."""
    end = page.index(f'data-testid="{testid}"')
    start = page.rindex(f'aria-label="{label}"', 0, end)
    return page[start:end]


def test_colleague_lists_leave_out_people_on_the_other_role_at_that_time(client, team, manager, trio):
    rotation, members = trio
    secondary = RotationFactory(
        team=team,
        role="secondary",
        shift_length_minutes=24 * 60,
        handoff_time=dt.time(9),
        starts_on=NOW.date(),
    )
    secondary.members.set(members)
    rotation_schedule(rotation=secondary, until=dt.date(2026, 3, 13))
    shift = rotation.shifts.filter(member=members[0]).order_by("starts_at").last()
    busy = secondary.shifts.get(starts_at=shift.starts_at).member
    assert busy.pk != members[0].pk  # never both roles at once
    free = next(m for m in members if m.pk not in (busy.pk, members[0].pk))
    client.force_login(members[0].user)
    page = client.get("/rotations/", {"team": "ads"}).content.decode()
    for testid, label in ((f"cover-{shift.pk}", "Ask to cover"), (f"override-{shift.pk}", "Give to")):
        options = _select_after(page, testid, label)
        assert free.display_name in options and busy.display_name not in options, testid
    client.force_login(manager.user)
    calendar = client.get("/calendar/", {"team": "ads", "date": shift.starts_at.date().isoformat()})
    form = calendar.content.decode().split(f'data-testid="cal-override-{shift.pk}"')[1]
    options = form[: form.index("</select>")]
    assert free.display_name in options and busy.display_name not in options


def test_a_shift_in_progress_can_be_overridden_but_not_offered_for_cover_or_a_swap(client, trio):
    rotation, members = trio
    current = rotation.shifts.order_by("starts_at").first()
    owner = next(m for m in members if m.pk == current.member_id)
    later = rotation.shifts.exclude(member=owner).order_by("starts_at").last()
    with time_machine.travel(current.starts_at + dt.timedelta(hours=2), tick=False):
        client.force_login(owner.user)
        page = client.get("/rotations/", {"team": "ads"}).content.decode()
        assert f'data-testid="override-{current.pk}"' in page
        assert (
            f'data-testid="cover-{current.pk}"' not in page and f'data-testid="swap-{current.pk}"' not in page
        )
        # Nor is it offered in return for someone else's later shift.
        client.force_login(later.member.user)
        page = client.get("/rotations/", {"team": "ads"}).content.decode()
        trade = _select_after(page, f"swap-{later.pk}", "Swap for")
        assert f'value="{current.pk}"' not in trade
