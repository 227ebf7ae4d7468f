import re

import pytest

from inquiries import services
from inquiries.models import Escalation, Event, Improvement, Inquiry
from notices.models import OutboundMessage
from tests.factories import inquiry_through_intake

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"


@pytest.fixture
def signed_in(client, primary):
    client.force_login(primary.user)
    return client


def _fill(open_team, primary, teammate, rows):
    for n in range(rows):
        inquiry = inquiry_through_intake(open_team, subject=f"Question {n}")
        services.effort_log(inquiry=inquiry, actor=primary.user, minutes=3)
        if n % 5 == 1:
            services.inquiry_escalate(inquiry=inquiry, actor=teammate.user, member=primary, reason="help")
        if n % 5 == 2:
            Inquiry.objects.filter(pk=inquiry.pk).update(assignee=None)
        if n % 5 == 3:
            Event.objects.create(
                inquiry=inquiry, kind="handed_off", from_value="Tom", to_value="Pat", note="go"
            )
        if n % 5 == 4:
            services.improvement_create(
                team=inquiry.team,
                actor=primary.user,
                title=f"Fix {n}",
                kind="low_hanging_fruit",
                estimate_hours=1,
            )


@pytest.mark.parametrize("rows", [5, 50])
def test_dashboard_query_count_is_constant(
    signed_in,
    primary,
    teammate,
    on_shift,
    open_team,
    rows,
    django_assert_max_num_queries,
):
    _fill(open_team, primary, teammate, rows)
    # session, user (with the viewer's zone), queue, teams (with the next Primary's id), shifts now, next
    # Primaries, unassigned, escalations, low-hanging fruit, my next shift, unread count, my upcoming
    # sessions: the same at 5 and at 50 rows, and whatever the number of teams (no query per team).
    with django_assert_max_num_queries(11):
        response = signed_in.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Question 0" in page and "Fix 4" in page
    assert page.count('class="ref"') >= rows


@pytest.mark.parametrize("rows", [5, 50])
def test_inquiry_list_query_count_is_constant(
    signed_in,
    primary,
    teammate,
    on_shift,
    open_team,
    rows,
    django_assert_max_num_queries,
):
    _fill(open_team, primary, teammate, rows)
    # session, user, teams, page (keyset), effort of the page's rows, capped count, unread count, and the
    # filters' topics and members and the viewer's saved views (one query each, not per row).
    with django_assert_max_num_queries(10):
        response = signed_in.get("/inquiries/")
    assert response.status_code == 200
    assert response.content.decode().count("3 min") == rows


def test_queue_fragment_is_sorted_by_response_deadline(signed_in, on_shift, open_team):
    import datetime as dt

    from django.utils import timezone

    late, soon = (
        inquiry_through_intake(open_team, subject="Late one"),
        inquiry_through_intake(open_team, subject="Soon one"),
    )
    Inquiry.objects.filter(pk=late.pk).update(response_due_at=timezone.now() - dt.timedelta(minutes=10))
    Inquiry.objects.filter(pk=soon.pk).update(response_due_at=timezone.now() + dt.timedelta(minutes=10))
    page = signed_in.get("/dashboard/queue/").content.decode()
    assert page.index("Late one") < page.index("Soon one")
    assert "is-overdue" in page


def test_inquiry_page_of_another_team_is_404(client, outsider, inquiry):
    client.force_login(outsider.user)
    assert client.get("/inquiries/ADS-1/").status_code == 404
    assert client.post("/inquiries/ADS-1/respond/", {"body": "x"}).status_code == 404
    assert Inquiry.objects.get().status == "new"


