import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from inquiries import services
from inquiries.models import Inquiry, Message
from tests.factories import TopicFactory

pytestmark = pytest.mark.django_db

FORM = {"name": "Lea", "email": "lea@example.org", "subject": "Kernel dies", "body": "It dies when loading."}


def test_ask_index_lists_teams(client, team, other_team):
    page = client.get("/ask/").content.decode()
    assert "/ask/ads/" in page and "/ask/bio/" in page


def test_web_form_creates_inquiry_and_shows_reference_and_tracking_link(client, on_shift, topic):
    response = client.post("/ask/ads/", {**FORM, "topic": topic.pk})
    inquiry = Inquiry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/track/{inquiry.tracking_token}/?welcome=1"
    page = client.get(response["Location"]).content.decode()
    assert "ADS-1" in page and f"/track/{inquiry.tracking_token}/" in page
    assert (inquiry.channel, inquiry.topic) == ("web", topic)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"email": "not-an-email"}, "valid email"),
        ({"subject": "x" * 201}, "at most 200"),
        ({"body": ""}, "required"),
        ({"name": "n" * 121}, "at most 120"),
        ({"topic": "999999"}, "valid choice"),
        ({"website": "http://spam.example"}, "looks automated"),
    ],
)
def test_rejected_submission_stores_nothing_and_says_why(client, on_shift, change, message):
    response = client.post("/ask/ads/", {**FORM, **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Inquiry.objects.exists()
    assert not mail.outbox


def test_unknown_team_page_is_404(client, db):
    assert client.get("/ask/nope/").status_code == 404
    assert client.post("/ask/nope/", FORM).status_code == 404


def test_web_form_is_throttled_per_ip_with_a_friendly_page(client, settings, on_shift):
    settings.PUBLIC_INTAKE_RATE = "3/hour"
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(3):
            assert client.post("/ask/ads/", FORM).status_code == 302
        response = client.post("/ask/ads/", FORM)
        assert response.status_code == 429
        assert "Please wait a little" in response.content.decode()
        assert Inquiry.objects.count() == 3
        # Another address is not affected; the window moves on.
        assert client.post("/ask/ads/", FORM, REMOTE_ADDR="10.0.0.9").status_code == 302
        traveller.shift(dt.timedelta(hours=1, minutes=1))
        assert client.post("/ask/ads/", FORM).status_code == 302


def test_public_api_creates_and_returns_reference_and_tracking_url(api, settings, on_shift):
    settings.SITE_URL = "https://support.example.org"
    response = api.post("/api/v1/public/inquiries/", {"team": "ads", **FORM}, format="json")
    assert response.status_code == 201
    inquiry = Inquiry.objects.get()
    assert response.json() == {
        "reference": "ADS-1",
        "tracking_url": f"https://support.example.org/track/{inquiry.tracking_token}/",
    }


@pytest.mark.parametrize(
    ("change", "status", "text"),
    [
        ({"team": "nope"}, 404, "No team 'nope'"),
        ({"topic": "Astrology"}, 400, "has no topic"),
        ({"email": "bad"}, 400, "email"),
        ({"subject": "x" * 201}, 400, "subject"),
        ({"body": ""}, 400, "body"),
    ],
)
def test_public_api_bad_input(api, on_shift, change, status, text):
    response = api.post("/api/v1/public/inquiries/", {"team": "ads", **FORM, **change}, format="json")
    assert response.status_code == status
    assert text in response.json()["detail"]
    assert not Inquiry.objects.exists()


def test_public_api_is_throttled(api, settings, on_shift):
    settings.PUBLIC_INTAKE_RATE = "2/hour"
    for _ in range(2):
        assert (
            api.post("/api/v1/public/inquiries/", {"team": "ads", **FORM}, format="json").status_code == 201
        )
    response = api.post("/api/v1/public/inquiries/", {"team": "ads", **FORM}, format="json")
    assert response.status_code == 429
    assert Inquiry.objects.count() == 2


def test_tracking_page_shows_public_thread_but_never_notes(client, inquiry, primary):
    services.inquiry_add_note(inquiry=inquiry, actor=primary.user, body="INTERNAL-ONLY remark")
    services.inquiry_respond(inquiry=inquiry, actor=primary.user, body="Try restarting the kernel")
    Message.objects.create(inquiry=inquiry, kind="system", body="Your question now rests with Tom.")
    page = client.get(f"/track/{inquiry.tracking_token}/").content.decode()
    assert "Try restarting the kernel" in page
    assert "Your question now rests with Tom." in page
    assert "INTERNAL-ONLY" not in page


def test_unknown_tracking_token_is_404(client, db):
    assert client.get("/track/not-a-real-token-at-all-xxxxxxxx/").status_code == 404


def test_requester_reply_on_tracking_page_moves_waiting_back(client, inquiry, primary):
    services.inquiry_respond(inquiry=inquiry, actor=primary.user, body="Which version?")
    services.inquiry_wait(inquiry=inquiry, actor=primary.user)
    response = client.post(f"/track/{inquiry.tracking_token}/reply/", {"body": "3.11"})
    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == "responded"


def test_requester_reopens_within_14_days_only(client, inquiry, primary):
    services.inquiry_resolve(inquiry=inquiry, actor=primary.user, kind="answered", reply="Done")
    url = f"/track/{inquiry.tracking_token}/"
    assert "Reopen my question" in client.get(url).content.decode()
    later = timezone.now() + dt.timedelta(days=15)
    with time_machine.travel(later, tick=False):
        assert "Reopen my question" not in client.get(url).content.decode()
        response = client.post(url + "reopen/", {"body": "still broken"})
        assert response.status_code == 409
        assert "more than 14 days ago" in response.content.decode()
    assert Inquiry.objects.get().status == "resolved"
    assert client.post(url + "reopen/", {"body": "still broken"}).status_code == 302
    assert Inquiry.objects.get().status == "responded"


def test_empty_requester_reply_is_refused(client, inquiry):
    response = client.post(f"/track/{inquiry.tracking_token}/reply/", {"body": "  "})
    assert response.status_code == 400
    assert inquiry.messages.count() == 1


def test_topic_list_only_shows_the_teams_topics(client, on_shift, topic, other_team):
    TopicFactory(team=other_team, name="Genomics")
    page = client.get("/ask/ads/").content.decode()
    assert "Pandas" in page and "Genomics" not in page
