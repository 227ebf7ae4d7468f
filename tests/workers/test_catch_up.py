"""Catch-up after the workers missed several shift ends (SPEC 3.6): one move per inquiry, not a replay."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection

from inquiries.handoff import handoff_sweep
from inquiries.models import Event, Handoff, Inquiry, Message
from notices.models import Notification, OutboundMessage
from tests.factories import T0, make_inquiry, make_member, make_shift

pytestmark = pytest.mark.django_db
H = dt.timedelta(hours=1)


def sweep_at(at: dt.datetime) -> dict[str, int]:
    with time_machine.travel(at, tick=False):
        return handoff_sweep(now=at)


@pytest.fixture
def lena(team):
    return make_member(team, "lena", percent_time=80)


@pytest.fixture
def rota(team, primary, teammate, manager, lena):
    """Four-hour primary shifts: Pat, Tom, Maria, Lena, Pat (from T0)."""
    people = [primary, teammate, manager, lena, primary]
    return [make_shift(team, person, T0 + 4 * H * n) for n, person in enumerate(people)]


def handed_off(inquiry: Inquiry) -> list[tuple[str, str]]:
    return list(
        Event.objects.filter(inquiry=inquiry, kind="handed_off").values_list("from_value", "to_value")
    )


def test_each_inquiry_moves_once_to_the_primary_on_shift_now(team, primary, teammate, manager, lena, rota):
    from_pat = make_inquiry(team, primary, received_at=T0 + H)
    from_tom = make_inquiry(team, teammate, received_at=T0 + 5 * H)
    from_maria = make_inquiry(team, manager, received_at=T0 + 9 * H, status="waiting")

    # Down from before Pat's shift ended until Lena's shift (the fourth) is under way.
    counts = sweep_at(T0 + 13 * H)

    assert counts == {"handoffs": 3, "moved": 3, "uncovered": 0}
    assert handed_off(from_pat) == [("Pat", "Lena")]
    assert handed_off(from_tom) == [("Tom", "Lena")]
    assert handed_off(from_maria) == [("Maria", "Lena")]
    assert set(Inquiry.objects.values_list("assignee", flat=True)) == {lena.pk}
    pat_event = Event.objects.get(inquiry=from_pat, kind="handed_off")
    assert "missed shift end Mon 02 Mar 13:00 CET." in pat_event.note
    assert "Maria" not in pat_event.note and "17:00" not in pat_event.note  # only the boundary it missed
    digests = Notification.objects.filter(kind="handoff_digest")
    assert list(digests.values_list("recipient__username", flat=True)) == ["lena"]
    assert "Caught up after 3 missed shift ends" in digests.get().body
    assert Handoff.objects.count() == 3


def test_an_inquiry_that_arrived_after_a_boundary_does_not_travel_at_it(team, primary, teammate, lena, rota):
    # Arrived in Tom's shift, assigned to Tom: Pat's boundary is not its concern, Tom's is.
    during_tom = make_inquiry(team, teammate, received_at=T0 + 6 * H)
    # Arrived in Lena's shift (while the workers were down): it is already where it belongs.
    during_lena = make_inquiry(team, lena, received_at=T0 + 12 * H + 30 * dt.timedelta(minutes=1))
    # Assigned to Pat by hand after Pat's shift ended: no boundary of Pat's followed its arrival.
    late_to_pat = make_inquiry(team, primary, received_at=T0 + 5 * H)

    sweep_at(T0 + 13 * H)

    assert handed_off(during_tom) == [("Tom", "Lena")]
    assert handed_off(during_lena) == []
    assert handed_off(late_to_pat) == []
    late_to_pat.refresh_from_db()
    assert late_to_pat.assignee == primary


def test_an_import_does_not_travel_at_boundaries_before_it_was_imported(team, primary, lena, rota):
    # Imported during Lena's shift with a received time months earlier, assigned to Pat.
    with time_machine.travel(T0 + 12 * H + 10 * dt.timedelta(minutes=1), tick=False):
        imported = make_inquiry(team, primary, received_at=T0 - 90 * 24 * H, channel="import")

    sweep_at(T0 + 13 * H)

    assert handed_off(imported) == []
    assert not OutboundMessage.objects.filter(to=imported.requester_email).exists()


def test_each_requester_gets_at_most_one_message(team, primary, teammate, rota):
    first = make_inquiry(team, primary, received_at=T0 + H, requester_email="lea@example.net")
    second = make_inquiry(team, teammate, received_at=T0 + 5 * H, requester_email="lea@example.net")
    other = make_inquiry(team, primary, received_at=T0 + 2 * H, requester_email="ben@example.net")

    sweep_at(T0 + 13 * H)

    emails = OutboundMessage.objects.filter(notification__isnull=True, inquiry__isnull=False)
    assert sorted(emails.values_list("to", flat=True)) == ["ben@example.net", "lea@example.net"]
    to_lea = emails.get(to="lea@example.net")
    assert first.reference in to_lea.subject and second.reference in to_lea.subject
    assert first.tracking_token in to_lea.body and second.tracking_token in to_lea.body
    assert Message.objects.filter(kind="system").count() == 3
    for inquiry in (first, second, other):
        (message,) = Message.objects.filter(inquiry=inquiry, kind="system")
        assert message.body.endswith("is now with Lena, the Primary on shift now.")


def test_the_wording_says_next_shift_when_nobody_is_on_shift_now(team, primary, teammate, lena):
    make_shift(team, primary, T0)
    make_shift(team, teammate, T0 + 4 * H)
    make_shift(team, lena, T0 + 24 * H)  # a gap: nobody from T0+8h until the next morning
    inquiry = make_inquiry(team, primary, received_at=T0 + H)

    sweep_at(T0 + 10 * H)

    assert handed_off(inquiry) == [("Pat", "Lena")]
    body = Message.objects.get(inquiry=inquiry).body
    assert "now with Lena, the Primary of the next shift, which starts Tue 03 Mar 09:00 CET." in body
    assert "on shift now" not in body


def test_nobody_now_or_later_moves_nothing_and_tells_the_managers_once(team, primary, teammate, manager):
    make_shift(team, primary, T0)
    make_shift(team, teammate, T0 + 4 * H)
    make_inquiry(team, primary, received_at=T0 + H)
    make_inquiry(team, teammate, received_at=T0 + 5 * H)

    counts = sweep_at(T0 + 10 * H)

    assert counts == {"handoffs": 2, "moved": 0, "uncovered": 2}
    assert not Event.objects.filter(kind="handed_off").exists()
    alert = Notification.objects.get(kind="queue_uncovered")
    assert alert.recipient == manager.user
    assert "2 open inquiries stay with Pat, Tom" in alert.body


def test_a_second_sweep_after_the_catch_up_does_nothing(team, primary, rota):
    make_inquiry(team, primary, received_at=T0 + H)
    sweep_at(T0 + 13 * H)

    again = sweep_at(T0 + 13 * H + dt.timedelta(minutes=5))

    assert again == {"handoffs": 0, "moved": 0, "uncovered": 0}
    assert Event.objects.filter(kind="handed_off").count() == 1
    assert Notification.objects.filter(kind="handoff_digest").count() == 1


def test_after_the_catch_up_the_next_boundary_is_an_ordinary_handoff(team, primary, lena, rota):
    inquiry = make_inquiry(team, primary, received_at=T0 + H)
    sweep_at(T0 + 13 * H)

    sweep_at(T0 + 16 * H)

    assert handed_off(inquiry) == [("Pat", "Lena"), ("Lena", "Pat")]
    last = Event.objects.filter(inquiry=inquiry, kind="handed_off").last()
    assert "missed" not in last.note


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_catch_up_once(team, primary, teammate, manager, lena, rota):
    inquiries = [make_inquiry(team, primary, received_at=T0 + H) for _ in range(20)]
    at = T0 + 13 * H
    results: list[dict] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def sweep() -> None:
        try:
            start.wait()
            results.append(handoff_sweep(now=at))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert sorted(r["moved"] for r in results) == [0, 20]
    assert Handoff.objects.count() == 3
    for inquiry in inquiries:
        assert handed_off(inquiry) == [("Pat", "Lena")]
    assert Notification.objects.filter(kind="handoff_digest").count() == 1


def test_the_demo_data_and_a_first_sweep_flood_nobody(django_capture_on_commit_callbacks):
    import io

    from django.core.management import call_command
    from django.db.models import Count

    call_command("seed_demo", stdout=io.StringIO())

    handoff_sweep()

    hops = Event.objects.filter(kind="handed_off").values("inquiry").annotate(n=Count("id"))
    assert max((row["n"] for row in hops), default=0) <= 1
    now_with = (
        OutboundMessage.objects.filter(subject__icontains="now with").values("to").annotate(n=Count("id"))
    )
    assert max((row["n"] for row in now_with), default=0) <= 1
    assert handoff_sweep()["handoffs"] == 0
    # Nor does the SLA sweep chase the imported history, whose response times are the original ones.
    from django.db.models import F, Max

    from inquiries.sla import sla_sweep
    from notices.models import Notification

    before = Notification.objects.aggregate(last=Max("pk"))["last"] or 0
    sla_sweep()
    sla_sweep()
    fresh = Notification.objects.filter(inquiry__channel="import", pk__gt=before)
    # A deadline that had passed before the import is history: no notice. An imported question still open
    # whose deadline was ahead at the import (received a few hours ago) is real work: one notice per kind.
    assert not fresh.filter(inquiry__response_due_at__lte=F("inquiry__created_at")).exists()
    per_kind = fresh.values("inquiry", "kind", "recipient").annotate(n=Count("id"))
    assert max((row["n"] for row in per_kind), default=0) <= 1
    imports = Inquiry.objects.filter(channel="import", responded_at__isnull=False)
    assert imports.exists() and not imports.filter(responded_at__gte=F("created_at")).exists()
