"""The SLA sweep, called directly with time travel: who is told what, and only once."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inquiries import sla
from inquiries.models import Inquiry, SlaNotice
from inquiries.sla import sla_sweep
from notices.models import Notification, OutboundMessage
from tests.factories import T0, make_inquiry, make_shift

DUE = T0 + dt.timedelta(hours=4)
pytestmark = pytest.mark.django_db


def sweep_at(at: dt.datetime) -> dict[str, int]:
    with time_machine.travel(at, tick=False):
        return sla_sweep(now=at)


def told(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_nothing_is_due_long_before_the_deadline(team, primary):
    make_inquiry(team, primary)

    assert set(sweep_at(DUE - dt.timedelta(hours=2)).values()) == {0}
    assert not Notification.objects.exists()


def test_due_soon_notifies_the_assignee_once(team, primary, manager):
    inquiry = make_inquiry(team, primary)

    first = sweep_at(DUE - dt.timedelta(minutes=20))
    second = sweep_at(DUE - dt.timedelta(minutes=10))

    assert first["response_due_soon"] == 1
    assert second["response_due_soon"] == 0
    notification = Notification.objects.get(kind="response_due_soon")
    assert notification.recipient == primary.user
    assert notification.inquiry == inquiry
    assert "due in 20 min" in notification.title
    assert SlaNotice.objects.filter(inquiry=inquiry, kind="response_due_soon", deadline=DUE).count() == 1


def test_overdue_notifies_assignee_secondary_on_shift_and_managers_once(
    team, primary, secondary, manager, teammate
):
    make_shift(team, secondary, T0, hours=8, role="secondary")
    inquiry = make_inquiry(team, primary)

    first = sweep_at(DUE + dt.timedelta(minutes=1))
    second = sweep_at(DUE + dt.timedelta(minutes=2))

    assert first["response_overdue"] == 1
    assert second["response_overdue"] == 0
    assert told("response_overdue") == {"pat", "sam", "maria"}
    assert Notification.objects.filter(kind="response_overdue").count() == 3
    assert SlaNotice.objects.get(kind="response_overdue").inquiry == inquiry


def test_overdue_tells_a_manager_who_is_also_secondary_once(team, primary, manager):
    make_shift(team, manager, T0, hours=8, role="secondary")
    make_inquiry(team, primary)

    sweep_at(DUE + dt.timedelta(minutes=1))

    assert Notification.objects.filter(kind="response_overdue", recipient=manager.user).count() == 1


def test_overdue_skips_the_due_soon_warning(team, primary):
    make_inquiry(team, primary)

    counts = sweep_at(DUE + dt.timedelta(minutes=5))

    assert counts["response_due_soon"] == 0
    assert counts["response_overdue"] == 1


def test_guarantee_breach_notifies_the_managers_once(team, primary, manager, teammate):
    inquiry = make_inquiry(team, primary)
    breach = inquiry.response_guarantee_at + dt.timedelta(minutes=1)

    first = sweep_at(breach)
    second = sweep_at(breach + dt.timedelta(hours=1))

    assert first["guarantee_breached"] == 1
    assert set(second.values()) == {0}
    assert told("guarantee_breached") == {"maria"}


@pytest.mark.parametrize("status", ["responded", "waiting", "resolved"])
def test_an_inquiry_already_responded_to_is_never_notified(team, primary, manager, status):
    make_inquiry(team, primary, status=status)

    counts = sweep_at(DUE + dt.timedelta(days=2))

    assert sum(counts.values()) == 0
    assert not Notification.objects.exists()
    assert not SlaNotice.objects.exists()


def test_a_recomputed_deadline_is_notified_again(team, primary):
    inquiry = make_inquiry(team, primary)
    sweep_at(DUE + dt.timedelta(minutes=1))
    later = DUE + dt.timedelta(hours=2)
    Inquiry.objects.filter(pk=inquiry.pk).update(response_due_at=later)

    counts = sweep_at(later + dt.timedelta(minutes=1))

    assert counts["response_overdue"] == 1
    assert set(SlaNotice.objects.filter(kind="response_overdue").values_list("deadline", flat=True)) == {
        DUE,
        later,
    }


def test_an_unassigned_inquiry_due_soon_goes_to_the_managers(team, manager):
    make_inquiry(team, None)

    sweep_at(DUE - dt.timedelta(minutes=5))

    assert told("response_due_soon") == {"maria"}


def test_notices_are_emailed_and_posted_once_to_the_team_webhook(team, primary, manager):
    team.webhook_url = "https://hooks.example.org/T000/B000"
    team.save()
    make_inquiry(team, primary)

    sweep_at(DUE + dt.timedelta(minutes=1))

    emails = OutboundMessage.objects.filter(channel="email")
    assert sorted(emails.values_list("to", flat=True)) == ["maria@example.org", "pat@example.org"]
    webhook = OutboundMessage.objects.get(channel="webhook")
    assert webhook.to == team.webhook_url
    assert webhook.payload["text"].startswith("ADS-")
    assert "overdue" in webhook.payload["text"]


def test_other_teams_are_told_about_their_own_inquiries_only(team, primary, manager, outsider):
    make_inquiry(outsider.team, None)

    sweep_at(DUE + dt.timedelta(minutes=1))

    assert told("response_overdue") == {"olga"}


def test_the_sweep_works_through_more_than_one_batch(team, primary, monkeypatch):
    monkeypatch.setattr(sla, "BATCH", 2)
    for _ in range(5):
        make_inquiry(team, primary)

    counts = sweep_at(DUE + dt.timedelta(minutes=1))

    assert counts["response_overdue"] == 5
    assert SlaNotice.objects.filter(kind="response_overdue").count() == 5


def test_the_sweep_issues_the_same_statements_for_three_or_thirty_due(team, primary, manager):
    def statements(due: int, at: dt.datetime) -> int:
        for _ in range(due):
            make_inquiry(team, primary, received_at=at - dt.timedelta(hours=5))
        with CaptureQueriesContext(connection) as queries:
            counts = sweep_at(at)
        assert counts["response_overdue"] == due
        return len(queries)

    few = statements(3, T0 + dt.timedelta(days=1))
    many = statements(30, T0 + dt.timedelta(days=1, hours=1))

    assert few == many
