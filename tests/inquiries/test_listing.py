"""Inquiry lists in keyset pages (newest first, stable under ties), capped counts, indexed search and
the lazily loaded "similar inquiries" fragment."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inquiries import listing
from inquiries.models import Inquiry
from tests.factories import inquiry_through_intake, make_inquiry


@pytest.fixture
def seven(open_team):
    """Seven inquiries, four of them received at the very same instant (ties broken by id)."""
    made = [inquiry_through_intake(open_team, subject=f"Question {n}") for n in range(7)]
    same = timezone.now() - dt.timedelta(hours=1)
    Inquiry.objects.filter(pk__in=[i.pk for i in made[1:5]]).update(received_at=same)
    expected = list(Inquiry.objects.order_by("-received_at", "-id").values_list("reference", flat=True))
    return expected


def _walk(client, url, key):
    seen, pages = [], 0
    while url:
        body = client.get(url).json()
        seen += [r["reference"] for r in body["results"]]
        url, pages = body[key], pages + 1
        assert pages < 10
    return seen, body


def test_api_cursor_pages_visit_every_inquiry_once_in_order(as_member, primary, seven):
    client = as_member(primary)
    forward, last = _walk(client, "/api/v1/inquiries/?page_size=3", "next")
    assert forward == seven
    assert last["count"] == 7 and last["count_capped"] is False
    backward = []
    url = last["previous"]
    while url:
        body = client.get(url).json()
        backward = [r["reference"] for r in body["results"]] + backward
        url = body["previous"]
    assert backward == seven[:6]  # every page before the last one, same order


def test_api_page_numbers_still_work(as_member, primary, seven):
    client = as_member(primary)
    body = client.get("/api/v1/inquiries/?page_size=3&page=2").json()
    assert [r["reference"] for r in body["results"]] == seven[3:6]
    assert "page=3" in body["next"] and "page=1" in body["previous"]


def test_bad_cursor_is_400_in_the_api_and_the_first_page_on_the_list(as_member, primary, client, seven):
    response = as_member(primary).get("/api/v1/inquiries/?cursor=nonsense")
    assert response.status_code == 400 and "cursor" in str(response.json())
    assert as_member(primary).get("/api/v1/inquiries/?page=0").status_code == 400
    client.force_login(primary.user)
    page = client.get("/inquiries/?cursor=bogus").content.decode()
    assert seven[0] in page


def test_list_page_links_older_and_newer_pages(client, primary, seven, monkeypatch):
    monkeypatch.setattr("inquiries.views.inquiries.PAGE_SIZE", 3)
    client.force_login(primary.user)
    first = client.get("/inquiries/?status=open")
    older = first.context["page"].next_cursor
    assert [i.reference for i in first.context["page"]] == seven[:3]
    second = client.get(f"/inquiries/?status=open&cursor={older}")
    assert [i.reference for i in second.context["page"]] == seven[3:6]
    assert "status=open&amp;cursor=" in second.content.decode()
    newer = client.get(f"/inquiries/?status=open&cursor={second.context['page'].previous_cursor}")
    assert [i.reference for i in newer.context["page"]] == seven[:3]


def test_counts_are_capped(client, as_member, primary, seven, monkeypatch):
    monkeypatch.setattr(listing, "COUNT_CAP", 5)
    client.force_login(primary.user)
    assert "5+ matching" in client.get("/inquiries/").content.decode()
    body = as_member(primary).get("/api/v1/inquiries/").json()
    assert body["count_capped"] is True and body["count"] == 5
    assert as_member(primary).get("/api/v1/inquiries/?page_size=2").json()["next"]


@pytest.mark.parametrize("narrow", [2000, 0], ids=["rows tested one by one", "search indexes"])
@pytest.mark.parametrize("cap", [5, 1000], ids=["more matches than the cap", "fewer"])
def test_search_pages_visit_every_match_once_in_order(
    client, as_member, primary, seven, monkeypatch, cap, narrow
):
    """A search pages by how many rows match (inquiries.listing.search_matches): more than the cap walk
    the list in order, fewer are read by id; the pages, links and counts are the same either way, and
    whether the team's few rows are tested one by one (NARROW_WALK) or found through the indexes."""
    monkeypatch.setattr(listing, "COUNT_CAP", cap)
    monkeypatch.setattr(listing, "NARROW_WALK", narrow)
    api = as_member(primary)
    forward, last = _walk(api, "/api/v1/inquiries/?search=question&page_size=3", "next")
    assert forward == seven
    assert (last["count"], last["count_capped"]) == ((5, True) if cap == 5 else (7, False))
    backward, url = [], last["previous"]
    while url:
        body = api.get(url).json()
        backward, url = [r["reference"] for r in body["results"]] + backward, body["previous"]
    assert backward == seven[:6]
    numbered = api.get("/api/v1/inquiries/?search=question&page_size=3&page=2").json()
    assert [r["reference"] for r in numbered["results"]] == seven[3:6]
    assert numbered["count"] == last["count"]
    monkeypatch.setattr("inquiries.views.inquiries.PAGE_SIZE", 3)
    client.force_login(primary.user)
    page = client.get("/inquiries/?search=question&sort=oldest").context["page"]
    assert [i.reference for i in page] == seven[::-1][:3]
    newest_first = client.get("/inquiries/?search=question&sort=-priority").context["page"]
    assert len(newest_first) == 3 and newest_first.next_cursor
    assert as_member(primary).get("/api/v1/inquiries/?search=nobody-like-this").json()["count"] == 0


