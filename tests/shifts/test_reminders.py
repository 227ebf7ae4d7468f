"""Shift reminders with short rotations: one message per person per stretch of shifts, never a burst."""

import datetime as dt
from collections import Counter

import pytest
import time_machine
from django.test import override_settings

from notices.models import Notification
from shifts.models import Rotation, Shift, ShiftReminder
from shifts.services import rotation_schedule, shift_reminders_send
from tests.factories import RotationFactory

pytestmark = pytest.mark.django_db

# Sunday 1 March 2026, 20:00 in Zurich: the next working day (9-17, Monday) is 13 hours away.
NOW = dt.datetime(2026, 3, 1, 19, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _rotation(team, members, *, minutes: int, role: str = "primary") -> Rotation:
    rotation = RotationFactory(
        team=team,
        role=role,
        shift_length_minutes=minutes,
        handoff_time=dt.time(9),
        starts_on=dt.date(2026, 3, 2),
    )
    rotation.members.set(members)
    rotation_schedule(rotation=rotation, until=dt.date(2026, 3, 6))
    return rotation


def _stretch_starts(member, until, gap=dt.timedelta(minutes=60)) -> set[int]:
    """The member's shifts that begin a stretch (no shift of theirs ending at most an hour before), worked
    out here from the rows, independently of the service."""
    starts, end = set(), None
    for pk, starts_at, ends_at in (
        Shift.objects.filter(member=member, starts_at__lt=until)
        .order_by("starts_at")
        .values_list("pk", "starts_at", "ends_at")
    ):
        if end is None or starts_at > end + gap:
            starts.add(pk)
        end = max(end or ends_at, ends_at)
    return starts


def _sent() -> Counter:
    return Counter(
        Notification.objects.filter(kind="shift_reminder").values_list("recipient__username", flat=True)
    )


@override_settings(SHIFT_REMINDER_MINUTES=[1440, 60])
def test_thirty_minute_rotations_remind_each_person_once_per_stretch_over_a_day(
    frozen, team, primary, teammate, manager
):
    """Every sweep of a whole working day (every 5 minutes, as beat runs it): each person hears once
    before their first shift, however many half-hour shifts (in both roles) follow."""
    _rotation(team, [primary, teammate], minutes=30)
    _rotation(team, [primary, teammate, manager], minutes=30, role="secondary")
    monday = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)  # 09:00 in Zurich
    assert Shift.objects.filter(member=primary, starts_at__lt=monday + dt.timedelta(hours=8)).count() > 10

    first_sweep = shift_reminders_send()
    assert first_sweep <= 3  # one each at most, not one per shift in the next 24 hours
    assert max(_sent().values()) == 1

    at, worst = NOW, 0
    while at < monday + dt.timedelta(hours=9):
        at += dt.timedelta(minutes=5)
        frozen.move_to(at)
        before = _sent()
        shift_reminders_send()
        worst = max([worst, *(_sent() - before).values()])
    assert worst == 1  # never two messages to one person in one sweep
    for member in (primary, teammate, manager):
        reminded = set(
            Notification.objects.filter(kind="shift_reminder", recipient=member.user).values_list(
                "shift", flat=True
            )
        )
        # Reminded of exactly the stretches starting within a day of the last sweep: Monday's, Tuesday's.
        assert reminded == _stretch_starts(member, until=at + dt.timedelta(days=1)) and len(reminded) == 2
        mondays = min(reminded, key=lambda pk: Shift.objects.get(pk=pk).starts_at)
        # Monday's stretch: a day before (the first sweep) and an hour before, nothing for its other shifts.
        assert Notification.objects.filter(kind="shift_reminder", shift=mondays).count() == 2


@override_settings(SHIFT_REMINDER_MINUTES=[1440, 60])
def test_separate_shifts_each_get_their_reminder_but_never_two_messages_at_once(
    frozen, team, primary, teammate
):
    """Two-hour shifts alternate with two-hour gaps: separate stretches. The first sweep (Sunday evening,
    a day ahead) names all of a person's Monday shifts in one message; each is still reminded an hour
    before it starts."""
    _rotation(team, [primary, teammate], minutes=120)
    tuesday = dt.datetime(2026, 3, 3, tzinfo=dt.UTC)
    starts = sorted(
        Shift.objects.filter(pk__in=_stretch_starts(primary, until=tuesday)),
        key=lambda shift: shift.starts_at,
    )
    assert len(starts) >= 2
    assert shift_reminders_send() == 2
    assert max(_sent().values()) == 1
    message = Notification.objects.filter(kind="shift_reminder", recipient=primary.user).get()
    assert message.shift == starts[0] and "Also coming up: Mon 02 Mar" in message.body
    assert shift_reminders_send() == 0

    frozen.move_to(starts[1].starts_at - dt.timedelta(minutes=59))
    assert shift_reminders_send() >= 1
    assert Notification.objects.filter(kind="shift_reminder", shift=starts[1]).count() == 1
    frozen.move_to(tuesday + dt.timedelta(hours=7, minutes=5))  # 55 minutes before Tuesday's first shift
    shift_reminders_send()
    reminded = set(
        Notification.objects.filter(kind="shift_reminder", recipient=primary.user).values_list(
            "shift", flat=True
        )
    )
    # Each stretch start is reminded (Tuesday's was also named a day ahead), no shift that continues one.
    assert reminded == _stretch_starts(primary, until=tuesday + dt.timedelta(hours=9))


@override_settings(SHIFT_REMINDER_MINUTES=[1440, 60])
def test_after_a_worker_outage_started_shifts_are_not_reminded_and_nobody_gets_a_burst(
    frozen, team, primary, teammate
):
    _rotation(team, [primary, teammate], minutes=30)
    _rotation(team, [primary, teammate], minutes=30, role="secondary")
    # Workers down from Sunday evening until Monday 11:10 in Zurich: two hours of shifts have begun.
    frozen.move_to(dt.datetime(2026, 3, 2, 10, 10, tzinfo=dt.UTC))
    shift_reminders_send()
    assert not Notification.objects.filter(
        kind="shift_reminder", shift__starts_at__lte=dt.datetime.now(dt.UTC)
    )
    assert max(_sent().values(), default=0) <= 1
    # Both are on shift (in one role or the other) all Monday: their stretches began, none of Monday's
    # shifts is reminded; only Tuesday's stretch, a day ahead, once each.
    reminded = Shift.objects.filter(pk__in=Notification.objects.filter(kind="shift_reminder").values("shift"))
    assert {shift.starts_at.date() for shift in reminded} == {dt.date(2026, 3, 3)}
    assert _sent() == Counter({"pat": 1, "tom": 1})


@override_settings(SHIFT_REMINDER_MINUTES=[1440, 60])
def test_a_shift_given_to_someone_else_mid_stretch_is_reminded_to_them(
    frozen, team, primary, teammate, manager
):
    from shifts.services import shift_override

    _rotation(team, [primary, teammate], minutes=30)
    shift_reminders_send()
    later = Shift.objects.filter(member=primary).order_by("starts_at")[3]
    shift_override(shift=later, member=manager, actor=manager.user)
    assert shift_reminders_send() == 1
    reminder = Notification.objects.get(kind="shift_reminder", recipient=manager.user)
    assert reminder.shift_id == later.pk and ShiftReminder.objects.filter(member=manager).exists()
