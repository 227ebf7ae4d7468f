import pytest

from inquiries import services
from inquiries.models import Escalation, Event, Improvement, Inquiry

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"


@pytest.fixture
def signed_in(client, primary):
    client.force_login(primary.user)
    return client


def _fill(make_inquiry, primary, teammate, rows):
    for n in range(rows):
        inquiry = make_inquiry(subject=f"Question {n}")
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
    signed_in, primary, teammate, on_shift, make_inquiry, rows, django_assert_max_num_queries
):
    _fill(make_inquiry, primary, teammate, rows)
    # session, user (with the viewer's zone), queue, teams (with the next Primary's id), shifts now, next
    # Primaries, unassigned, escalations, low-hanging fruit, my next shift, unread count: the same at 5
    # and at 50 rows, and the same whatever the number of teams (no query per team).
    with django_assert_max_num_queries(11):
        response = signed_in.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Question 0" in page and "Fix 4" in page
    assert page.count('class="ref"') >= rows


@pytest.mark.parametrize("rows", [5, 50])
def test_inquiry_list_query_count_is_constant(
    signed_in, primary, teammate, on_shift, make_inquiry, rows, django_assert_max_num_queries
):
    _fill(make_inquiry, primary, teammate, rows)
    # session, user, teams, count, page, unread count.
    with django_assert_max_num_queries(6):
        response = signed_in.get("/inquiries/")
    assert response.status_code == 200
    assert response.content.decode().count("3 min") == rows


def test_queue_fragment_is_sorted_by_response_deadline(signed_in, on_shift, make_inquiry):
    import datetime as dt

    from django.utils import timezone

    late, soon = make_inquiry(subject="Late one"), make_inquiry(subject="Soon one")
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


def test_similar_past_inquiries_are_offered_as_known_issues(signed_in, on_shift, make_inquiry):
    make_inquiry(subject="Kernel dies loading dataset", body="Jupyter kernel crashes")
    current = make_inquiry(subject="Jupyter kernel dies", body="loading the dataset")
    page = signed_in.get(f"/inquiries/{current.reference}/").content.decode()
    assert "Link as known issue" in page and "ADS-1" in page
    signed_in.post(f"/inquiries/{current.reference}/link-known/", {"known_issue": "ADS-1"})
    current.refresh_from_db()
    assert (current.status, current.resolution_kind, current.known_issue.reference) == (
        "resolved",
        "known_issue",
        "ADS-1",
    )


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


def test_requester_text_is_escaped_on_every_page(signed_in, on_shift, make_inquiry, client):
    inquiry = make_inquiry(subject=SCRIPT, body=SCRIPT, requester_name=SCRIPT)
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
