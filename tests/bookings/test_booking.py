"""Booking without an account (SPEC 3.10): 201 with a manage link, the invitation, 409 for a taken slot
or a used-up week, 400 for bad input, throttled like the public form; cancelling frees the slot."""

import datetime as dt

import pytest
import time_machine
from icalendar import Calendar

from bookings import services
from bookings.models import Booking
from bookings.slots import free_slots
from notices.models import Notification, OutboundMessage
from supportops.errors import ConflictError, InvalidInput
from tests.factories import ALWAYS

from .conftest import day_shifts, local

pytestmark = pytest.mark.django_db

NOW = local(2026, 3, 5, 8)  # Thursday 08:00 in Zurich
SLOT = "2026-03-09T10:00:00+01:00"  # the next Monday


@pytest.fixture
def shifts(sessions_team, primary):
    return day_shifts(sessions_team, primary, dt.date(2026, 3, 5), 14)


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _book(api, learner, starts_at=SLOT, team="ads", **extra):
    return api.post(
        "/api/v1/public/sessions/", {"team": team, "starts_at": starts_at, **learner, **extra}, format="json"
    )


def _invitations(to: str) -> list[Calendar]:
    found = []
    for message in OutboundMessage.objects.filter(to=to).order_by("id"):
        for item in (message.payload or {}).get("attachments", []):
            found.append(Calendar.from_ical(item["content"]))
    return found


def test_booking_returns_the_session_and_emails_an_invitation(api, shifts, at_now, learner, primary):
    response = _book(api, learner)
    assert response.status_code == 201, response.json()
    body = response.json()
    booking = Booking.objects.get()
    assert body["id"] == booking.pk
    assert body["starts_at"] == "2026-03-09T09:00:00Z"
    assert body["host"] == primary.display_name
    assert body["manage_url"].endswith(f"/book/session/{booking.manage_token}/")
    assert booking.host == primary and booking.shift == shifts[4]
    assert booking.learner_key == "lea@example.org"

    [calendar] = _invitations("lea@example.org")
    assert str(calendar["method"]) == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert str(event["organizer"]) == f"mailto:{primary.user.email}"
    assert event["organizer"].params["CN"] == primary.display_name
    assert str(event["attendee"]) == "mailto:lea@example.org"
    assert event.decoded("dtstart") == local(2026, 3, 9, 10)
    assert event.decoded("dtend") == local(2026, 3, 9, 10, 30)
    assert str(event["location"]) == "https://meet.example.org/ads-office-hours"
    assert "https://meet.example.org/ads-office-hours" in str(event["description"])
    assert booking.manage_token in str(event["description"])
    assert int(event["sequence"]) == 0
    email = OutboundMessage.objects.get(to="lea@example.org")
    assert booking.manage_token in email.body and "Mon" in email.subject
    # The host is told in-app and by email.
    assert Notification.objects.filter(recipient=primary.user, kind="session_booked").count() == 1


def test_a_taken_slot_is_refused_with_409_and_disappears_from_the_list(api, shifts, at_now, learner):
    assert _book(api, learner).status_code == 201
    response = _book(api, {**learner, "email": "max@example.org", "name": "Max"})
    assert response.status_code == 409
    assert "just booked" in response.json()["detail"]
    slots = api.get(
        "/api/v1/public/sessions/slots/", {"team": "ads", "from": "2026-03-09", "to": "2026-03-10"}
    )
    assert "2026-03-09T10:00:00+01:00" not in [s["starts_at"] for s in slots.json()]
    assert Booking.objects.count() == 1


def test_a_time_that_is_not_a_slot_is_refused(api, shifts, at_now, learner):
    for starts_at in ("2026-03-09T10:10:00+01:00", "2026-03-07T10:00:00+01:00", "2026-03-05T09:00:00+01:00"):
        response = _book(api, learner, starts_at=starts_at)
        assert response.status_code == 409, starts_at
        assert "not a free slot" in response.json()["detail"]
    assert not Booking.objects.exists()


