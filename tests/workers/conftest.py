"""Rows for the worker tests, made directly (not through the intake service): an inquiry is a row
with deadlines, a shift is a row with an interval."""

import datetime as dt
import itertools

import pytest

from inquiries.models import Inquiry
from shifts.models import Member, Shift, Team

T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)  # a Monday, 09:00 in Zurich
_numbers = itertools.count(1)


def make_inquiry(team: Team, assignee: Member | None = None, **fields) -> Inquiry:
    number = next(_numbers)
    received = fields.pop("received_at", T0)
    fields.setdefault("response_due_at", received + dt.timedelta(hours=4))
    fields.setdefault("response_guarantee_at", received + dt.timedelta(hours=24))
    fields.setdefault("status", Inquiry.Status.NEW)
    if fields["status"] in (Inquiry.Status.RESPONDED, Inquiry.Status.WAITING):
        fields.setdefault("responded_at", received + dt.timedelta(minutes=30))
    if fields["status"] == Inquiry.Status.RESOLVED:
        fields.setdefault("resolved_at", received + dt.timedelta(hours=1))
        fields.setdefault("resolution_kind", Inquiry.ResolutionKind.ANSWERED)
    return Inquiry.objects.create(
        team=team,
        number=number,
        reference=f"{team.reference_prefix}-{number}",
        subject=fields.pop("subject", f"Question {number}"),
        body="How do I …?",
        requester_name=fields.pop("requester_name", "Lea Learner"),
        requester_email=fields.pop("requester_email", f"learner{number}@example.net"),
        received_at=received,
        assignee=assignee,
        **fields,
    )


def make_shift(
    team: Team, member: Member, starts_at: dt.datetime, hours: float = 4, role: str = "primary"
) -> Shift:
    return Shift.objects.create(
        team=team,
        member=member,
        scheduled_member=member,
        role=role,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=hours),
    )


@pytest.fixture
def secondary(team):
    from tests.factories import make_member

    return make_member(team, "sam", percent_time=60)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can print process logs on failure."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
