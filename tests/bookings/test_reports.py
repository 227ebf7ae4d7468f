"""Reports (SPEC 3.10): held minutes are direct support effort in the load report; the entitlement
report per week as JSON, CSV and a page for managers."""

import csv
import datetime as dt
import io

import pytest

from bookings.models import Booking
from shifts.models import Shift
from tests.factories import BookingFactory

from .conftest import day_shifts, local

pytestmark = pytest.mark.django_db

PERIOD = {"team": "ads", "start": "2026-03-02", "end": "2026-03-15"}


def _session(team, host, start, *, email="lea@example.org", status="booked", minutes=None, length=30):
    return BookingFactory(
        team=team, host=host, learner_name="L", learner_email=email, learner_key=email.lower(),
        starts_at=start, ends_at=start + dt.timedelta(minutes=length), status=status, minutes=minutes,
        cancelled_at=start if status == "cancelled" else None,
    )  # fmt: skip


@pytest.fixture
def sessions(sessions_team, primary, teammate):
    day_shifts(sessions_team, primary, dt.date(2026, 3, 2), 14)
    return [
        # Week 10: two learners, one held (40 min), one no-show; a cancelled one does not count.
        _session(sessions_team, primary, local(2026, 3, 3, 10), status="held", minutes=40),
        _session(sessions_team, primary, local(2026, 3, 4, 10), email="max@example.org", status="no_show"),
        _session(sessions_team, primary, local(2026, 3, 5, 10), email="ina@example.org", status="cancelled"),
        # Week 11: one learner, held by the teammate while not on a primary shift.
        _session(sessions_team, teammate, local(2026, 3, 10, 10), status="held", minutes=30),
    ]


def test_held_minutes_count_as_direct_support_in_the_load_report(
    as_member, manager, sessions, primary, teammate
):
    report = as_member(manager).get("/api/v1/reports/load/", PERIOD).json()
    rows = {row["username"]: row for row in report["rows"]}
    assert rows["pat"]["sessions_held_hours"] == round(40 / 60, 2)
    assert rows["pat"]["effort_hours"] == round(40 / 60, 2)
    # Held during pat's own primary shift: already inside the coverage hours, not counted twice.
    assert rows["pat"]["effort_outside_shifts_hours"] == 0
    # Held by tom off his shifts: it adds to his direct support.
    assert rows["tom"]["sessions_held_hours"] == 0.5
    assert rows["tom"]["direct_support_hours"] == 0.5
    assert not Shift.objects.filter(member=teammate).exists()


def test_the_entitlement_report_per_week(as_member, manager, sessions):
    report = as_member(manager).get("/api/v1/reports/sessions/", PERIOD).json()
    assert report["report"] == "sessions"
    first, second = report["rows"]
    assert first["week"] == "2026-03-02"
    assert (first["learners"], first["sessions"], first["minutes_booked"]) == (2, 2, 60)
    assert (first["held"], first["minutes_held"], first["no_shows"], first["cancelled"]) == (1, 40, 1, 1)
    assert (first["entitlement_minutes"], first["entitlement_used_percent"]) == (60, 100.0)
    assert (second["learners"], second["minutes_booked"], second["minutes_held"]) == (1, 30, 30)
    assert report["summary"]["minutes_held"] == 70 and report["summary"]["no_shows"] == 1


def test_the_entitlement_report_as_csv(as_member, manager, sessions):
    response = as_member(manager).get("/api/v1/reports/sessions/", {**PERIOD, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["week"] for row in rows] == ["2026-03-02", "2026-03-09"]
    assert rows[0]["minutes_held"] == "40"


def test_the_entitlement_report_page_is_for_managers(client, manager, teammate, outsider, sessions):
    client.force_login(manager.user)
    page = client.get("/reports/sessions/", PERIOD)
    assert page.status_code == 200
    assert b"One-to-one sessions" in page.content and b"2026-W10" in page.content
    client.force_login(teammate.user)
    assert client.get("/reports/sessions/", PERIOD).status_code == 403
    client.force_login(outsider.user)
    assert client.get("/reports/sessions/", PERIOD).status_code == 404
    assert client.get("/api/v1/reports/sessions/", PERIOD).status_code in (403, 404)


def test_the_team_settings_page_saves_the_session_settings(client, manager, sessions_team):
    client.force_login(manager.user)
    page = client.get("/teams/ads/")
    assert b'name="session_minutes_per_week"' in page.content
    form = {
        "name": sessions_team.name, "timezone": "Europe/Zurich", "response_target_minutes": 240,
        "response_guarantee_minutes": 1440, "support_budget_percent": 50, "low_hanging_fruit_hours": 4,
        "coverage_0": "09:00-17:00", "session_minutes_per_week": 60, "session_length_minutes": 15,
        "session_notice_minutes": 60, "session_video_url": "https://meet.example.org/new",
    }  # fmt: skip
    client.post("/teams/ads/save/", form)
    sessions_team.refresh_from_db()
    assert (sessions_team.session_minutes_per_week, sessions_team.session_length_minutes) == (60, 15)
    assert sessions_team.session_notice_minutes == 60
    assert sessions_team.session_video_url == "https://meet.example.org/new"
    client.post("/teams/ads/save/", {**form, "session_length_minutes": 2})
    sessions_team.refresh_from_db()
    assert sessions_team.session_length_minutes == 15  # below the minimum: refused, unchanged


def test_the_demo_team_offers_sessions_and_has_some_booked():
    import io

    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())
    ads = Booking.objects.filter(team__slug="ads")
    assert ads.filter(status="booked").count() == 3
    assert ads.filter(status="held").exists() and ads.filter(status="no_show").exists()
    call_command("seed_demo", stdout=io.StringIO())
    assert Booking.objects.filter(team__slug="ads").count() == ads.count()
