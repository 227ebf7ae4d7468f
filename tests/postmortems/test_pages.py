import pytest

from inquiries import services as inquiry_services
from postmortems import services
from postmortems.models import Postmortem, Recommendation
from tests.factories import inquiry_through_intake

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"


@pytest.fixture
def signed_in(client, primary):
    client.force_login(primary.user)
    return client


def test_list_shows_the_teams_postmortems_and_filters_by_status(signed_in, draft, primary):
    page = signed_in.get("/postmortems/").content.decode()
    assert draft.title in page and f"/postmortems/{draft.pk}/" in page
    assert draft.title not in signed_in.get("/postmortems/?status=in_review").content.decode()


def test_outsider_gets_404_on_pages(client, draft, outsider):
    client.force_login(outsider.user)
    assert client.get(f"/postmortems/{draft.pk}/").status_code == 404
    assert client.post(f"/postmortems/{draft.pk}/submit/").status_code == 404
    assert client.get("/postmortems/agenda/?team=ads").status_code == 404
    assert client.get("/postmortems/agenda.md?team=ads").status_code == 404
    assert draft.title not in client.get("/postmortems/").content.decode()
    assert Postmortem.objects.get(pk=draft.pk).status == "draft"


def test_new_postmortem_from_selected_inquiries(signed_in, on_shift, team):
    first, second = (
        inquiry_through_intake(team, subject="Kernel dies"),
        inquiry_through_intake(team, subject="Kernel dies again"),
    )
    form = signed_in.get("/postmortems/new/?team=ads").content.decode()
    assert first.reference in form and "Kernel dies again" in form
    response = signed_in.post(
        "/postmortems/new/",
        {"team": "ads", "inquiries": [first.reference, second.reference], "title": "Kernels"},
    )
    postmortem = Postmortem.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/postmortems/{postmortem.pk}/"
    assert postmortem.title == "Kernels" and postmortem.inquiries.count() == 2


def test_new_postmortem_without_inquiries_says_why(signed_in, inquiry):
    response = signed_in.post("/postmortems/new/", {"team": "ads", "title": "Nothing"})
    assert response.status_code == 400 and "at least one inquiry" in response.content.decode()
    assert not Postmortem.objects.exists()


def test_every_form_on_the_detail_page_works(signed_in, draft, primary, manager, teammate, on_shift, team):
    url = f"/postmortems/{draft.pk}/"
    page = signed_in.get(url).content.decode()
    for action in ("edit", "link", "milestone-add", "milestone-edit", "recommendation-add", "submit"):
        assert f"{url}{action}/" in page
    signed_in.post(url + "edit/", {"title": "Kernel crash", "summary": "OOM", "impact": "2 courses"})
    other = inquiry_through_intake(team, subject="Related")
    signed_in.post(url + "link/", {"reference": other.reference})
    signed_in.post(url + "unlink/", {"reference": other.reference})
    signed_in.post(url + "milestone-add/", {"at": "2026-03-02T14:05", "description": "Hub restarted"})
    added = draft.milestones.get(description="Hub restarted")
    assert added.at.isoformat() == "2026-03-02T13:05:00+00:00"  # 14:05 in Zurich
    signed_in.post(url + "milestone-edit/", {"milestone": added.pk, "at": "", "description": "Hub rebooted"})
    signed_in.post(url + "milestone-delete/", {"milestone": added.pk})
    signed_in.post(
        url + "recommendation-add/", {"description": "FAQ", "owner": teammate.pk, "due_date": "2026-04-01"}
    )
    rec = Recommendation.objects.get()
    signed_in.post(
        url + "recommendation-edit/",
        {"recommendation": rec.pk, "description": "FAQ entry", "owner": "", "due_date": "", "status": "done"},
    )
    signed_in.post(
        url + "backlog/", {"recommendation": rec.pk, "kind": "low_hanging_fruit", "estimate_hours": "1"}
    )
    signed_in.post(url + "submit/")
    draft.refresh_from_db()
    rec.refresh_from_db()
    assert (draft.title, draft.summary, draft.impact, draft.status) == (
        "Kernel crash",
        "OOM",
        "2 courses",
        "in_review",
    )
    assert list(draft.inquiries.all()) != [] and other not in draft.inquiries.all()
    assert not draft.milestones.filter(description__startswith="Hub").exists()
    assert (rec.description, rec.owner, rec.due_date, rec.status) == ("FAQ entry", None, None, "done")
    assert rec.improvement is not None

    signed_in.force_login(manager.user)
    signed_in.post(url + "discuss/", {"meeting_date": "2026-03-04"})
    signed_in.post(url + "close/")
    draft.refresh_from_db()
    assert draft.status == "closed"
    closed_page = signed_in.get(url).content.decode()
    assert f"{url}edit/" not in closed_page and f"{url}reopen/" in closed_page
    signed_in.post(url + "reopen/")
    assert Postmortem.objects.get(pk=draft.pk).status == "draft"


