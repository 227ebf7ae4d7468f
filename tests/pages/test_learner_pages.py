"""What a learner sees: when to expect an answer, that a reply went through, and that a throttled
question is not lost."""

import datetime as dt
import zoneinfo

import pytest
import time_machine

from inquiries.models import Inquiry
from tests.factories import WEEKDAYS_9_TO_5, ShiftFactory

pytestmark = pytest.mark.django_db

FORM = {"name": "Lea", "email": "lea@example.org", "subject": "Kernel dies", "body": "It dies on load."}
ZURICH = zoneinfo.ZoneInfo("Europe/Zurich")


def test_asking_on_a_saturday_says_the_team_is_closed_until_monday_and_when_to_expect_an_answer(
    client, team, primary
):
    team.coverage = WEEKDAYS_9_TO_5
    team.response_target_minutes = 120
    team.save()
    saturday = dt.datetime(2026, 11, 28, 15, 0, tzinfo=ZURICH)
    ShiftFactory(
        team=team,
        role="primary",
        member=primary,
        starts_at=saturday - dt.timedelta(days=1),
        ends_at=saturday + dt.timedelta(days=5),
    )
    with time_machine.travel(saturday, tick=False):
        response = client.post("/ask/ads/", FORM, follow=True)
    html = response.content.decode()
    assert 'data-testid="expect"' in html
    assert "closed now and opens again Monday 30 November, 09:00 CET" in html
    assert "first response by <strong>Monday 30 November, 11:00 CET</strong>" in html


def test_reply_on_the_tracking_page_is_confirmed(client, inquiry):
    response = client.post(f"/track/{inquiry.tracking_token}/reply/", {"body": "More detail"}, follow=True)
    assert 'data-testid="reply-sent"' in response.content.decode()
    assert inquiry.messages.filter(body="More detail").exists()


def test_a_throttled_question_is_shown_back_to_send_later(client, settings, on_shift):
    settings.PUBLIC_INTAKE_RATE = "1/hour"
    assert client.post("/ask/ads/", FORM).status_code == 302
    response = client.post("/ask/ads/", {**FORM, "body": "My long question <b>typed</b> with care"})
    assert response.status_code == 429
    html = response.content.decode()
    assert 'data-testid="kept-question"' in html
    assert "My long question &lt;b&gt;typed&lt;/b&gt; with care" in html
    assert Inquiry.objects.count() == 1