def test_every_action_form_on_the_inquiry_page_works(signed_in, primary, teammate, inquiry, topic):
    url = "/inquiries/ADS-1/"
    page = signed_in.get(url).content.decode()
    for action in (
        "respond",
        "note",
        "resolve",
        "assign",
        "escalate",
        "effort",
        "triage",
        "handoff",
        "improvement",
    ):
        assert f"{url}{action}/" in page, action

    def post(action, data=None):
        response = signed_in.post(f"{url}{action}/", data or {}, follow=True)
        assert response.status_code == 200
        return response.content.decode()

    post("respond", {"body": "Hello there"})
    post("note", {"body": "internal"})
    post(
        "triage",
        {"priority": "high", "reproducible": "yes", "topic": topic.pk, "actionable": "yes", "urgency": ""},
    )
    post("handoff", {"keep": "on", "handoff_note": "I will finish it"})
    post("effort", {"minutes": "15", "note": "reading"})
    post("escalate", {"member": teammate.pk, "reason": "pandas"})
    post("improvement", {"title": "FAQ", "kind": "low_hanging_fruit", "estimate_hours": "1"})
    post("wait")
    post("assign", {"member": teammate.pk})
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.priority, inquiry.keep, inquiry.assignee) == (
        "waiting",
        "high",
        True,
        teammate,
    )
    assert Escalation.objects.filter(inquiry=inquiry).count() == 1
    assert Improvement.objects.filter(source_inquiry=inquiry).count() == 1
    error_page = post("resolve", {"kind": "promoted"})
    assert "needs the URL" in error_page
    post("resolve", {"kind": "answered", "reply": "All done", "note": "easy"})
    inquiry.refresh_from_db()
    assert inquiry.status == "resolved"
    page = post("wait")
    assert "Inquiry ADS-1 is resolved; it cannot be put on wait." in page
    post("reopen")
    inquiry.refresh_from_db()
    assert inquiry.status == "responded"


def test_escalated_member_accepts_from_the_dashboard(client, primary, teammate, inquiry):
    escalation = services.inquiry_escalate(
        inquiry=inquiry, actor=primary.user, member=teammate, reason="pandas"
    )
    client.force_login(teammate.user)
    assert "pandas" in client.get("/").content.decode()
    client.post(f"/escalations/{escalation.pk}/accept/", {"next": "/"})
    escalation.refresh_from_db()
    assert escalation.status == "accepted"


def test_member_logs_a_redirected_inquiry(signed_in, teammate, on_shift, client):
    client.force_login(teammate.user)
    response = client.post(
        "/inquiries/new/",
        {
            "team": "ads",
            "channel": "redirect",
            "requester_name": "Hal",
            "requester_email": "hal@example.org",
            "subject": "Asked me in the hallway",
            "body": "How do I submit?",
            "priority": "normal",
        },
    )
    assert response.status_code == 302
    inquiry = Inquiry.objects.get()
    assert (inquiry.channel, inquiry.assignee, inquiry.created_by) == (
        "redirect",
        on_shift.member,
        teammate.user,
    )


def test_new_inquiry_form_shows_errors_and_stores_nothing(signed_in, on_shift):
    response = signed_in.post(
        "/inquiries/new/",
        {
            "team": "ads",
            "channel": "api",
            "requester_name": "Hal",
            "requester_email": "nope",
            "subject": "x",
            "body": "y",
        },
    )
    assert response.status_code == 400
    assert "not a valid email" in response.content.decode()
    assert not Inquiry.objects.exists()


def test_linking_a_known_issue_asks_to_confirm_and_offers_a_reply(signed_in, on_shift, open_team):
    inquiry_through_intake(open_team, subject="Kernel dies loading dataset", body="Jupyter kernel crashes")
    current = inquiry_through_intake(open_team, subject="Jupyter kernel dies", body="loading the dataset")
    page = signed_in.get(f"/inquiries/{current.reference}/").content.decode()
    # The page does not wait for the search: it points at the fragment, fetched after load.
    assert "Link as known issue" not in page and f"/inquiries/{current.reference}/similar/" in page
    fragment = signed_in.get(f"/inquiries/{current.reference}/similar/?team=ads").content.decode()
    assert "Link as known issue" in fragment and "ADS-1" in fragment

    # One click only asks: nothing is resolved yet, the page shows the confirmation and a reply.
    unconfirmed = signed_in.post(f"/inquiries/{current.reference}/link-known/", {"known_issue": "ADS-1"})
    current.refresh_from_db()
    assert current.status == "new"
    assert unconfirmed.status_code == 302
    confirm = signed_in.get(f"/inquiries/{current.reference}/?link_known=ADS-1").content.decode()
    assert 'data-testid="link-known-confirm"' in confirm
    assert "known issue that we already follow as ADS-1" in confirm

    signed_in.post(
        f"/inquiries/{current.reference}/link-known/",
        {
            "known_issue": "ADS-1",
            "confirm": "yes",
            "seen_event": re.search(r'name="seen_event" value="(\d+)"', confirm).group(1),
            "send_reply": "on",
            "reply": "This is a known issue we follow as ADS-1 (Kernel dies loading dataset).",
        },
    )
    current.refresh_from_db()
    assert (current.status, current.resolution_kind, current.known_issue.reference) == (
        "resolved",
        "known_issue",
        "ADS-1",
    )
    reply = current.messages.get(kind="reply")
    assert "ADS-1" in reply.body
    assert current.responded_at is not None
    mail = OutboundMessage.objects.filter(inquiry=current, to="lea@example.org").order_by("pk").last()
    assert "ADS-1" in mail.body