@pytest.mark.postgres
@pytest.mark.parametrize("many", [-1, 1000], ids=["expected to match many", "expected to match few"])
def test_a_search_expected_to_match_many_counts_to_the_search_cap(
    client, as_member, primary, seven, monkeypatch, many
):
    """The planner's estimate picks the count's cap (inquiries.listing.search_matches): a search expected
    to match more than SEARCH_MANY rows counts to SEARCH_CAP and says there are more ("3+"); the pages
    visit every match once in order either way."""
    monkeypatch.setattr(listing, "SEARCH_MANY", many)
    monkeypatch.setattr(listing, "SEARCH_CAP", 3)
    monkeypatch.setattr(listing, "NARROW_WALK", 0)  # seven rows: else each is tested, counted exactly
    api = as_member(primary)
    forward, last = _walk(api, "/api/v1/inquiries/?search=question&page_size=2", "next")
    assert forward == seven
    assert (last["count"], last["count_capped"]) == ((3, True) if many < 0 else (7, False))
    client.force_login(primary.user)
    page = client.get("/inquiries/?search=question").content.decode()
    assert ("3+ matching" in page) == (many < 0) and ("7 matching" in page) == (many > 0)
    assert api.get("/api/v1/inquiries/?search=nobody-like-this").json()["count"] == 0


def _page_statement(statements: list[str]) -> str:
    """The statement that reads a list's rows with their columns (not the ids, counts or estimates)."""
    shown = [
        sql
        for sql in statements
        if sql.startswith('SELECT "inquiries_inquiry"."id", "inquiries_inquiry"."team_id"')
    ]
    assert len(shown) == 1, statements
    return shown[0]


@pytest.mark.postgres
def test_a_frequent_search_takes_its_first_page_and_its_count_from_one_walk(
    as_member, primary, seven, monkeypatch
):
    """A search expected to match many rows whose words the statistics know (ANALYZE: 'question' is in
    every row) takes its first page's rows and its capped count from one walk down the list
    (inquiries.listing._newest_or_ids): the page then reads those rows by id, without testing the search
    on the rows of the list again; a later page walks the list as before."""
    monkeypatch.setattr(listing, "SEARCH_MANY", -1)
    monkeypatch.setattr(listing, "SEARCH_CAP", 3)
    monkeypatch.setattr(listing, "SEARCH_WALK_FROM", 0)
    monkeypatch.setattr(listing, "NARROW_WALK", 0)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Inquiry._meta.db_table}")
    api = as_member(primary)
    with CaptureQueriesContext(connection) as queries:
        body = api.get("/api/v1/inquiries/?search=question&page_size=2").json()
    assert [r["reference"] for r in body["results"]] == seven[:2]
    assert (body["count"], body["count_capped"]) == (3, True)
    statements = [q["sql"] for q in queries.captured_queries]
    assert sum(sql.startswith("WITH newest AS MATERIALIZED") for sql in statements) == 1
    page = _page_statement(statements)
    assert "search_vector" not in page and "= ANY(" in page
    with CaptureQueriesContext(connection) as queries:
        later = api.get(body["next"]).json()
    assert [r["reference"] for r in later["results"]] == seven[2:4]
    assert "search_vector" in _page_statement([q["sql"] for q in queries.captured_queries])
    # An absent word is not walked for: its count is the word index's (0).
    assert api.get("/api/v1/inquiries/?search=question nobodyword").json()["count"] == 0


