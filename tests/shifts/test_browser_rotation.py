"""A manager schedules a rotation in the browser and sees the shifts on the calendar page."""

import datetime as dt

import pytest
from django.utils import timezone

from shifts.models import Shift
from tests.factories import RotationFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_manager_schedules_a_rotation_and_sees_it_on_the_calendar(
    page, browser_login, team, manager, primary
):
    rotation = RotationFactory(
        team=team, shift_length_minutes=240, handoff_time=dt.time(9), starts_on=timezone.localdate()
    )
    rotation.members.set([manager, primary])
    browser_login(page, manager.user)
    page.goto("/rotations/?team=ads")
    page.click("[data-testid=schedule-primary]")
    page.wait_for_selector(".messages")
    assert "Scheduled until" in page.inner_text(".messages")
    assert Shift.objects.filter(team=team).exists()
    page.screenshot(path="/tmp/var-a/rotations.png", full_page=True)
    monday = Shift.objects.filter(team=team).order_by("starts_at").first().starts_at.date()
    page.goto(f"/calendar/?team=ads&view=week&date={monday.isoformat()}")
    calendar = page.inner_text("[data-testid=calendar]")
    assert "Primary" in calendar and ("Maria" in calendar or "Pat" in calendar)
    assert page.locator(".shift.mine").count() > 0
    page.screenshot(path="/tmp/var-a/calendar.png", full_page=True)