def test_the_weekly_entitlement_is_per_email_case_insensitively(api, shifts, at_now, learner, sessions_team):
    sessions_team.session_minutes_per_week = 30
    sessions_team.session_length_minutes = 15
    sessions_team.save()
    assert _book(api, learner, starts_at="2026-03-09T10:00:00+01:00").status_code == 201
    assert (
        _book(api, {**learner, "email": "LEA@Example.ORG"}, starts_at="2026-03-10T10:00:00+01:00").status_code
        == 201
    )
    response = _book(api, {**learner, "email": "Lea@example.org"}, starts_at="2026-03-13T16:45:00+01:00")
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert "0 minutes left" in detail and "30 minutes a week" in detail
    assert "renews on Monday 16 March 2026 at 00:00 (Europe/Zurich)" in detail
    # Another learner, and the same learner next week, are fine.
    assert (
        _book(api, {**learner, "email": "max@example.org"}, starts_at="2026-03-13T16:45:00+01:00").status_code
        == 201
    )
    assert _book(api, learner, starts_at="2026-03-16T09:00:00+01:00").status_code == 201


def test_the_week_runs_monday_to_sunday_in_the_teams_zone(sessions_team, primary, learner):
    """Sunday 23:30 and Monday 00:00 in Zurich are the same UTC date, but different weeks of the team."""
    sessions_team.coverage = ALWAYS
    sessions_team.save()
    day_shifts(sessions_team, primary, dt.date(2026, 3, 5), 14)
    now = NOW
    sunday = services.booking_create(
        team=sessions_team, starts_at=local(2026, 3, 8, 23, 30), now=now, **learner
    )
    assert sunday.starts_at.astimezone(dt.UTC).date() == dt.date(2026, 3, 8)
    monday = services.booking_create(
        team=sessions_team, starts_at=local(2026, 3, 9, 0, 0), now=now, **learner
    )
    assert monday.starts_at.astimezone(dt.UTC).date() == dt.date(2026, 3, 8)
    with pytest.raises(ConflictError, match="renews on Monday 16 March"):
        services.booking_create(team=sessions_team, starts_at=local(2026, 3, 15, 23, 30), now=now, **learner)
    with pytest.raises(ConflictError, match="renews on Monday 09 March"):
        services.booking_create(team=sessions_team, starts_at=local(2026, 3, 8, 22, 0), now=now, **learner)


def test_a_cancelled_session_gives_back_the_allowance(sessions_team, shifts, learner):
    booking = services.booking_create(team=sessions_team, starts_at=local(2026, 3, 9, 10), now=NOW, **learner)
    services.booking_cancel(booking=booking, now=NOW)
    again = services.booking_create(team=sessions_team, starts_at=local(2026, 3, 9, 10), now=NOW, **learner)
    assert again.pk != booking.pk


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "lea@example.org\r\nBcc: all@example.org"}, "email"),
        ({"starts_at": "2026-03-09T10:00:00"}, "starts_at"),
        ({"starts_at": "Monday at ten"}, "starts_at"),
        ({"agenda": "x" * 4001}, "agenda"),
        ({"website": "http://spam.example"}, "website"),
    ],
)
def test_bad_input_is_400_and_books_nothing(api, shifts, at_now, learner, change, field):
    response = _book(api, {**learner, **{k: v for k, v in change.items() if k != "starts_at"}},
                     starts_at=change.get("starts_at", SLOT))  # fmt: skip
    assert response.status_code == 400, response.json()
    assert field in str(response.json())
    assert not Booking.objects.exists() and not OutboundMessage.objects.exists()


def test_line_breaks_in_a_name_are_cleaned_not_carried_into_headers(api, shifts, at_now, learner):
    response = _book(api, {**learner, "name": "Lea\r\nBcc: everyone@example.org"})
    assert response.status_code == 201
    assert Booking.objects.get().learner_name == "Lea Bcc: everyone@example.org"


def test_unknown_team_or_a_team_without_sessions_is_404(api, shifts, at_now, learner, other_team):
    assert _book(api, learner, team="nope").status_code == 404
    assert _book(api, learner, team=other_team.slug).status_code == 404