@pytest.mark.postgres
def test_a_first_page_of_matches_read_by_id_reads_only_its_own_ids(as_member, primary, seven):
    """Fewer matches than the cap are read by id; a first page reads only its `page_size + 1` newest,
    as one array parameter (`id = ANY(...)`), not every match in an IN list."""
    with CaptureQueriesContext(connection) as queries:
        body = as_member(primary).get("/api/v1/inquiries/?search=question&page_size=2").json()
    assert [r["reference"] for r in body["results"]] == seven[:2]
    assert (body["count"], body["count_capped"]) == (7, False)
    page = _page_statement([q["sql"] for q in queries.captured_queries])
    ids = re.search(r"= ANY\(ARRAY\[([0-9, ]+)\]", page)
    assert ids and len(ids.group(1).split(",")) == 3


def test_effort_is_summed_for_the_rows_of_the_page(as_member, primary, open_team):
    from inquiries import services

    first, second = inquiry_through_intake(open_team), inquiry_through_intake(open_team)
    services.effort_log(inquiry=first, actor=primary.user, minutes=10)
    services.effort_log(inquiry=first, actor=primary.user, minutes=15)
    rows = as_member(primary).get("/api/v1/inquiries/").json()["results"]
    assert {r["reference"]: r["effort_minutes"] for r in rows} == {first.reference: 25, second.reference: 0}


def test_search_words_references_names_and_emails_within_my_teams(
    as_member,
    primary,
    open_team,
    other_team,
):
    kernel = inquiry_through_intake(
        open_team, subject="Kernel crashes on load", requester_name="Ada Lovelace"
    )
    inquiry_through_intake(
        open_team,
        subject="Certificate typo",
        body="My name is misspelt.",
        requester_email="bob@example.org",
        requester_name="Bob Stone",
    )
    inquiry_through_intake(other_team, subject="Kernel crashes too", requester_name="Ada Lovelace")
    client = as_member(primary)

    def refs(term):
        body = client.get("/api/v1/inquiries/", {"search": term}).json()
        return sorted(r["reference"] for r in body["results"])

    assert refs("kernel") == [kernel.reference]
    assert refs("LOVELACE") == [kernel.reference]
    assert refs("ovela") == [kernel.reference]  # part of a name
    assert refs("bob@example.org") == ["ADS-2"]
    assert refs("ads-2") == ["ADS-2"]
    assert refs("50%") == [] and refs("_") == []
    if settings.IS_POSTGRES:
        assert refs("crashing kernels") == [kernel.reference]  # stemmed, every word
        assert refs('"certificate typo"') == ["ADS-2"]


@pytest.mark.postgres
def test_a_name_is_found_by_its_words_in_any_order(as_member, primary, open_team):
    """Names are indexed with the configuration they are searched with (migration inquiries/0014): the
    word arm finds "ada lovelace" in "Lovelace, Ada", which no substring of the name matches."""
    turned = inquiry_through_intake(open_team, subject="Kernel crashes", requester_name="Lovelace, Ada")
    inquiry_through_intake(open_team, subject="Kernel crashes", requester_name="Ada Hopper")
    body = as_member(primary).get("/api/v1/inquiries/", {"search": "ada lovelace"}).json()
    assert [r["reference"] for r in body["results"]] == [turned.reference]


@pytest.mark.postgres
def test_a_reference_fragment_matches_as_a_whole_though_the_index_is_asked_for_its_number(
    as_member, primary, open_team, other_team
):
    """The trigram index is asked for the fragment's digits only (inquiries.listing._search_arms); every
    row found is checked against the whole fragment, so a number alone or another prefix is no match."""
    for number in (1234, 12345, 9123, 41230):
        make_inquiry(open_team, number=number, reference=f"ADS-{number}")
    make_inquiry(open_team, number=77, reference="XYZ-1234")  # an older prefix of the team
    make_inquiry(other_team, number=1234, reference="ADS-1234")  # another team's
    client = as_member(primary)

    def refs(term):
        body = client.get("/api/v1/inquiries/", {"search": term}).json()
        return sorted(r["reference"] for r in body["results"])

    assert refs("ads-123") == ["ADS-1234", "ADS-12345"]
    assert refs("S-1234") == ["ADS-1234", "ADS-12345"]
    assert refs("z-123") == ["XYZ-1234"]
    assert refs("1234") == ["ADS-1234", "ADS-12345", "XYZ-1234"]
    assert refs("s-912") == ["ADS-9123"]
    assert refs("X-4123") == []  # ADS-41230 has the digits, not the fragment


