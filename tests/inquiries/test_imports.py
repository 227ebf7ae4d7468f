"""Imports carry their history (SPEC 3.3, 4): original times and state, validated as a whole, and
past deadlines of imported inquiries notify nobody."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from inquiries.handoff import handoff_sweep
from inquiries.models import Event, Inquiry, SlaNotice
from inquiries.sla import sla_sweep
from notices.models import Notification, OutboundMessage
from reports.period import period_parse
from reports.selectors import response_times
from tests.factories import ShiftFactory

pytestmark = pytest.mark.django_db

BASE = {
    "team": "ads",
    "channel": "import",
    "subject": "Old question",
    "body": "From the old tool",
    "requester_name": "Old Timer",
    "requester_email": "old@example.org",
    "received_at": "2026-01-05T10:00:00+01:00",
}


def post(client, **fields):
    return client.post("/api/v1/inquiries/", {**BASE, **fields}, format="json")


def test_an_import_keeps_its_original_times_and_state(as_member, primary, teammate, on_shift):
    response = post(
        as_member(primary),
        responded_at="2026-01-05T11:30:00+01:00",
        resolved_at="2026-01-06T09:00:00+01:00",
        resolution_kind="answered",
        assignee=teammate.pk,
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["resolution_kind"], body["assignee"]) == (
        "resolved",
        "answered",
        teammate.pk,
    )
    inquiry = Inquiry.objects.get()
    assert inquiry.responded_at == dt.datetime(2026, 1, 5, 10, 30, tzinfo=dt.UTC)
    assert inquiry.resolved_at == dt.datetime(2026, 1, 6, 8, 0, tzinfo=dt.UTC)
    assert Event.objects.filter(inquiry=inquiry, kind="imported_status", to_value="resolved").exists()
    assert not OutboundMessage.objects.exists()  # nobody mailed about history
    assert not Notification.objects.exists()


def test_an_open_import_with_a_response_is_responded_and_joins_todays_queue(as_member, primary, on_shift):
    response = post(as_member(primary), responded_at="2026-01-05T11:30:00+01:00", status="waiting")

    assert response.status_code == 201, response.json()
    inquiry = Inquiry.objects.get()
    assert (inquiry.status, inquiry.assignee) == ("waiting", primary)
    assert inquiry.waiting_since is not None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"status": "responded"}, "responded_at"),
        ({"status": "new", "responded_at": "2026-01-05T11:00:00+01:00"}, "status"),
        ({"status": "resolved", "resolution_kind": "answered"}, "resolved_at"),
        ({"resolved_at": "2026-01-06T09:00:00+01:00"}, "resolution_kind"),
        (
            {
                "status": "responded",
                "responded_at": "2026-01-05T11:00:00+01:00",
                "resolution_kind": "answered",
            },
            "resolution_kind",
        ),
        ({"responded_at": "2026-01-05T09:00:00+01:00"}, "responded_at"),  # before received_at
        ({"responded_at": "2099-01-05T09:00:00+01:00"}, "responded_at"),  # in the future
        (
            {
                "responded_at": "2026-01-06T11:00:00+01:00",
                "resolved_at": "2026-01-06T09:00:00+01:00",
                "resolution_kind": "answered",
            },
            "resolved_at",
        ),
        ({"status": "lost"}, "status"),
        ({"resolved_at": "2026-01-06T09:00:00+01:00", "resolution_kind": "promoted"}, "product_issue_url"),
        ({"assignee": 999999}, "assignee"),
    ],
)
def test_contradictory_history_is_refused_and_saves_nothing(as_member, primary, on_shift, fields, field):
    response = post(as_member(primary), **fields)

    assert response.status_code == 400, response.json()
    assert field in str(response.json())
    assert not Inquiry.objects.exists()


def test_another_teams_member_cannot_be_the_assignee(as_member, primary, on_shift, outsider):
    response = post(as_member(primary), assignee=outsider.pk)

    assert response.status_code == 400
    assert not Inquiry.objects.exists()


def test_history_is_only_for_imports(as_member, primary, on_shift):
    response = post(
        as_member(primary), channel="api", received_at=None, responded_at="2026-01-05T11:00:00+01:00"
    )
    response = as_member(primary).post(
        "/api/v1/inquiries/",
        {**{k: v for k, v in BASE.items() if k != "received_at"}, "channel": "api", "status": "resolved"},
        format="json",
    )

    assert response.status_code == 400
    assert "import" in str(response.json())
    assert not Inquiry.objects.exists()


def test_past_deadlines_of_imports_notify_nobody(as_member, primary, manager, on_shift, open_team):
    old = post(as_member(primary), received_at=(timezone.now() - dt.timedelta(days=30)).isoformat())
    assert old.status_code == 201
    inquiry = Inquiry.objects.get()
    assert inquiry.status == "new" and inquiry.response_due_at < timezone.now()

    counts = sla_sweep()
    later = sla_sweep(now=timezone.now() + dt.timedelta(days=2))

    assert set(counts.values()) == {0} and set(later.values()) == {0}
    assert not SlaNotice.objects.exists()
    assert not Notification.objects.exists()


def test_an_import_whose_deadline_is_still_ahead_is_enforced(as_member, primary, manager, on_shift):
    response = post(as_member(primary), received_at=(timezone.now() - dt.timedelta(hours=1)).isoformat())
    assert response.status_code == 201

    counts = sla_sweep(now=timezone.now() + dt.timedelta(hours=4))

    assert counts["response_overdue"] == 1


def test_imports_do_not_travel_at_shift_ends_before_they_were_imported(
    as_member, primary, teammate, on_shift, open_team
):
    now = timezone.now()
    on_shift.ends_at = now - dt.timedelta(minutes=10)
    on_shift.save()
    ShiftFactory(
        team=open_team,
        role="primary",
        member=teammate,
        starts_at=on_shift.ends_at,
        ends_at=now + dt.timedelta(hours=8),
    )
    response = post(
        as_member(primary), received_at=(now - dt.timedelta(days=3)).isoformat(), assignee=primary.pk
    )
    assert response.status_code == 201

    with time_machine.travel(now, tick=False):
        handoff_sweep(now=now)

    assert Inquiry.objects.get().assignee == primary
    assert not Event.objects.filter(kind="handed_off").exists()
    assert not OutboundMessage.objects.exists()


def test_reports_use_the_original_response_times(as_member, primary, on_shift, open_team):
    post(
        as_member(primary), received_at="2026-01-05T10:00:00+01:00", responded_at="2026-01-05T10:30:00+01:00"
    )

    report = response_times(
        team=open_team, period=period_parse(start="2026-01-01", end="2026-01-31", tz_name=open_team.timezone)
    )

    assert report["summary"]["responded"] == 1
    assert report["summary"]["median_calendar_minutes"] == 30
