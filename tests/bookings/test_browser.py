"""A learner books a session on a phone-sized screen in a real browser; the host sees it on the
dashboard (headless Chromium against a live server)."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from bookings.models import Booking
from tests.factories import ALWAYS

from .conftest import ZURICH, day_shifts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(chromium, live_server):
    """A 390 px wide phone in New York: the page shows the team's (Zurich) times and the learner's."""
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, timezone_id="America/New_York"
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


def test_a_learner_books_a_session_and_the_host_sees_it_on_the_dashboard(
    phone, page, browser_login, sessions_team, primary
):
    sessions_team.coverage = ALWAYS
    sessions_team.save()
    day_shifts(sessions_team, primary, timezone.now().astimezone(ZURICH).date(), 15)

    phone.goto("/book/ads/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    first = phone.locator("[data-testid=slots] .slot").first
    assert "yours" in first.inner_text()  # the learner's own zone, filled in by the page's script
    assert "America/New_York" in phone.inner_text(".zone-note")
    first.click()
    phone.fill("#id_name", "Lea Learner")
    phone.fill("#id_email", "lea@example.org")
    phone.fill("#id_agenda", "<b>My kernel dies</b>")
    phone.click("[data-testid=book-submit]")
    phone.wait_for_selector("[data-testid=booked]")
    assert phone.inner_text("[data-testid=session-status]") == "Booked"

    booking = Booking.objects.get()
    assert booking.agenda == "<b>My kernel dies</b>"
    [confirmation] = [m for m in mail.outbox if m.to == ["lea@example.org"]]
    [(filename, content, mimetype)] = confirmation.attachments
    assert filename == "invite.ics" and mimetype.startswith("text/calendar; method=REQUEST")
    assert "METHOD:REQUEST" in content

    browser_login(page, primary.user)
    page.goto("/")
    card = page.locator("[data-testid=next-session]")
    assert "Next session in" in card.inner_text()
    assert "Lea Learner" in card.inner_text()
    minutes = (booking.starts_at - timezone.now()) / dt.timedelta(minutes=1)
    assert minutes > 0
