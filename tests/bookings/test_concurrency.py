"""Two learners, one slot, at the same moment on real PostgreSQL: exactly one 201 and one 409."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connections
from rest_framework.test import APIClient

from bookings.models import Booking
from tests.factories import BookingFactory

from .conftest import day_shifts, local

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 6
LEARNERS_PER_SLOT = 3


def test_learners_racing_for_one_slot_get_one_201_and_409s(sessions_team, primary):
    day_shifts(sessions_team, primary, dt.date(2026, 3, 5), 14)
    slots = [local(2026, 3, 9, 9) + dt.timedelta(minutes=30 * n) for n in range(ROUNDS)]
    statuses: dict[int, list[int]] = {n: [] for n in range(ROUNDS)}
    errors: list[BaseException] = []
    barrier = threading.Barrier(ROUNDS * LEARNERS_PER_SLOT)

    def learner(round_no: int, who: int) -> None:
        try:
            client = APIClient()
            data = {
                "team": "ads",
                "name": f"Learner {round_no}-{who}",
                "email": f"learner{round_no}-{who}@example.org",
                "starts_at": slots[round_no].isoformat(),
            }
            barrier.wait()
            response = client.post("/api/v1/public/sessions/", data, format="json")
            statuses[round_no].append(response.status_code)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    with time_machine.travel(local(2026, 3, 5, 8), tick=True):
        threads = [
            threading.Thread(target=learner, args=(n, w))
            for n in range(ROUNDS)
            for w in range(LEARNERS_PER_SLOT)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert errors == []
    for round_no in range(ROUNDS):
        assert sorted(statuses[round_no]) == [201] + [409] * (LEARNERS_PER_SLOT - 1), statuses
    assert Booking.objects.count() == ROUNDS
    assert sorted(Booking.objects.values_list("starts_at", flat=True)) == slots


def test_the_database_refuses_a_second_live_session_for_one_slot(sessions_team, primary):
    """The backstop behind the lock: a unique index on live sessions per team and start."""
    from django.db import IntegrityError

    fields = {
        "team": sessions_team, "host": primary, "learner_name": "A", "learner_email": "a@example.org",
        "learner_key": "a@example.org", "starts_at": local(2026, 3, 9, 9),
        "ends_at": local(2026, 3, 9, 9, 30),
    }  # fmt: skip
    BookingFactory(**fields)
    with pytest.raises(IntegrityError):
        BookingFactory(**{**fields, "learner_email": "b@example.org", "learner_key": "b@example.org"})


def test_one_learner_racing_for_two_slots_cannot_exceed_the_weekly_allowance(sessions_team, primary):
    """Different slots, so no unique index helps: the team lock serialises the allowance check."""
    day_shifts(sessions_team, primary, dt.date(2026, 3, 5), 14)
    slots = [local(2026, 3, 9, 9) + dt.timedelta(minutes=30 * n) for n in range(8)]
    statuses: list[int] = []
    barrier = threading.Barrier(len(slots))

    def book(starts_at: dt.datetime) -> None:
        try:
            barrier.wait()
            response = APIClient().post(
                "/api/v1/public/sessions/",
                {
                    "team": "ads",
                    "name": "Lea",
                    "email": "Lea@Example.org",
                    "starts_at": starts_at.isoformat(),
                },
                format="json",
            )
            statuses.append(response.status_code)
        finally:
            connections.close_all()

    with time_machine.travel(local(2026, 3, 5, 8), tick=True):
        threads = [threading.Thread(target=book, args=(s,)) for s in slots]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert sorted(statuses) == [201] + [409] * (len(slots) - 1)
    assert Booking.objects.filter(learner_key="lea@example.org").count() == 1
