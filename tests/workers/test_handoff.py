"""Shift-end handoff, called directly with time travel: what moves, who is told, exactly once."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inquiries.handoff import handoff_sweep, shifts_hand_off
from inquiries.models import Event, Handoff, Inquiry, Message
from notices.models import Notification, OutboundMessage
from supportops.errors import NotFoundError
from tests.factories import T0, make_inquiry, make_member, make_shift

pytestmark = pytest.mark.django_db
BOUNDARY = T0 + dt.timedelta(hours=4)


def sweep_at(at: dt.datetime) -> dict[str, int]:
    with time_machine.travel(at, tick=False):
        return handoff_sweep(now=at)


@pytest.fixture
def shifts(team, primary, teammate):
    """Pat is Primary until BOUNDARY, then Tom."""
    return make_shift(team, primary, T0), make_shift(team, teammate, BOUNDARY)


def test_nothing_happens_before_the_shift_ends(team, primary, shifts):
    make_inquiry(team, primary)

    assert sweep_at(BOUNDARY - dt.timedelta(seconds=1)) == {"handoffs": 0, "moved": 0, "uncovered": 0}
    assert not Handoff.objects.exists()


def test_open_inquiries_pass_to_the_incoming_primary_except_kept_ones(team, primary, teammate, shifts):
    new = make_inquiry(team, primary)
    responded = make_inquiry(team, primary, status="responded")
    waiting = make_inquiry(team, primary, status="waiting")
    kept = make_inquiry(team, primary, keep=True)
    resolved = make_inquiry(team, primary, status="resolved")
    someone_elses = make_inquiry(team, teammate)

    counts = sweep_at(BOUNDARY)

    assert counts == {"handoffs": 1, "moved": 3, "uncovered": 0}
    assignees = dict(Inquiry.objects.values_list("pk", "assignee__user__username"))
    assert {assignees[i.pk] for i in (new, responded, waiting, someone_elses)} == {"tom"}
    assert assignees[kept.pk] == "pat"
    assert assignees[resolved.pk] == "pat"
    handoff = Handoff.objects.get()
    assert (handoff.boundary, handoff.outgoing, handoff.incoming) == (BOUNDARY, primary, teammate)
    assert (handoff.moved_count, handoff.kept_count, handoff.uncovered) == (3, 1, False)


def test_each_moved_inquiry_gets_a_handed_off_event_with_the_note(team, primary, shifts):
    noted = make_inquiry(team, primary, handoff_note="Waiting for the TA to confirm the grade.")
    plain = make_inquiry(team, primary)

    sweep_at(BOUNDARY)

    events = Event.objects.filter(kind="handed_off")
    assert events.count() == 2
    event = events.get(inquiry=noted)
    assert (event.actor, event.from_value, event.to_value) == (None, "Pat", "Tom")
    assert event.note == "Waiting for the TA to confirm the grade."
    assert events.get(inquiry=plain).note == ""
    noted.refresh_from_db()
    assert noted.handoff_note == ""


def test_the_incoming_primary_gets_one_digest(team, primary, teammate, shifts):
    first = make_inquiry(team, primary, handoff_note="Needs the exam PDF.")
    second = make_inquiry(team, primary, status="waiting")

    sweep_at(BOUNDARY)

    digest = Notification.objects.get(kind="handoff_digest")
    assert digest.recipient == teammate.user
    assert "2 inquiries" in digest.title
    assert first.reference in digest.body and second.reference in digest.body
    assert "Needs the exam PDF." in digest.body
    assert "waiting" in digest.body
    assert OutboundMessage.objects.filter(
        notification=digest, channel="email", to=teammate.user.email
    ).exists()


def test_requesters_are_told_who_now_has_their_question(team, primary, shifts):
    inquiry = make_inquiry(team, primary)

    sweep_at(BOUNDARY)

    message = Message.objects.get(inquiry=inquiry)
    assert message.kind == Message.Kind.SYSTEM
    assert message.body == f"Your question {inquiry.reference} is now with Tom, the Primary on shift now."
    email = OutboundMessage.objects.get(to=inquiry.requester_email)
    assert email.inquiry == inquiry
    assert inquiry.tracking_token in email.body
    inquiry.refresh_from_db()
    assert inquiry.responded_at is None  # an automatic notice is not a response


def test_requesters_are_not_told_when_the_team_turned_it_off(team, primary, shifts):
    team.handoff_notifies_requester = False
    team.save()
    inquiry = make_inquiry(team, primary)

    sweep_at(BOUNDARY)

    assert not Message.objects.exists()
    assert not OutboundMessage.objects.filter(to=inquiry.requester_email).exists()
    assert Notification.objects.filter(kind="handoff_digest").count() == 1


def test_nobody_on_the_next_shift_moves_nothing_and_tells_the_managers(team, primary, manager):
    make_shift(team, primary, T0)
    inquiry = make_inquiry(team, primary)

    counts = sweep_at(BOUNDARY)

    assert counts == {"handoffs": 1, "moved": 0, "uncovered": 1}
    handoff = Handoff.objects.get()
    assert handoff.uncovered and handoff.incoming is None
    inquiry.refresh_from_db()
    assert inquiry.assignee == primary
    assert not Event.objects.filter(kind="handed_off").exists()
    alert = Notification.objects.get(kind="queue_uncovered")
    assert alert.recipient == manager.user
    assert "1 open inquiries stay with Pat" in alert.body


def test_a_gap_until_the_next_shift_hands_to_its_primary(team, primary, teammate):
    make_shift(team, primary, T0)
    make_shift(team, teammate, BOUNDARY + dt.timedelta(hours=16))
    inquiry = make_inquiry(team, primary)

    sweep_at(BOUNDARY)

    inquiry.refresh_from_db()
    assert inquiry.assignee == teammate
    body = Message.objects.get().body
    assert "Tom, the Primary of the next shift, which starts Tue 03 Mar 05:00 CET." in body
    assert "now" not in body.split("Tom")[1]


def test_back_to_back_shifts_of_one_person_move_nothing(team, primary):
    make_shift(team, primary, T0)
    make_shift(team, primary, BOUNDARY)
    make_inquiry(team, primary)

    counts = sweep_at(BOUNDARY)

    assert counts == {"handoffs": 1, "moved": 0, "uncovered": 0}
    assert not Notification.objects.exists()


def test_a_boundary_is_handed_off_exactly_once(team, primary, shifts):
    make_inquiry(team, primary)
    sweep_at(BOUNDARY)

    again = sweep_at(BOUNDARY + dt.timedelta(minutes=1))
    direct = shifts_hand_off(team=team, boundary=BOUNDARY)

    assert again == {"handoffs": 0, "moved": 0, "uncovered": 0}
    assert direct is None
    assert Handoff.objects.count() == 1
    assert Event.objects.filter(kind="handed_off").count() == 1
    assert Notification.objects.filter(kind="handoff_digest").count() == 1
    assert Message.objects.count() == 1


def test_missed_boundaries_are_caught_up_in_one_move_naming_them(team, primary, teammate, manager):
    make_shift(team, primary, T0)
    make_shift(team, teammate, BOUNDARY)
    make_shift(team, manager, BOUNDARY + dt.timedelta(hours=4))
    inquiry = make_inquiry(team, primary, handoff_note="from Pat")

    # The workers were down for both boundaries.
    counts = sweep_at(BOUNDARY + dt.timedelta(hours=4, minutes=30))

    assert counts == {"handoffs": 2, "moved": 1, "uncovered": 0}
    inquiry.refresh_from_db()
    assert inquiry.assignee == manager
    event = Event.objects.get(inquiry=inquiry, kind="handed_off")
    assert (event.from_value, event.to_value) == ("Pat", "Maria")
    assert event.note.startswith("from Pat")
    assert "missed shift end Mon 02 Mar 13:00 CET." in event.note
    assert list(Handoff.objects.order_by("boundary").values_list("boundary", "incoming")) == [
        (BOUNDARY, manager.pk),
        (BOUNDARY + dt.timedelta(hours=4), manager.pk),
    ]
    assert Notification.objects.filter(kind="handoff_digest").count() == 1


def test_boundaries_beyond_the_catch_up_horizon_are_left_alone(team, primary, shifts, settings):
    settings.SLA_HANDOFF_CATCHUP_DAYS = 7
    make_inquiry(team, primary)

    counts = sweep_at(BOUNDARY + dt.timedelta(days=8))

    assert counts["handoffs"] == 0


def test_other_teams_queues_stay_put(team, primary, shifts, other_team):
    stranger = make_member(other_team, "otto")
    theirs = make_inquiry(other_team, stranger)

    sweep_at(BOUNDARY)

    theirs.refresh_from_db()
    assert theirs.assignee == stranger


def test_handing_off_an_unknown_boundary_is_refused(team):
    with pytest.raises(NotFoundError):
        shifts_hand_off(team=team, boundary=BOUNDARY)


def test_the_handoff_issues_the_same_statements_for_five_or_fifty_inquiries(team, primary, teammate, manager):
    def statements(count: int, start: dt.datetime) -> int:
        make_shift(team, primary, start)
        make_shift(team, teammate, start + dt.timedelta(hours=4))
        for _ in range(count):
            make_inquiry(team, primary)
        with CaptureQueriesContext(connection) as queries:
            handoff = shifts_hand_off(team=team, boundary=start + dt.timedelta(hours=4))
        assert handoff.moved_count == count
        Inquiry.objects.all().delete()
        return len(queries)

    few = statements(5, T0)
    many = statements(50, T0 + dt.timedelta(days=1))

    assert few == many
    assert few < 20