def test_illegal_move_from_the_page_shows_the_state(signed_in, draft, manager):
    signed_in.force_login(manager.user)
    response = signed_in.post(f"/postmortems/{draft.pk}/close/", follow=True)
    assert "Cannot close a postmortem that is draft" in response.content.decode()
    response = signed_in.post(f"/postmortems/{draft.pk}/edit/", {"title": ""}, follow=True)
    assert "Title cannot be empty" in response.content.decode()


def test_developer_cannot_discuss_from_the_page(signed_in, draft, primary):
    services.postmortem_submit(postmortem=draft, actor=primary.user)
    response = signed_in.post(
        f"/postmortems/{draft.pk}/discuss/", {"meeting_date": "2026-03-04"}, follow=True
    )
    assert "Only managers" in response.content.decode()
    assert Postmortem.objects.get(pk=draft.pk).status == "in_review"


def test_detail_shows_effort_and_people(signed_in, draft, inquiry, primary, teammate):
    inquiry_services.effort_log(inquiry=inquiry, actor=primary.user, minutes=60)
    inquiry_services.effort_log(inquiry=inquiry, actor=teammate.user, minutes=30)
    page = signed_in.get(f"/postmortems/{draft.pk}/").content.decode()
    assert "<strong>1.5 h</strong>" in page and "Pat" in page and "Tom" in page


def test_agenda_page_renders_markdown_and_offers_a_download(signed_in, draft, primary, teammate):
    services.recommendation_add(
        postmortem=draft, actor=primary.user, data={"description": "Raise the limit", "owner": teammate.pk}
    )
    services.postmortem_update(postmortem=draft, actor=primary.user, data={"summary": "The hub *ran out*."})
    services.postmortem_submit(postmortem=draft, actor=primary.user)
    page = signed_in.get("/postmortems/agenda/?team=ads").content.decode()
    assert f"<h2>1. {draft.title}</h2>" in page
    assert "<p>The hub <em>ran out</em>.</p>" in page
    assert "Raise the limit — owner: Tom, <strong>no due date</strong>" in page
    assert 'href="/postmortems/agenda.md?team=ads"' in page
    download = signed_in.get("/postmortems/agenda.md?team=ads")
    assert download["Content-Type"].startswith("text/markdown")
    assert 'attachment; filename="postmortem-agenda-ads.md"' == download["Content-Disposition"]
    assert download.content.decode().startswith("# Postmortem review — Applied Data Science")


def test_script_in_title_and_summary_stays_inert_on_the_agenda(signed_in, draft, primary):
    services.postmortem_update(
        postmortem=draft,
        actor=primary.user,
        data={
            "title": f"Crash {SCRIPT}",
            "summary": f"{SCRIPT}\n\n<img src=x onerror=alert(1)> [click](javascript:alert(1))",
        },
    )
    services.postmortem_submit(postmortem=draft, actor=primary.user)
    page = signed_in.get("/postmortems/agenda/?team=ads").content.decode()
    agenda = page.split('data-testid="agenda" data-zone="team">', 1)[1].split("</article>", 1)[0]
    assert "<script" not in agenda and "<img" not in agenda and "javascript:" not in agenda
    assert "<h2>1. Crash &lt;script&gt;alert('x')&lt;/script&gt;</h2>" in agenda
    assert "<p>&lt;script&gt;alert('x')&lt;/script&gt;</p>" in agenda
    assert "&lt;img src=x onerror=alert(1)&gt;" in agenda
    assert '<a rel="noopener noreferrer">click</a>' in agenda
    detail = signed_in.get(f"/postmortems/{draft.pk}/").content.decode()
    assert SCRIPT not in detail and "Crash &lt;script&gt;" in detail


@pytest.mark.parametrize("rows", [3, 30])
def test_list_page_query_count_is_constant(
    signed_in,
    primary,
    on_shift,
    team,
    rows,
    django_assert_max_num_queries,
):
    inquiry = inquiry_through_intake(team)
    for _ in range(rows):
        services.postmortem_create(team=inquiry.team, actor=primary.user, inquiries=[inquiry])
    # session, user, teams, count, page, inquiries, unread notifications.
    with django_assert_max_num_queries(7):
        response = signed_in.get("/postmortems/")
    assert response.status_code == 200 and response.content.decode().count(inquiry.reference) >= rows
