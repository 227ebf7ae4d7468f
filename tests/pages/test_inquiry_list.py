"""The inquiry list as a desk uses it: open by default, topic filter, oldest first, saved views, bulk."""

import pytest

from inquiries.models import Inquiry, SavedView
from inquiries.services import inquiry_resolve

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client, primary, on_shift, make_inquiry, topic):
    client.force_login(primary.user)
    first = make_inquiry(subject="First question")
    second = make_inquiry(subject="Second question", topic=topic)
    done = make_inquiry(subject="Settled question")
    inquiry_resolve(inquiry=done, actor=primary.user, kind="answered", note="ok")
    return {"first": first, "second": second, "done": done}


def _refs(response) -> list[str]:
    import re

    return re.findall(r'name="refs" value="([A-Z]+-\d+)"', response.content.decode())


def test_the_list_shows_open_inquiries_unless_asked_for_all(client, desk):
    assert _refs(client.get("/inquiries/")) == ["ADS-2", "ADS-1"]
    assert _refs(client.get("/inquiries/", {"status": "all"})) == ["ADS-3", "ADS-2", "ADS-1"]
    assert _refs(client.get("/inquiries/", {"status": "resolved"})) == ["ADS-3"]


def test_topic_filter_and_oldest_first(client, desk, topic):
    assert _refs(client.get("/inquiries/", {"topic": topic.pk})) == ["ADS-2"]
    assert _refs(client.get("/inquiries/", {"sort": "oldest", "status": "all"})) == [
        "ADS-1",
        "ADS-2",
        "ADS-3",
    ]


def test_oldest_first_pages_walk_forward_without_gaps(client, desk, make_inquiry, monkeypatch):
    for n in range(5):
        make_inquiry(subject=f"More {n}")
    monkeypatch.setattr("inquiries.views.inquiries.PAGE_SIZE", 3)
    seen, params = [], {"sort": "oldest", "status": "all"}
    for _ in range(5):
        response = client.get("/inquiries/", params)
        seen += _refs(response)
        import re

        cursor = re.search(r'cursor=([\w-]+)" data-testid="older"', response.content.decode())
        if not cursor:
            break
        params = {**params, "cursor": cursor.group(1)}
    assert seen == [f"ADS-{n}" for n in range(1, 9)]


def test_a_saved_view_is_the_persons_own(client, desk, teammate):
    response = client.post("/inquiries/views/", {"name": "Pandas", "query": "topic=1&cursor=abc&evil=1"})
    view = SavedView.objects.get()
    assert response.status_code == 302 and view.query == "topic=1"
    assert "Pandas" in client.get("/inquiries/").content.decode()
    assert client.post("/inquiries/views/", {"name": "Pandas", "query": ""}).status_code == 302
    assert SavedView.objects.count() == 1  # the same name twice is refused with a message
    client.force_login(teammate.user)
    assert client.post(f"/inquiries/views/{view.pk}/remove/").status_code == 404
    assert SavedView.objects.count() == 1


def test_bulk_assign_and_resolve_use_the_services_and_report_refusals(client, desk, teammate):
    client.post("/inquiries/bulk/", {"refs": ["ADS-1", "ADS-2"], "action": "assign", "member": teammate.pk})
    assert set(Inquiry.objects.filter(assignee=teammate).values_list("reference", flat=True)) == {
        "ADS-1",
        "ADS-2",
    }
    response = client.post(
        "/inquiries/bulk/",
        {"refs": ["ADS-1", "ADS-3"], "action": "resolve", "kind": "answered", "note": "bulk"},
        follow=True,
    )
    html = response.content.decode()
    assert "Resolved: ADS-1." in html and "ADS-3 not changed" in html
    assert Inquiry.objects.get(reference="ADS-1").status == "resolved"


def test_bulk_never_touches_another_teams_inquiries(client, desk, outsider):
    client.force_login(outsider.user)
    client.post("/inquiries/bulk/", {"refs": ["ADS-1"], "action": "resolve", "kind": "answered"})
    assert Inquiry.objects.get(reference="ADS-1").status == "new"
