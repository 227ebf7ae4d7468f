"""The resolution clock (SPEC 3.1, 3.5): resolution_due_at in business minutes, time waiting on the
requester excluded, warned and breached by the sweep exactly once, shown and reported."""

import datetime as dt

import pytest
import time_machine

from inquiries import services
from inquiries.models import Inquiry, SlaNotice
from inquiries.sla import sla_sweep
from notices.models import Notification
from reports.period import period_parse
from reports.selectors import response_times
from shifts.services.teams import team_update
from tests.factories import WEEKDAYS_9_TO_5, ShiftFactory

pytestmark = pytest.mark.django_db

MONDAY_9 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)  # 09:00 in Zurich
H = dt.timedelta(hours=1)


@pytest.fixture
def target_team(team, primary, manager):
    """Weekdays 09:00-17:00 Zurich, resolution within 8 business hours; Pat is Primary all week."""
    team.coverage = WEEKDAYS_9_TO_5
    team.resolution_target_minutes = 8 * 60
    team.save()
    ShiftFactory(
        team=team, role="primary", member=primary, starts_at=MONDAY_9 - H, ends_at=MONDAY_9 + 200 * H
    )
    return team


def ask(team, at):
    with time_machine.travel(at, tick=False):
        return services.inquiry_create(
            team=team,
            subject="Grades",
            body="Missing",
            requester_name="Lea",
            requester_email="lea@example.net",
        )


def at(moment, call, **kwargs):
    with time_machine.travel(moment, tick=False):
        return call(**kwargs)


def test_the_resolution_deadline_counts_business_minutes(target_team):
    inquiry = ask(target_team, MONDAY_9 + 4 * H)  # Monday 13:00: 4 h on Monday, 4 h on Tuesday

    assert inquiry.resolution_due_at == MONDAY_9 + 24 * H + 4 * H  # Tuesday 13:00 Zurich


def test_no_target_no_deadline(team, primary):
    assert ask(team, MONDAY_9).resolution_due_at is None


def test_time_waiting_on_the_requester_does_not_count(target_team, primary):
    inquiry = ask(target_team, MONDAY_9)
    at(MONDAY_9 + H, services.inquiry_respond, inquiry=inquiry, actor=primary.user, body="Which course?")
    at(MONDAY_9 + H, services.inquiry_wait, inquiry=inquiry, actor=primary.user)

    # Waiting from 10:00 to 13:00 (three business hours), then the requester answers.
    inquiry = at(MONDAY_9 + 4 * H, services.inquiry_requester_reply, inquiry=inquiry, body="Statistics")

    inquiry.refresh_from_db()
    assert inquiry.status == "responded"
    assert inquiry.resolution_due_at == MONDAY_9 + 24 * H + 3 * H  # Tuesday 12:00 instead of 09:00
    assert inquiry.resolution_paused_minutes == 180


def test_a_wait_that_starts_after_the_deadline_does_not_move_it(target_team, primary):
    inquiry = ask(target_team, MONDAY_9)
    due = inquiry.resolution_due_at
    at(MONDAY_9 + H, services.inquiry_respond, inquiry=inquiry, actor=primary.user, body="Hi")
    at(due + H, services.inquiry_wait, inquiry=inquiry, actor=primary.user)
    at(due + 3 * H, services.inquiry_respond, inquiry=inquiry, actor=primary.user, body="Any news?")

    inquiry.refresh_from_db()
    assert inquiry.resolution_due_at == due


def test_changing_the_target_recomputes_open_inquiries(target_team, manager):
    inquiry = ask(target_team, MONDAY_9)

    team_update(team=target_team, data={"resolution_target_minutes": 4 * 60})

    inquiry.refresh_from_db()
    assert inquiry.resolution_due_at == MONDAY_9 + 4 * H


