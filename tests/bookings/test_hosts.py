"""Hosts (SPEC 3.10): sessions on the dashboard, the calendar and the member's iCal feed; the sessions
API for members (other teams' sessions are 404); the outcome recorded as held or no_show; sessions
follow their shift when it changes hands."""

import datetime as dt

import pytest
import time_machine
from icalendar import Calendar

from bookings import services
from bookings.models import BookingEvent
from notices.models import Notification, OutboundMessage
from shifts import services as shift_services
from shifts.models import CalendarFeed, Shift
from tests.factories import ShiftFactory

from .conftest import day_shifts, local

pytestmark = pytest.mark.django_db

NOW = local(2026, 3, 5, 8)


@pytest.fixture
def shifts(sessions_team, primary):
    return day_shifts(sessions_team, primary, dt.date(2026, 3, 5), 14)


@pytest.fixture
def booking(sessions_team, shifts, learner):
    return services.booking_create(team=sessions_team, starts_at=local(2026, 3, 9, 10), now=NOW, **learner)


def test_the_dashboard_says_when_the_next_session_starts(client, booking, primary):
    client.force_login(primary.user)
    with time_machine.travel(local(2026, 3, 9, 9, 35), tick=False):
        page = client.get("/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Next session in 25 min" in text
    assert "Lea Learner" in text


def test_the_dashboard_of_someone_without_sessions_has_no_sessions_card(client, booking, teammate):
    client.force_login(teammate.user)
    with time_machine.travel(local(2026, 3, 9, 9, 35), tick=False):
        page = client.get("/")
    assert b"Next session" not in page.content


def test_the_calendar_shows_the_teams_sessions(client, booking, teammate):
    client.force_login(teammate.user)
    page = client.get("/calendar/", {"team": "ads", "date": "2026-03-09"})
    assert page.status_code == 200
    assert "10:00 CET session · " + booking.host.display_name in page.content.decode()


def test_the_members_ical_feed_carries_their_sessions(client, booking, primary, teammate):
    mine = CalendarFeed.objects.create(team=booking.team, member=primary, owner=primary.user)
    theirs = CalendarFeed.objects.create(team=booking.team, member=teammate, owner=teammate.user)
    with time_machine.travel(NOW, tick=False):
        calendar = Calendar.from_ical(client.get(f"/calendar/{mine.token}.ics").content)
        other = Calendar.from_ical(client.get(f"/calendar/{theirs.token}.ics").content)
    sessions = [e for e in calendar.walk("VEVENT") if str(e["uid"]).startswith("session-")]
    assert len(sessions) == 1
    assert sessions[0].decoded("dtstart") == local(2026, 3, 9, 10)
    assert "Lea Learner" in str(sessions[0]["summary"])
    assert not [e for e in other.walk("VEVENT") if str(e["uid"]).startswith("session-")]


def test_members_list_their_teams_sessions_with_filters(as_member, booking, teammate, primary):
    api = as_member(teammate)
    body = api.get("/api/v1/sessions/", {"team": "ads"}).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == booking.pk and row["host"]["id"] == primary.pk and row["status"] == "booked"
    assert api.get("/api/v1/sessions/", {"host": teammate.pk}).json()["count"] == 0
    assert api.get("/api/v1/sessions/", {"starts_after": "2026-03-10T00:00:00+01:00"}).json()["count"] == 0
    assert api.get("/api/v1/sessions/", {"starts_after": "yesterday"}).status_code == 400
    assert api.get(f"/api/v1/sessions/{booking.pk}/").json()["email"] == "lea@example.org"


def test_other_teams_sessions_are_404(as_member, booking, outsider):
    api = as_member(outsider)
    assert api.get("/api/v1/sessions/").json()["count"] == 0
    assert api.get(f"/api/v1/sessions/{booking.pk}/").status_code == 404
    response = api.patch(f"/api/v1/sessions/{booking.pk}/", {"note": "mine now"}, format="json")
    assert response.status_code == 404
    assert "Lea" not in response.content.decode()
    booking.refresh_from_db()
    assert booking.note == ""


def test_anonymous_callers_cannot_list_sessions(api, booking):
    assert api.get("/api/v1/sessions/").status_code in (401, 403)


def test_the_host_records_a_held_session_with_minutes_and_a_note(as_member, booking, primary):
    api = as_member(primary)
    with time_machine.travel(local(2026, 3, 9, 10, 40), tick=False):
        response = api.patch(
            f"/api/v1/sessions/{booking.pk}/",
            {"status": "held", "minutes": 35, "note": "Fixed the env."},
            format="json",
        )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "held" and response.json()["minutes"] == 35
    event = BookingEvent.objects.get(booking=booking, kind="held")
    assert (event.actor, event.from_value, event.to_value) == (primary.user, "booked", "held")


def test_a_session_cannot_be_marked_held_before_it_starts(as_member, booking, primary):
    with time_machine.travel(local(2026, 3, 9, 9), tick=False):
        response = as_member(primary).patch(
            f"/api/v1/sessions/{booking.pk}/", {"status": "held"}, format="json"
        )
    assert response.status_code == 409


def test_a_teammate_who_is_not_the_host_cannot_record_it(as_member, booking, teammate):
    with time_machine.travel(local(2026, 3, 9, 10, 40), tick=False):
        response = as_member(teammate).patch(
            f"/api/v1/sessions/{booking.pk}/", {"status": "no_show"}, format="json"
        )
    assert response.status_code == 403
    assert response.json() == {"detail": "Only the session's host or a manager can change it."}


@pytest.mark.parametrize(
    "data", [{"status": "booked"}, {"status": "lost"}, {"minutes": 0}, {"minutes": "many"}, {"host": 1}]
)
def test_bad_patches_are_400_and_change_nothing(as_member, booking, primary, data):
    with time_machine.travel(local(2026, 3, 9, 10, 40), tick=False):
        response = as_member(primary).patch(f"/api/v1/sessions/{booking.pk}/", data, format="json")
    assert response.status_code == 400
    booking.refresh_from_db()
    assert booking.status == "booked" and booking.minutes is None


def test_the_host_cancels_through_the_api_and_the_learner_gets_a_cancel(as_member, booking, manager):
    with time_machine.travel(NOW, tick=False):
        response = as_member(manager).patch(
            f"/api/v1/sessions/{booking.pk}/", {"status": "cancelled"}, format="json"
        )
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    last = OutboundMessage.objects.filter(to="lea@example.org").order_by("-id").first()
    assert "METHOD:CANCEL" in last.payload["attachments"][0]["content"]


# -- the shift changes hands -------------------------------------------------------------------------


def _latest_invitation(to: str) -> Calendar:
    message = OutboundMessage.objects.filter(to=to).order_by("-id").first()
    return Calendar.from_ical(message.payload["attachments"][0]["content"])


def test_the_session_follows_its_shift_to_the_override_and_everyone_is_told(
    booking, shifts, primary, teammate, manager
):
    shift = Shift.objects.get(pk=booking.shift_id)
    with time_machine.travel(NOW, tick=False):
        shift_services.shift_override(shift=shift, member=teammate, actor=manager.user)
        assert services.sessions_rehost() == 1
        assert services.sessions_rehost() == 0  # nothing twice
    booking.refresh_from_db()
    assert booking.host == teammate and booking.shift == shift and booking.sequence == 1
    assert Notification.objects.filter(recipient=teammate.user, kind="session_rehosted").count() == 1
    assert Notification.objects.filter(recipient=primary.user, kind="session_rehosted").count() == 1
    calendar = _latest_invitation("lea@example.org")
    assert str(calendar["method"]) == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert str(event["organizer"]) == f"mailto:{teammate.user.email}"
    assert int(event["sequence"]) == 1


def test_the_session_follows_a_replanned_shift_that_was_replaced(booking, shifts, teammate):
    old = Shift.objects.get(pk=booking.shift_id)
    starts_at, ends_at = old.starts_at, old.ends_at
    old.delete()  # a re-plan replaces the rows
    new = ShiftFactory(
        team=booking.team, role="primary", member=teammate, starts_at=starts_at, ends_at=ends_at
    )
    with time_machine.travel(NOW, tick=False):
        assert services.sessions_rehost() == 1
    booking.refresh_from_db()
    assert (booking.host, booking.shift) == (teammate, new)


def test_past_and_cancelled_sessions_do_not_move(booking, shifts, teammate, manager):
    shift = Shift.objects.get(pk=booking.shift_id)
    with time_machine.travel(NOW, tick=False):
        shift_services.shift_override(shift=shift, member=teammate, actor=manager.user)
    with time_machine.travel(local(2026, 3, 9, 11), tick=False):
        assert services.sessions_rehost() == 0
    booking.refresh_from_db()
    assert booking.host != teammate


def test_the_rehost_sweep_runs_on_beat():
    from supportops.celery import app

    app.finalize()
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "bookings.tasks.rehost_sessions" in tasks


def test_the_session_follows_a_swap(booking, shifts, primary, teammate):
    shift = Shift.objects.get(pk=booking.shift_id)
    with time_machine.travel(NOW, tick=False):
        swap = shift_services.swap_request(shift=shift, counterpart=teammate, actor=primary.user)
        shift_services.swap_accept(swap=swap, actor=teammate.user)
        assert services.sessions_rehost() == 1
    booking.refresh_from_db()
    assert booking.host == teammate


def test_the_host_records_the_outcome_on_the_sessions_page(client, booking, primary, teammate):
    client.force_login(primary.user)
    with time_machine.travel(local(2026, 3, 9, 10, 45), tick=False):
        page = client.get("/sessions/")
        assert page.status_code == 200 and b"Lea Learner" in page.content
        response = client.post(
            f"/sessions/{booking.pk}/record/", {"status": "held", "minutes": "25", "note": "Env fixed"}
        )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert (booking.status, booking.minutes, booking.note) == ("held", 25, "Env fixed")
    client.force_login(teammate.user)
    with time_machine.travel(local(2026, 3, 9, 10, 45), tick=False):
        refused = client.post(f"/sessions/{booking.pk}/record/", {"status": "no_show"}, follow=True)
        assert refused.status_code == 200
        assert "Only the session&#x27;s host or a manager can change it." in refused.content.decode()
        assert b"Lea Learner" not in client.get("/sessions/").content  # only mine by default
        assert b"Lea Learner" in client.get("/sessions/?all=1").content
