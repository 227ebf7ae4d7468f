"""Pages, iCal feeds and shift reminders."""

import datetime as dt

import pytest
import time_machine
from django.test import override_settings
from icalendar import Calendar

from notices.models import Notification
from shifts.models import CalendarFeed, Shift, ShiftReminder
from shifts.services import feed_create, feed_revoke, rotation_schedule, shift_reminders_send
from shifts.tasks import send_shift_reminders
from tests.factories import RotationFactory

NOW = dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def scheduled(team, manager, primary, teammate):
    rotation = RotationFactory(
        team=team, shift_length_minutes=240, handoff_time=dt.time(9), starts_on=dt.date(2026, 3, 2)
    )
    rotation.members.set([primary, teammate])
    rotation_schedule(rotation=rotation, until=dt.date(2026, 3, 13))
    return rotation


def test_team_feed_parses_back_with_every_shift(client, scheduled, primary):
    feed = feed_create(owner=primary.user, team=primary.team)
    response = client.get(f"/calendar/{feed.token}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    assert str(cal["VERSION"]) == "2.0" and "SupportOps" in str(cal["PRODID"])
    events = cal.walk("VEVENT")
    shifts = {s.pk: s for s in Shift.objects.select_related("member__user")}
    assert {str(e["UID"]) for e in events} == {f"shift-{pk}@supportops" for pk in shifts}
    for event in events:
        shift = shifts[int(str(event["UID"]).split("-")[1].split("@")[0])]
        assert event["DTSTART"].dt == shift.starts_at and event["DTEND"].dt == shift.ends_at
        assert event["DTSTART"].dt.utcoffset() == dt.timedelta(0)
        assert str(event["SUMMARY"]) == f"Primary — {shift.member.display_name}"
        assert "DTSTAMP" in event


def test_member_feed_has_only_their_shifts_and_revoked_feed_is_404(client, scheduled, primary):
    feed = feed_create(owner=primary.user, team=primary.team, member=primary)
    events = Calendar.from_ical(client.get(f"/calendar/{feed.token}.ics").content).walk("VEVENT")
    assert len(events) == Shift.objects.filter(member=primary).count() > 0
    feed_revoke(feed=feed, actor=primary.user)
    assert client.get(f"/calendar/{feed.token}.ics").status_code == 404
    assert client.get("/calendar/not-a-token.ics").status_code == 404


@override_settings(SHIFT_REMINDER_MINUTES=[1440, 60])
def test_reminders_are_sent_once_per_threshold(scheduled):
    first = Shift.objects.order_by("starts_at").first()  # starts 08:00 UTC, an hour from NOW
    assert shift_reminders_send() > 0
    reminders = Notification.objects.filter(kind="shift_reminder", shift=first)
    assert reminders.count() == 1  # both thresholds due at once: one message
    assert shift_reminders_send() == 0 and send_shift_reminders() == 0
    assert ShiftReminder.objects.filter(shift=first).count() == 2


def test_rotations_and_calendar_pages_render_with_escaped_names(client, scheduled, manager, primary):
    primary.user.first_name = "<script>x</script>"
    primary.user.save()
    client.force_login(manager.user)
    page = client.get("/rotations/?team=ads")
    assert page.status_code == 200
    assert b"<script>x</script>" not in page.content and b"&lt;script&gt;" in page.content
    for view in ("week", "month"):
        assert client.get(f"/calendar/?team=ads&view={view}&date=2026-03-02").status_code == 200


def test_outsider_gets_404_for_other_teams_pages(client, scheduled, outsider):
    client.force_login(outsider.user)
    assert client.get("/rotations/?team=ads").status_code == 404
    assert client.get("/calendar/?team=ads").status_code == 404


def test_page_form_shows_errors_as_messages(client, scheduled, manager):
    client.force_login(manager.user)
    response = client.post(
        "/rotations/schedule/", {"team": "ads", "rotation": scheduled.pk, "until": "2031-01-01"}, follow=True
    )
    assert "2 years" in response.content.decode()
    assert CalendarFeed.objects.count() == 0


@pytest.mark.django_db
def test_rotation_forms_with_missing_or_foreign_fields_show_a_message_not_an_error(client, manager, outsider):
    client.force_login(manager.user)
    response = client.post(
        "/rotations/absences/add/",
        {
            "team": "ads",
            "member": str(outsider.pk),
            "starts_at": "2030-01-01T09:00",
            "ends_at": "2030-01-02T09:00",
            "reason": "vacation",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "not in this team" in response.content.decode()
    response = client.post("/rotations/absences/add/", {"team": "ads"}, follow=True)
    assert response.status_code == 200 and "Fill in" in response.content.decode()


@pytest.mark.django_db
def test_rotation_forms_never_redirect_off_site(client, manager):
    client.force_login(manager.user)
    response = client.post("/rotations/absences/add/", {"team": "ads", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"].startswith("/rotations/")
