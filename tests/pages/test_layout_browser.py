"""Every signed-in page at phone and laptop width: nothing wider than the screen, sign-out reachable, the
inquiry's status and deadline on its first screen. Screenshots land in test-results/screens/ to look at."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import Profile
from postmortems.models import Postmortem
from tests.factories import RotationFactory, ShiftFactory, inquiry_through_intake

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
SCREENS = Path("test-results/screens")


@pytest.fixture
def world(on_shift, manager, teammate, open_team):
    now = timezone.now()
    ShiftFactory(
        team=open_team,
        role="secondary",
        member=teammate,
        starts_at=now - dt.timedelta(hours=2),
        ends_at=now + dt.timedelta(days=6),
    )
    inquiry = inquiry_through_intake(
        open_team,
        subject="A rather long subject line about a notebook kernel that dies when loading the dataset",
    )
    postmortem = Postmortem.objects.create(team=open_team, title="Grading outage", summary="**Bold** summary")
    # The manager reads in New York, the team works in Zurich: the pages show both clocks where it matters.
    Profile.objects.create(user=manager.user, timezone="America/New_York")
    rotation = RotationFactory(
        team=open_team, shift_length_minutes=30, handoff_time=dt.time(9), starts_on=timezone.localdate()
    )
    rotation.members.set([on_shift.member, teammate])
    return {"inquiry": inquiry, "postmortem": postmortem, "team": open_team}


def _pages(world) -> list[str]:
    team = world["team"].slug
    return [
        "/",
        "/inquiries/",
        "/inquiries/?sort=priority&status=all",
        f"/inquiries/{world['inquiry'].reference}/",
        "/inquiries/new/",
        "/calendar/",
        "/calendar/?view=month",
        "/rotations/",
        "/sessions/",
        "/backlog/",
        "/postmortems/",
        f"/postmortems/{world['postmortem'].pk}/",
        f"/postmortems/agenda/?team={team}",
        "/reports/",
        f"/reports/load/?team={team}",
        f"/reports/response-times/?team={team}",
        f"/reports/cost/?team={team}",
        f"/reports/topics/?team={team}",
        f"/reports/team-load/?team={team}",
        "/teams/",
        f"/teams/{team}/",
        f"/teams/{team}/canned-replies/",
        f"/teams/{team}/audit/",
        f"/teams/{team}/integrations/",
        "/inbox/",
        "/profile/",
    ]


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_every_signed_in_page_fits_the_screen(chromium, live_server, world, manager, viewport, browser_login):
    context = chromium.new_context(base_url=live_server.url, viewport=viewport)
    context.set_default_timeout(10_000)
    page = context.new_page()
    refused = []
    where = {"path": ""}

    def on_console(msg):
        if "Content Security Policy" in msg.text:
            refused.append((where["path"], msg.text[:90]))

    page.on("console", on_console)
    browser_login(page, manager.user)
    SCREENS.mkdir(parents=True, exist_ok=True)
    too_wide = {}
    for path in _pages(world):
        where["path"] = path
        response = page.goto(path)
        assert response.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > viewport["width"]:
            too_wide[path] = width
        name = re.sub(r"[^\w.-]+", "_", path.strip("/")) or "dashboard"
        page.screenshot(path=str(SCREENS / f"{viewport['width']}-{name}.png"))
    assert too_wide == {}
    assert refused == []  # nothing inline was blocked by the CSP
    context.close()


def test_phone_menu_opens_and_sign_out_is_reachable(chromium, live_server, world, primary, browser_login):
    context = chromium.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    browser_login(page, primary.user)
    sign_out = page.locator("[data-testid=sign-out]")
    assert not sign_out.is_visible()
    page.click("[data-testid=menu-toggle]")
    assert sign_out.is_visible()
    box = sign_out.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"]
    sign_out.click()
    page.wait_for_load_state()
    assert page.goto("/").url.endswith("/accounts/login/?next=/")
    context.close()


def test_inquiry_status_and_deadline_are_on_the_first_phone_screen(
    chromium, live_server, world, primary, browser_login
):
    context = chromium.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    browser_login(page, primary.user)
    page.goto(f"/inquiries/{world['inquiry'].reference}/")
    glance = page.locator("[data-testid=at-a-glance]")
    box = glance.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"]
    text = glance.inner_text()
    assert "Assignee: Pat" in text and "Response" in text and "CE" in text  # CET/CEST: the zone is named
    context.close()
