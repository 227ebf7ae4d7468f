"""Personal notices give times in the recipient's zone (their profile's, else the team's), zone named; the
team's channel reads the team's zone. Checked on the emails the outbox really sends."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from accounts.services import profile_update
from inquiries.sla import sla_sweep
from notices.delivery import deliver_pending
from notices.models import Notification, OutboundMessage
from shifts.services.reminders import shift_reminders_send
from tests.factories import T0, make_inquiry, make_shift

pytestmark = pytest.mark.django_db

# Due at 08:00 UTC on a winter Monday: 09:00 in Zurich, 03:00 in New York.
DUE = T0


def _body_to(address: str) -> str:
    [email] = [m for m in mail.outbox if m.to == [address]]
    return email.body


def test_an_overdue_notice_reads_in_each_recipients_zone(team, primary, secondary, manager):
    team.webhook_url = "https://chat.example.org/hooks/ads"
    team.save()
    profile_update(user=primary.user, data={"timezone": "America/New_York"})
    make_shift(team, secondary, DUE - dt.timedelta(hours=2), hours=8, role="secondary")
    inquiry = make_inquiry(team, primary, received_at=DUE - dt.timedelta(hours=4))
    assert inquiry.response_due_at == DUE

    with time_machine.travel(DUE + dt.timedelta(minutes=1), tick=False):
        assert sla_sweep(now=DUE + dt.timedelta(minutes=1))["response_overdue"] == 1
        mail.outbox.clear()
        assert deliver_pending(channel="email")["sent"] == 3

    new_york = _body_to(primary.user.email)
    assert "was due Mon 02 Mar 03:00 EST and has not been sent" in new_york
    assert "CET" not in new_york
    # No preference: the team's zone, as before.
    for colleague in (secondary, manager):
        assert "was due Mon 02 Mar 09:00 CET and has not been sent" in _body_to(colleague.user.email)
    # The in-app rows say the same as their emails.
    inbox = dict(Notification.objects.filter(kind="response_overdue").values_list("recipient", "body"))
    assert "03:00 EST" in inbox[primary.user_id]
    assert "09:00 CET" in inbox[manager.user_id]
    # The team's channel is read by the team: its zone.
    [post] = OutboundMessage.objects.filter(channel=OutboundMessage.Channel.WEBHOOK)
    assert "was due Mon 02 Mar 09:00 CET" in post.payload["text"]
    assert "\x00" not in post.payload["text"]


def test_a_shift_reminder_reads_in_the_members_zone(team, primary, teammate):
    profile_update(user=primary.user, data={"timezone": "America/New_York"})
    starts = DUE + dt.timedelta(minutes=30)
    make_shift(team, primary, starts, hours=4)
    make_shift(team, teammate, starts, hours=4, role="secondary")

    with time_machine.travel(DUE, tick=False):
        shift_reminders_send(now=DUE)
        mail.outbox.clear()
        deliver_pending(channel="email")

    [mine] = [m for m in mail.outbox if m.to == [primary.user.email]]
    assert "03:30 EST" in mine.subject and "03:30 EST" in mine.body and "07:30 EST" in mine.body
    [theirs] = [m for m in mail.outbox if m.to == [teammate.user.email]]
    assert "09:30 CET" in theirs.subject and "13:30 CET" in theirs.body
