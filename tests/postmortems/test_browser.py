"""A manager opens a draft postmortem, adds a recommendation, submits it and finds it on the agenda."""

import os

import pytest

from postmortems import services
from postmortems.models import Postmortem

SHOTS = os.environ.get("SCREENSHOT_DIR", "")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_manager_adds_a_recommendation_submits_and_sees_it_on_the_agenda(
    page, browser_login, manager, teammate, inquiry
):
    draft = services.postmortem_create(
        team=inquiry.team,
        actor=manager.user,
        inquiries=[inquiry],
        summary="The shared hub ran out of memory during the exam.",
        root_causes="No memory limit per user.",
    )
    browser_login(page, manager.user)
    page.goto("/postmortems/")
    page.click(f"text={draft.title}")
    page.wait_for_url(f"**/postmortems/{draft.pk}/")
    assert page.inner_text("[data-testid=pm-status]") == "Draft"
    assert page.locator("[data-testid=milestones] input[value='Inquiry received']").count() == 1

    page.fill("[data-testid=rec-description]", "Set a per-user memory limit")
    page.select_option("[data-testid=rec-owner]", str(teammate.pk))
    page.fill("[data-testid=rec-due]", "2026-04-01")
    page.click("[data-testid=rec-add]")
    page.wait_for_selector(".messages")
    assert "Recommendation added" in page.inner_text(".messages")
    _shot(page, "postmortem-detail.png")

    page.click("[data-testid=submit]")
    page.wait_for_selector(".messages")
    assert page.inner_text("[data-testid=pm-status]") == "In review"
    assert Postmortem.objects.get(pk=draft.pk).status == "in_review"

    page.goto("/postmortems/agenda/?team=ads")
    agenda = page.inner_text("[data-testid=agenda]")
    assert draft.title in agenda
    assert "Set a per-user memory limit — owner: Tom, due 2026-04-01 (open)" in agenda
    assert "No memory limit per user." in agenda
    assert (
        page.locator("[data-testid=download-md]").get_attribute("href") == "/postmortems/agenda.md?team=ads"
    )
    _shot(page, "postmortem-agenda.png")

    page.goto("/postmortems/?status=in_review")
    assert draft.title in page.inner_text("[data-testid=postmortem-list]")
    _shot(page, "postmortem-list.png")
    page.goto("/postmortems/new/?team=ads")
    assert inquiry.reference in page.inner_text("[data-testid=inquiry-pick]")
    _shot(page, "postmortem-new.png")
