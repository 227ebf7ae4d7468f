"""`manage.py sweep` runs what beat would, once, and says what it did."""

import datetime as dt
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from inquiries.models import Handoff, SlaNotice
from tests.factories import T0, make_inquiry, make_shift

pytestmark = pytest.mark.django_db


def test_sweep_command_hands_off_notifies_and_delivers(team, primary, teammate, manager):
    make_shift(team, primary, T0)
    make_shift(team, teammate, T0 + dt.timedelta(hours=4))
    make_inquiry(team, primary)
    out = io.StringIO()

    with time_machine.travel(T0 + dt.timedelta(hours=4, minutes=1), tick=False):
        call_command("sweep", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == "handoff: handoffs=1, moved=1, uncovered=0"
    assert lines[1] == (
        "sla: response_overdue=1, guarantee_breached=0, response_due_soon=0, resolution_overdue=0, "
        "resolution_due_soon=0, action_item_overdue=0"
    )
    assert lines[2].startswith("outbox: sent=")
    assert Handoff.objects.count() == 1
    # The overdue notice reached the Primary who holds the inquiry after the handoff.
    assert SlaNotice.objects.get().inquiry.assignee == teammate
    assert "tom@example.org" in {to for m in mail.outbox for to in m.to}
