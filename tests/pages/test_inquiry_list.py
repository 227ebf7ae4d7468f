"""The inquiry list as a desk uses it: open by default, topic filter, oldest first, saved views, bulk."""

import pytest

from inquiries.models import Inquiry, SavedView
from inquiries.services import inquiry_resolve
from tests.factories import inquiry_through_intake

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client, primary, on_shift, open_team, topic):
    client.force_login(primary.user)
    first = inquiry_through_intake(open_team, subject="First question")
    second = inquiry_through_intake(open_team, subject="Second question", topic=topic)
    done = inquiry_through_intake(open_team, subject="Settled question")
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


def test_oldest_first_pages_walk_forward_without_gaps(client, desk, open_team, monkeypatch):
    for n in range(5):
        inquiry_through_intake(open_team, subject=f"More {n}")
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


# -- sorting by a column -------------------------------------------------------------------------------

PRIORITY_RANKS = {"critical": 0, "high": 1, "normal": 2, "low": 3}
STATUS_RANKS = {"new": 0, "responded": 1, "waiting": 2, "resolved": 3}


@pytest.fixture
def mixed(team, primary):
    """40 inquiries with every priority and status, ties in every sort key, some without a deadline."""
    import datetime as dt
    import random

    from django.utils import timezone

    from tests.factories import InquiryFactory

    rng = random.Random(14)
    start = timezone.now() - dt.timedelta(days=10)
    rows = []
    for n in range(1, 41):
        received = start + dt.timedelta(hours=rng.choice([1, 2, 3, 5, 8]) * rng.randint(1, 20))
        row = InquiryFactory.build(
            team=team,
            number=n,
            requester_name=rng.choice(["anna", "Bob", "bob", "carl", "Dora", "eve"]),
            priority=rng.choice(list(PRIORITY_RANKS)),
            status=rng.choice(list(STATUS_RANKS)),
            received_at=received,
        )
        if rng.random() < 0.2:
            row.response_due_at = None
        rows.append(row)
    Inquiry.objects.bulk_create(rows)
    for row in Inquiry.objects.filter(team=team):
        Inquiry.objects.filter(pk=row.pk).update(updated_at=start + dt.timedelta(hours=rng.randint(0, 9)))
    return list(Inquiry.objects.filter(team=team))


def _expected(rows, sort: str) -> list[str]:
    sort = {"newest": "-received", "oldest": "received"}.get(sort, sort)
    key = {
        "received": lambda i: (i.received_at, i.pk),
        "due": lambda i: (i.response_due_at is None, i.response_due_at or 0, i.pk),
        "priority": lambda i: (PRIORITY_RANKS[i.priority], i.received_at, i.pk),
        "status": lambda i: (STATUS_RANKS[i.status], i.received_at, i.pk),
        "updated": lambda i: (i.updated_at, i.pk),
        "requester": lambda i: (i.requester_name.lower(), i.pk),
    }[sort.removeprefix("-")]
    return [i.reference for i in sorted(rows, key=key, reverse=sort.startswith("-"))]


def _walk(client, params, link: str) -> tuple[list[str], str | None]:
    import re

    response = client.get("/inquiries/", params)
    assert response.status_code == 200
    html = response.content.decode()
    cursor = re.search(rf'cursor=([\w-]+)" data-testid="{link}"', html)
    return _refs(response), cursor.group(1) if cursor else None


@pytest.mark.parametrize(
    "sort",
    [
        "due",
        "-due",
        "priority",
        "-priority",
        "status",
        "-status",
        "updated",
        "-updated",
        "requester",
        "-requester",
    ],
)
def test_each_column_sort_pages_forward_and_back_in_order_without_gaps(
    client, primary, mixed, sort, monkeypatch
):
    monkeypatch.setattr("inquiries.views.inquiries.PAGE_SIZE", 7)
    client.force_login(primary.user)
    base = {"status": "all", "sort": sort}
    pages, cursor = [], None
    while True:
        refs, cursor = _walk(client, {**base, **({"cursor": cursor} if cursor else {})}, "older")
        pages.append(refs)
        if cursor is None:
            break
    assert [ref for page in pages for ref in page] == _expected(mixed, sort)
    # Back from the last page with the "previous" links: the same pages, in reverse.
    params = dict(base)
    for _ in range(len(pages) - 1):
        _, forward = _walk(client, params, "older")
        params = {**base, "cursor": forward}
    back = []
    for _ in range(len(pages)):
        refs, previous = _walk(client, params, "newer")
        back.append(refs)
        if previous is None:
            break
        params = {**base, "cursor": previous}
    assert back == pages[::-1]