def test_a_reopened_inquiry_is_not_resolved_by_a_stale_known_issue_link(
    signed_in,
    primary,
    on_shift,
    open_team,
):
    inquiry_through_intake(open_team, subject="Kernel dies loading dataset", body="Jupyter kernel crashes")
    current = inquiry_through_intake(open_team, subject="Jupyter kernel dies", body="loading the dataset")
    services.inquiry_respond(inquiry=current, actor=primary.user, body="Try restarting.")
    page = signed_in.get(f"/inquiries/{current.reference}/?link_known=ADS-1").content.decode()
    seen = re.search(r'name="seen_event" value="(\d+)"', page).group(1)
    services.inquiry_resolve(inquiry=current, actor=primary.user, kind="answered")
    services.inquiry_reopen(inquiry=current, by_requester=True, body="Still broken!")

    # The member confirms what they saw before the requester reopened it: same status, newer events.
    response = signed_in.post(
        f"/inquiries/{current.reference}/link-known/",
        {"known_issue": "ADS-1", "confirm": "yes", "seen_event": seen, "send_reply": "on", "reply": "x"},
        follow=True,
    )

    current.refresh_from_db()
    assert current.status == "responded"
    assert current.assignee == primary
    assert "changed since you looked at it" in response.content.decode()


def test_resolving_as_a_known_issue_without_a_reply_points_the_requester_to_it(
    primary,
    on_shift,
    open_team,
):
    known = inquiry_through_intake(open_team, subject="Kernel dies loading dataset")
    current = inquiry_through_intake(open_team, subject="Jupyter kernel dies")

    services.inquiry_resolve(
        inquiry=current, actor=primary.user, kind="known_issue", known_issue=known.reference
    )

    mail = OutboundMessage.objects.filter(
        inquiry=current, subject__startswith=f"[{current.reference}] Resolved"
    )
    assert f"followed as {known.reference}" in mail.get().body


def test_backlog_page_adds_and_updates_items(signed_in, primary, on_shift):
    signed_in.post(
        "/backlog/",
        {"team": "ads", "title": "Screencast", "kind": "low_hanging_fruit", "estimate_hours": "2"},
    )
    item = Improvement.objects.get()
    assert "Screencast" in signed_in.get("/backlog/").content.decode()
    signed_in.post(f"/backlog/{item.pk}/", {"status": "done"})
    item.refresh_from_db()
    assert item.status == "done"
    response = signed_in.post(
        "/backlog/",
        {"team": "ads", "title": "Huge", "kind": "low_hanging_fruit", "estimate_hours": "40"},
        follow=True,
    )
    assert "low-hanging-fruit limit" in response.content.decode()


def test_requester_text_is_escaped_on_every_page(signed_in, on_shift, open_team, client):
    inquiry = inquiry_through_intake(open_team, subject=SCRIPT, body=SCRIPT, requester_name=SCRIPT)
    pages = [
        "/",
        "/inquiries/",
        f"/inquiries/{inquiry.reference}/",
        f"/track/{inquiry.tracking_token}/",
        "/dashboard/queue/",
    ]
    for url in pages:
        html = signed_in.get(url).content.decode()
        assert SCRIPT not in html, url
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html, url


@pytest.mark.django_db
def test_inquiry_page_links_its_postmortem_and_offers_to_write_one(client, primary):
    from inquiries import services

    inquiry = services.inquiry_create(
        team=primary.team,
        subject="Exam down",
        body="All fail",
        requester_name="Ana",
        requester_email="ana@example.org",
    )
    services.inquiry_update_triage(inquiry=inquiry, actor=primary.user, data={"serious": True})
    services.inquiry_resolve(inquiry=inquiry, actor=primary.user, kind="workaround", reply="Fixed for now.")
    client.force_login(primary.user)
    page = client.get(f"/inquiries/{inquiry.reference}/").content.decode()
    postmortem = inquiry.postmortems.get()
    assert f"/postmortems/{postmortem.pk}/" in page
    assert f"/postmortems/new/?team=ads&amp;inquiry={inquiry.reference}" in page
