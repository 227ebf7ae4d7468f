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