def test_public_booking_is_throttled_like_the_public_form(api, shifts, at_now, learner, settings):
    settings.PUBLIC_INTAKE_RATE = "2/hour"
    assert _book(api, learner).status_code == 201
    assert (
        _book(api, {**learner, "email": "b@example.org"}, starts_at="2026-03-09T11:00:00+01:00").status_code
        == 201
    )
    response = _book(api, {**learner, "email": "c@example.org"}, starts_at="2026-03-09T12:00:00+01:00")
    assert response.status_code == 429
    assert Booking.objects.count() == 2


def test_cancelling_through_the_manage_link_frees_the_slot_and_sends_cancel(
    client, sessions_team, shifts, learner
):
    booking = services.booking_create(team=sessions_team, starts_at=local(2026, 3, 9, 10), now=NOW, **learner)
    with time_machine.travel(NOW, tick=False):
        page = client.get(f"/book/session/{booking.manage_token}/")
        assert page.status_code == 200 and b"Cancel this session" in page.content
        assert page["Referrer-Policy"] == "no-referrer"
        response = client.post(f"/book/session/{booking.manage_token}/", {"action": "cancel"})
        assert response.status_code == 302
        booking.refresh_from_db()
        assert booking.status == "cancelled" and booking.sequence == 1
        assert local(2026, 3, 9, 10) in [s.starts_at for s in free_slots(team=sessions_team)]
        again = client.post(f"/book/session/{booking.manage_token}/", {"action": "cancel"})
        assert again.status_code == 409
    request, cancel = _invitations("lea@example.org")
    assert str(cancel["method"]) == "CANCEL"
    [first], [second] = request.walk("VEVENT"), cancel.walk("VEVENT")
    assert str(second["uid"]) == str(first["uid"])
    assert int(second["sequence"]) == int(first["sequence"]) + 1
    assert str(second["status"]) == "CANCELLED"


def test_an_unknown_manage_token_is_404(client, db):
    assert client.get("/book/session/not-a-token/").status_code == 404


def test_the_booking_page_shows_the_week_and_books_a_slot(client, shifts, at_now, sessions_team):
    page = client.get("/book/ads/?week=2026-03-09")
    assert page.status_code == 200
    assert b'value="2026-03-09T10:00:00+01:00"' in page.content
    assert b"Europe/Zurich" in page.content
    response = client.post(
        "/book/ads/?week=2026-03-09",
        {"name": "Lea", "email": "lea@example.org", "agenda": "<script>x</script>", "starts_at": SLOT},
    )
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert response["Location"] == f"/book/session/{booking.manage_token}/?welcome=1"
    manage = client.get(response["Location"])
    assert b"&lt;script&gt;x&lt;/script&gt;" in manage.content
    taken = client.post(
        "/book/ads/", {"name": "Max", "email": "max@example.org", "agenda": "", "starts_at": SLOT}
    )
    assert taken.status_code == 409 and b"just booked" in taken.content


def test_the_booking_page_of_a_team_without_sessions_is_404(client, team):
    assert client.get(f"/book/{team.slug}/").status_code == 404


def test_service_rejects_a_naive_start(sessions_team, shifts, learner):
    with pytest.raises(InvalidInput):
        services.booking_create(team=sessions_team, starts_at=dt.datetime(2026, 3, 9, 10), now=NOW, **learner)


def test_a_week_with_a_dst_change_still_runs_from_monday_to_monday_midnight(sessions_team):
    from bookings.slots import week_bounds

    start, end = week_bounds(team=sessions_team, at=local(2026, 3, 29, 12))
    assert (start, end) == (local(2026, 3, 23), local(2026, 3, 30))
    # The spring-forward week is an hour short in real time (same-zone subtraction would say 168 h).
    assert end.astimezone(dt.UTC) - start.astimezone(dt.UTC) == dt.timedelta(hours=167)
    start, end = week_bounds(team=sessions_team, at=local(2026, 3, 29, 23, 59))
    assert end == local(2026, 3, 30)