def test_similar_fragment_is_team_scoped(client, primary, outsider, on_shift, open_team):
    inquiry_through_intake(open_team, subject="Kernel dies loading dataset", body="Jupyter kernel crashes")
    current = inquiry_through_intake(open_team, subject="Jupyter kernel dies", body="loading the dataset")
    client.force_login(outsider.user)
    assert client.get(f"/inquiries/{current.reference}/similar/").status_code == 404
    client.force_login(primary.user)
    fragment = client.get(f"/inquiries/{current.reference}/similar/").content.decode()
    assert "ADS-1" in fragment and "<html" not in fragment


def test_a_search_the_planner_proves_empty_is_an_empty_page_not_an_error(as_member, primary, seven):
    """Found by schemathesis: filters that exclude each other and a one-letter word — the planner drops the
    parts of its estimate it proves empty (listing._estimates), which then read each part on its own."""
    url = (
        "/api/v1/inquiries/?channel=web&assignee=C%F0%A6%85%92%C3%BA%7D&priority=high&overdue=true"
        "&search=%C3%A9&status=waiting&team=%C2%AF%F0%AE%B2%97G&topic="
    )
    response = as_member(primary).get(url)
    assert response.status_code in (200, 400), response.content[:300]
    if response.status_code == 200:
        assert response.json()["results"] == []


@pytest.mark.postgres
@pytest.mark.parametrize("walk", [2000, 2], ids=["few open rows", "more open rows than the walk"])
def test_a_search_among_few_open_inquiries_tests_each_instead_of_the_indexes(
    client, as_member, primary, open_team, monkeypatch, walk
):
    """The list page's default (open inquiries) narrows a search to few rows at any size of history: they
    are tested one by one (listing._narrowed_matches: one statement, no word or trigram index read), and
    every match is found and counted as the indexes find it. More rows than the walk (or too costly to
    read one by one: NARROW_COST) go through the indexes, with the same rows."""
    monkeypatch.setattr(listing, "NARROW_WALK", walk)
    made = [
        inquiry_through_intake(open_team, subject="Kernel dies", body="Hi", requester_name="Lovelace, Ada"),
        inquiry_through_intake(open_team, subject="Login", body="Hi", requester_name="Ada Lovelace"),
        inquiry_through_intake(open_team, subject="Kernel dies", body="Hi", requester_name="Ada Hopper"),
        inquiry_through_intake(open_team, subject="Quota", body="Hi", requester_email="ada@example.org"),
        make_inquiry(open_team, status="resolved", subject="Kernel dies", requester_name="Ada Lovelace"),
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Inquiry._meta.db_table}")
    client.force_login(primary.user)
    api = as_member(primary)
    cases = {
        "ada lovelace": [made[1], made[0]],  # words in any order; the resolved one is not open
        "ovelac": [made[1], made[0]],  # part of a name
        "kernel": [made[2], made[0]],
        "ada@example.org": [made[3]],
        made[3].reference.lower(): [made[3]],
        "nobody": [],
    }
    for term, expected in cases.items():
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/inquiries/", {"search": term}).context["page"]
        statements = [q["sql"] for q in queries.captured_queries]
        assert sum(sql.startswith("WITH walked AS") for sql in statements) == (walk > 2), term
        # The search indexes are read only when the rows are not tested one by one.
        indexed = [sql for sql in statements if "search_vector @@" in sql and "supportops_plan" not in sql]
        assert len(indexed) == (walk > 2) + (walk == 2), (term, indexed)
        assert [i.reference for i in page] == [i.reference for i in expected], term
        assert (page.count, page.count_capped) == (len(expected), False), term
        body = api.get("/api/v1/inquiries/", {"search": term, "status": "new"}).json()
        assert [r["reference"] for r in body["results"]] == [i.reference for i in expected], term
    monkeypatch.setattr(listing, "NARROW_COST", 0)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/inquiries/", {"search": "ada lovelace"}).context["page"]
    assert [i.reference for i in page] == [made[1].reference, made[0].reference]
    assert not any(q["sql"].startswith("WITH walked AS") for q in queries.captured_queries)

    # Where the planner's estimate was too low, the walk reads no more than it may and gives up.
    search = listing.Search(rows=Inquiry.objects.filter(team=open_team, status="new"), value="ada")
    assert listing._narrowed_matches(search, walk=4) is None
    assert sorted(pk for pk, _ in listing._narrowed_matches(search, walk=5)) == [i.pk for i in made[:3]]
