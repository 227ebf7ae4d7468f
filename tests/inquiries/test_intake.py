import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from inquiries import services
from inquiries.models import Event, Inquiry, Message
from notices.models import Notification, OutboundMessage
from supportops.errors import InvalidInput, NotFoundError
from tests.factories import ShiftFactory, TopicFactory, inquiry_through_intake

pytestmark = pytest.mark.django_db(transaction=False)


def test_web_inquiry_gets_reference_assignee_deadlines_thread_and_event(on_shift, primary, open_team):
    inquiry = inquiry_through_intake(open_team)
    assert inquiry.reference == "ADS-1"
    assert inquiry.assignee == primary
    assert inquiry.status == Inquiry.Status.NEW
    assert inquiry.response_due_at == inquiry.received_at + dt.timedelta(minutes=240)
    assert inquiry.response_guarantee_at == inquiry.received_at + dt.timedelta(minutes=1440)
    assert [m.kind for m in inquiry.messages.all()] == [Message.Kind.REQUEST]
    assert list(inquiry.events.values_list("kind", flat=True)) == ["created", "assigned"]
    assert len(inquiry.tracking_token) >= 22  # >= 128 bits in URL-safe base64


def test_references_count_up_per_team(on_shift, open_team, other_team):
    first, second = inquiry_through_intake(open_team), inquiry_through_intake(open_team)
    elsewhere = inquiry_through_intake(other_team)
    assert (first.reference, second.reference, elsewhere.reference) == ("ADS-1", "ADS-2", "BIO-1")
    # The other team's count goes on from its own last number.
    assert inquiry_through_intake(other_team).reference == "BIO-2"


@pytest.mark.django_db(transaction=True)
def test_acknowledgement_email_carries_the_tracking_link_and_assignee_is_notified(
    settings,
    on_shift,
    primary,
    open_team,
):
    settings.SITE_URL = "https://support.example.org"
    inquiry = inquiry_through_intake(open_team)
    to_requester = [m for m in mail.outbox if m.to == ["lea@example.org"]]
    assert len(to_requester) == 1
    assert f"https://support.example.org/track/{inquiry.tracking_token}/" in to_requester[0].body
    assert "ADS-1" in to_requester[0].subject
    note = Notification.objects.get(recipient=primary.user)
    assert note.kind == "assigned" and note.inquiry == inquiry
    assert any(m.to == [primary.user.email] for m in mail.outbox)


def test_outside_coverage_goes_to_the_primary_of_the_next_shift(open_team, primary, teammate):
    now = timezone.now()
    ShiftFactory(
        team=open_team,
        role="primary",
        member=teammate,
        starts_at=now + dt.timedelta(hours=3),
        ends_at=now + dt.timedelta(hours=8),
    )
    assert inquiry_through_intake(open_team).assignee == teammate


def test_no_shift_at_all_leaves_it_unassigned(open_team):
    inquiry = inquiry_through_intake(open_team)
    assert inquiry.assignee is None
    assert not Notification.objects.exists()


def test_deadline_counts_business_minutes_from_the_next_opening(team, primary):
    # Mon-Fri 09:00-17:00 Zurich; a question on Saturday is due Monday 13:00 local (4 h target).
    with time_machine.travel(dt.datetime(2026, 3, 7, 12, 0, tzinfo=dt.UTC), tick=False):
        inquiry = services.inquiry_create(
            team=team, subject="s", body="b", requester_name="n", requester_email="n@example.org"
        )
    assert inquiry.response_due_at == dt.datetime(2026, 3, 9, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("subject", "x" * 201, "Subject is too long"),
        ("subject", "   ", "Subject cannot be empty"),
        ("body", "x" * 20001, "Question is too long"),
        ("requester_name", "n" * 121, "Name is too long"),
        ("requester_email", "not-an-email", "not a valid email"),
        ("topic", "Astrology", "has no topic"),
    ],
)
def test_bad_input_is_refused_and_stores_nothing(on_shift, open_team, topic, field, value, message):
    with pytest.raises(InvalidInput, match=message):
        inquiry_through_intake(open_team, **{field: value})
    assert not Inquiry.objects.exists()
    assert not OutboundMessage.objects.exists()
    # Refused before a number was taken: the next question is the team's first.
    assert inquiry_through_intake(open_team).reference == f"{open_team.reference_prefix}-1"


def test_topic_of_another_team_is_unknown(on_shift, open_team, other_team):

    foreign = TopicFactory(team=other_team, name="Pandas")
    with pytest.raises(InvalidInput, match="has no topic"):
        inquiry_through_intake(open_team, topic=foreign)


def test_topic_by_name_is_accepted(on_shift, open_team, topic):
    assert inquiry_through_intake(open_team, topic="pandas").topic == topic


def test_redirect_tells_requester_who_has_it_with_the_member_in_cc(on_shift, primary, teammate, open_team):
    inquiry = inquiry_through_intake(open_team, channel="redirect", actor=teammate.user)
    email = OutboundMessage.objects.get(inquiry=inquiry, to="lea@example.org")
    assert email.cc == teammate.user.email
    assert primary.display_name in email.subject
    assert f"{teammate.display_name} passed your question" in email.body
    assert inquiry.created_by == teammate.user


def test_member_channels_need_a_member_of_the_team(on_shift, open_team, outsider):
    with pytest.raises(NotFoundError):
        inquiry_through_intake(open_team, channel="api", actor=outsider.user)
    assert not Inquiry.objects.exists()


def test_import_keeps_received_at_and_mails_nobody(on_shift, primary, open_team):
    then = timezone.now() - dt.timedelta(days=400)
    inquiry = inquiry_through_intake(open_team, channel="import", actor=primary.user, received_at=then)
    assert inquiry.received_at == then
    assert not OutboundMessage.objects.filter(to="lea@example.org").exists()
    assert not Notification.objects.exists()


def test_received_at_only_for_imports_and_never_in_the_future(on_shift, primary, open_team):
    with pytest.raises(InvalidInput, match="only be given for imported"):
        inquiry_through_intake(
            open_team, channel="api", actor=primary.user, received_at=timezone.now() - dt.timedelta(days=1)
        )
    with pytest.raises(InvalidInput, match="future"):
        inquiry_through_intake(
            open_team, channel="import", actor=primary.user, received_at=timezone.now() + dt.timedelta(days=1)
        )
    assert not Inquiry.objects.exists()


def test_created_event_names_the_channel(on_shift, open_team):
    inquiry = inquiry_through_intake(open_team)
    assert Event.objects.get(inquiry=inquiry, kind="created").note == "via Web form"