def test_the_sweep_warns_and_breaches_once(target_team, primary, manager):
    inquiry = ask(target_team, MONDAY_9)
    at(MONDAY_9 + H, services.inquiry_respond, inquiry=inquiry, actor=primary.user, body="Looking")
    due = inquiry.resolution_due_at

    soon = sla_sweep(now=due - dt.timedelta(minutes=10))
    soon_again = sla_sweep(now=due - dt.timedelta(minutes=5))
    late = sla_sweep(now=due + dt.timedelta(minutes=1))
    late_again = sla_sweep(now=due + 2 * H)

    assert (soon["resolution_due_soon"], soon_again["resolution_due_soon"]) == (1, 0)
    assert (late["resolution_overdue"], late_again["resolution_overdue"]) == (1, 0)
    told = Notification.objects.filter(kind="resolution_overdue").values_list(
        "recipient__username", flat=True
    )
    assert sorted(told) == ["maria", "pat"]
    assert list(
        Notification.objects.filter(kind="resolution_due_soon").values_list("recipient__username", flat=True)
    ) == ["pat"]
    assert SlaNotice.objects.filter(inquiry=inquiry, kind="resolution_overdue", deadline=due).count() == 1


def test_waiting_and_resolved_inquiries_are_not_chased(target_team, primary):
    waiting = ask(target_team, MONDAY_9)
    at(MONDAY_9 + H, services.inquiry_respond, inquiry=waiting, actor=primary.user, body="Which?")
    at(MONDAY_9 + H, services.inquiry_wait, inquiry=waiting, actor=primary.user)
    resolved = ask(target_team, MONDAY_9)
    at(
        MONDAY_9 + H,
        services.inquiry_resolve,
        inquiry=resolved,
        actor=primary.user,
        kind="answered",
        reply="Done",
    )

    counts = sla_sweep(now=MONDAY_9 + 100 * H)

    assert counts["resolution_overdue"] == 0 and counts["resolution_due_soon"] == 0


def test_an_import_past_its_resolution_deadline_notifies_nobody(target_team, primary):
    with time_machine.travel(MONDAY_9 + 50 * H, tick=False):
        services.inquiry_create(
            team=target_team,
            subject="Old",
            body="Old",
            requester_name="Old",
            requester_email="old@example.net",
            channel="import",
            actor=primary.user,
            received_at=MONDAY_9,
            history={"status": "responded", "responded_at": MONDAY_9 + H},
        )

    counts = sla_sweep(now=MONDAY_9 + 51 * H)

    assert counts["resolution_overdue"] == 0
    assert not Notification.objects.exists()


def test_the_deadline_is_shown_in_the_api_and_on_the_page(target_team, primary, as_member, client):
    inquiry = ask(target_team, MONDAY_9)

    body = as_member(primary).get(f"/api/v1/inquiries/{inquiry.reference}/").json()
    client.force_login(primary.user)
    page = client.get(f"/inquiries/{inquiry.reference}/").content.decode()

    assert body["resolution_due_at"].startswith("2026-03-02T16:00:00")
    assert 'data-testid="resolution-due"' in page and "Mon 2 Mar 17:00" in page


def test_the_response_times_report_shows_resolution_attainment(target_team, primary):
    on_time = ask(target_team, MONDAY_9)
    late = ask(target_team, MONDAY_9)
    at(
        MONDAY_9 + H,
        services.inquiry_resolve,
        inquiry=on_time,
        actor=primary.user,
        kind="answered",
        reply="Ok",
    )
    at(
        MONDAY_9 + 30 * H,
        services.inquiry_resolve,
        inquiry=late,
        actor=primary.user,
        kind="answered",
        reply="Ok",
    )

    period = period_parse(start="2026-03-01", end="2026-03-08", tz_name=target_team.timezone)
    report = at(MONDAY_9 + 40 * H, response_times, team=target_team, period=period)

    assert report["resolution_target_minutes"] == 480
    assert report["summary"]["resolved_within_target"] == 1
    assert report["summary"]["resolved_within_target_percent"] == 50.0
    assert Inquiry.objects.filter(resolved_at__isnull=False).count() == 2
