"""The path a learner and a Primary take, in a real browser (headless Chromium) against a live server."""

import re

import pytest
from django.core import mail

from inquiries.models import Inquiry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCRIPT = '<script>alert("pwned")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def learner(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 1100, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


def _ask(tab, *, name="Lea Learner", subject="Kernel dies on load", body="My kernel dies when I load data."):
    tab.goto("/ask/ads/")
    tab.fill("#id_name", name)
    tab.fill("#id_email", "lea@example.org")
    tab.fill("#id_subject", subject)
    tab.fill("#id_body", body)
    tab.click("[data-testid=ask-submit]")
    tab.wait_for_selector("[data-testid=welcome]")


def test_learner_asks_primary_answers_learner_replies_primary_resolves(
    page, learner, browser_login, on_shift, primary
):
    _ask(learner)
    reference = learner.inner_text("[data-testid=reference]")
    assert reference == "ADS-1"

    acknowledgement = [m for m in mail.outbox if m.to == ["lea@example.org"]]
    assert len(acknowledgement) == 1
    tracking_path = re.search(r"https?://[^/\s]+(/track/[\w-]+/)", acknowledgement[0].body).group(1)
    assert tracking_path == f"/track/{Inquiry.objects.get().tracking_token}/"

    browser_login(page, primary.user)
    queue = page.locator("[data-testid=my-queue]")
    assert "Kernel dies on load" in queue.inner_text()
    queue.get_by_role("link", name="ADS-1").click()

    page.fill("[data-testid=reply-body]", "Which Python version do you use?")
    page.click("[data-testid=send-reply]")
    assert page.inner_text("[data-testid=status]") == "Responded"
    page.click("[data-testid=wait]")
    assert page.inner_text("[data-testid=status]") == "Waiting on requester"

    learner.goto(tracking_path)
    assert "Which Python version do you use?" in learner.inner_text("[data-testid=thread]")
    assert learner.inner_text("[data-testid=status]") == "Waiting for your reply"
    learner.fill("[data-testid=requester-reply]", "Python 3.11 on Windows")
    learner.click("[data-testid=send-reply]")
    learner.wait_for_selector("#latest")
    assert learner.inner_text("[data-testid=status]") == "Responded"

    page.reload()
    assert "Python 3.11 on Windows" in page.inner_text("[data-testid=thread]")
    page.select_option("[data-testid=resolve-kind]", "workaround")
    page.fill("[data-testid=resolve-reply]", "Install the 64-bit build; that fixes the crash.")
    page.click("[data-testid=resolve]")
    assert page.inner_text("[data-testid=status]") == "Resolved"

    learner.reload()
    assert learner.inner_text("[data-testid=status]") == "Resolved"
    assert "Install the 64-bit build" in learner.inner_text("[data-testid=thread]")
    assert learner.locator("[data-testid=reopen]").is_visible()
    inquiry = Inquiry.objects.get()
    assert inquiry.responded_at is not None and inquiry.resolution_kind == "workaround"


def test_script_in_every_learner_field_stays_inert_everywhere(
    page, learner, browser_login, on_shift, primary
):
    dialogs: list[str] = []
    for tab in (page, learner):
        tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    _ask(learner, name=SCRIPT, subject=SCRIPT, body=SCRIPT)
    assert SCRIPT in learner.inner_text("[data-testid=subject]")
    tracking_url = learner.url
    learner.fill("[data-testid=requester-reply]", SCRIPT)
    learner.click("[data-testid=send-reply]")
    learner.wait_for_selector("#latest")
    assert SCRIPT in learner.inner_text("[data-testid=thread]")

    browser_login(page, primary.user)
    assert SCRIPT in page.inner_text("[data-testid=my-queue]")
    page.goto("/inquiries/")
    assert SCRIPT in page.inner_text("[data-testid=inquiry-list]")
    page.goto("/inquiries/ADS-1/")
    assert SCRIPT in page.inner_text("[data-testid=subject]")
    # Two messages (question and reply), each headed by the requester's name: four times, as text.
    assert page.inner_text("[data-testid=thread]").count(SCRIPT) == 4
    learner.goto(tracking_url)

    assert dialogs == []
    assert page.locator("img[src=x]").count() == 0
    assert learner.locator("img[src=x]").count() == 0
