import pytest

from notices.models import Notification
from supportops.notifications import notify

pytestmark = pytest.mark.django_db


def test_inbox_api_lists_only_my_notifications_and_marks_one_read(as_member, primary, teammate):
    mine = notify(recipient=primary.user, kind="assigned", title="ADS-1 assigned to you", email=False)
    notify(recipient=teammate.user, kind="assigned", title="ADS-2 assigned to you", email=False)
    client = as_member(primary)
    results = client.get("/api/v1/notifications/").json()["results"]
    assert [(n["title"], n["read"]) for n in results] == [("ADS-1 assigned to you", False)]
    assert client.post(f"/api/v1/notifications/{mine.pk}/read/").json()["read"] is True
    assert client.get("/api/v1/notifications/?unread=true").json()["count"] == 0


def test_someone_elses_notification_is_404(as_member, primary, teammate):
    theirs = notify(recipient=teammate.user, kind="assigned", title="x", email=False)
    assert as_member(primary).post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_inbox_page_shows_unread_count_and_marks_all_read(client, primary):
    notify(recipient=primary.user, kind="handoff_digest", title="3 inquiries handed to you", email=False)
    client.force_login(primary.user)
    page = client.get("/inbox/").content.decode()
    assert "3 inquiries handed to you" in page and 'data-testid="unread-count">1<' in page
    client.post("/inbox/read/")
    assert not Notification.objects.filter(recipient=primary.user, read_at__isnull=True).exists()


@pytest.fixture
def seven(primary):
    """Seven notifications, four of them made at the very same instant (ties broken by id)."""
    from django.utils import timezone

    made = [notify(recipient=primary.user, kind="assigned", title=f"N{n}", email=False) for n in range(7)]
    Notification.objects.filter(pk__in=[n.pk for n in made[1:5]]).update(created_at=timezone.now())
    return [
        n.title for n in Notification.objects.filter(recipient=primary.user).order_by("-created_at", "-id")
    ]


def test_inbox_pages_visit_every_notification_once_newest_first(
    as_member, client, primary, seven, monkeypatch
):
    """Keyset pages (notices.inbox): `next` and `previous` links walk the inbox both ways, each
    notification once, in order; counts stop at COUNT_CAP; `?page=N` still works; a mangled cursor is a
    400 in the API and the newest page on the inbox page."""
    from notices import inbox

    api = as_member(primary)
    seen, url, body = [], "/api/v1/notifications/?page_size=3", None
    while url:
        body = api.get(url).json()
        seen, url = seen + [n["title"] for n in body["results"]], body["next"]
    assert seen == seven and (body["count"], body["count_capped"]) == (7, False)
    back, url = [], body["previous"]
    while url:
        page = api.get(url).json()
        back, url = [n["title"] for n in page["results"]] + back, page["previous"]
    assert back == seven[:6]
    numbered = api.get("/api/v1/notifications/?page_size=3&page=2").json()
    assert [n["title"] for n in numbered["results"]] == seven[3:6]
    assert api.get("/api/v1/notifications/?cursor=nonsense").status_code == 400
    monkeypatch.setattr(inbox, "COUNT_CAP", 5)
    assert api.get("/api/v1/notifications/").json()["count"] == 5
    assert api.get("/api/v1/notifications/").json()["count_capped"] is True

    monkeypatch.setattr(inbox, "PAGE_SIZE", 4)
    client.force_login(primary.user)
    first = client.get("/inbox/")
    assert [n.title for n in first.context["page"].rows] == seven[:4]
    assert "5+ notifications" in first.content.decode()
    older = client.get("/inbox/", {"cursor": first.context["page"].next_cursor}).context["page"]
    assert [n.title for n in older.rows] == seven[4:] and older.previous_cursor and not older.next_cursor
    assert [n.title for n in client.get("/inbox/?cursor=a.x.1").context["page"].rows] == seven[:4]


def test_the_unread_badge_counts_to_a_cap(client, primary, seven, monkeypatch):
    from notices import inbox

    client.force_login(primary.user)
    assert 'data-testid="unread-count">7<' in client.get("/inbox/").content.decode()
    monkeypatch.setattr(inbox, "UNREAD_CAP", 5)
    assert 'data-testid="unread-count">5+<' in client.get("/inbox/").content.decode()
    client.post("/inbox/read/")
    assert 'data-testid="unread-count"' not in client.get("/inbox/").content.decode()