def test_clicking_a_header_sorts_by_it_then_reverses_and_a_saved_view_keeps_the_sort(client, primary, mixed):
    import re

    client.force_login(primary.user)
    html = client.get("/inquiries/", {"status": "all"}).content.decode()
    first = re.search(r'href="\?([^"]+)" data-testid="sort-priority"', html).group(1).replace("&amp;", "&")
    assert "sort=priority" in first and "status=all" in first
    html = client.get(f"/inquiries/?{first}").content.decode()
    assert _refs_html(html)[:7] == _expected(mixed, "priority")[:7]
    again = re.search(r'href="\?([^"]+)" data-testid="sort-priority"', html).group(1).replace("&amp;", "&")
    assert "sort=-priority" in again and "Priority ▲" in html
    # Saving the view keeps the sort; opening it sorts the same way.
    query = re.search(r'name="query" value="([^"]*)"', html).group(1).replace("&amp;", "&")
    client.post("/inquiries/views/", {"name": "By priority", "query": query})
    view = SavedView.objects.get(name="By priority")
    assert "sort=priority" in view.query
    assert _refs(client.get(f"/inquiries/?{view.query}"))[:7] == _expected(mixed, "priority")[:7]


def test_a_cursor_of_another_sort_or_a_forged_one_starts_again_at_the_first_page(
    client, primary, mixed, monkeypatch
):
    monkeypatch.setattr("inquiries.views.inquiries.PAGE_SIZE", 7)
    client.force_login(primary.user)
    _, cursor = _walk(client, {"status": "all", "sort": "priority"}, "older")
    for bad in (cursor, "s" + "A" * 20, "garbage"):
        refs, _ = _walk(client, {"status": "all", "sort": "due", "cursor": bad}, "older")
        assert refs == _expected(mixed, "due")[:7]


def _refs_html(html: str) -> list[str]:
    import re

    return re.findall(r'name="refs" value="([A-Z]+-\d+)"', html)


@pytest.mark.parametrize(
    "sort, index",
    [
        ("due", "inquiry_team_due_id"),
        ("-priority", "inquiry_team_priority_id"),
        ("status", "inquiry_team_status_id"),
        ("-updated", "inquiry_team_updated_id"),
        ("requester", "inquiry_team_requester_id"),
    ],
)
def test_each_column_sort_walks_its_index_on_postgresql(client, team, primary, sort, index):
    """The page query of a member of one team reads the sort's index in order (an Index Cond on the
    cursor's row value), not a sort of the team's rows: the expressions in the query are the indexed ones."""
    import datetime as dt
    import json

    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from tests.factories import InquiryFactory

    if not settings.IS_POSTGRES:
        pytest.fail("a PostgreSQL test: run with DATABASE_URL set to PostgreSQL (CI does)")
    start = timezone.now() - dt.timedelta(days=400)
    Inquiry.objects.bulk_create(
        InquiryFactory.build(
            team=team,
            number=n,
            requester_name=f"learner {n % 97}",
            priority=["low", "normal", "high", "critical"][n % 4],
            status=["new", "responded", "waiting", "resolved"][n % 4],
            received_at=start + dt.timedelta(minutes=7 * n),
        )
        for n in range(1, 5001)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE inquiries_inquiry")
    client.force_login(primary.user)
    first = client.get("/inquiries/", {"status": "all", "sort": sort}).content.decode()
    import re

    cursor_value = re.search(r'cursor=([\w-]+)" data-testid="older"', first).group(1)
    with CaptureQueriesContext(connection) as queries:
        client.get("/inquiries/", {"status": "all", "sort": sort, "cursor": cursor_value})
    page = next(
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "inquiries_inquiry"' in q["sql"] and "LIMIT" in q["sql"] and "COUNT(" not in q["sql"]
    )
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + page)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    nodes, todo = [], [plan[0]["Plan"]]
    while todo:
        node = todo.pop()
        nodes.append(node)
        todo.extend(node.get("Plans", []))
    assert index in {n.get("Index Name") for n in nodes}, json.dumps(plan, indent=1)[:3000]
    assert "Sort" not in {n["Node Type"] for n in nodes}
    scan = next(n for n in nodes if n.get("Index Name") == index)
    # The cursor's (key..., id) bounds the index scan itself: a deep page costs what the first one does.
    assert "ROW(" in scan.get("Index Cond", "") and "Filter" not in scan, scan


def test_the_sort_menu_offers_every_order_for_a_phone_without_column_headers(client, primary, mixed):
    import re

    client.force_login(primary.user)
    html = client.get("/inquiries/", {"sort": "-status", "status": "all"}).content.decode()
    menu = html.split('data-testid="sort-select">', 1)[1].split("</select>", 1)[0]
    values = re.findall(r'<option value="([^"]+)"', menu)
    assert '<option value="-status" selected>' in menu and len(values) == 12
    for value in values:
        assert (
            _refs(client.get("/inquiries/", {"sort": value, "status": "all"}))[:5]
            == _expected(mixed, value)[:5]
        )
