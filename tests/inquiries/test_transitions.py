import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from inquiries import services
from inquiries.models import Escalation, Event, Inquiry, Message
from notices.models import Notification, OutboundMessage
from postmortems.models import Postmortem
from supportops.errors import ConflictError, InvalidInput, NotFoundError
from tests.factories import inquiry_through_intake

pytestmark = pytest.mark.django_db


def _snapshot(inquiry):
    inquiry = Inquiry.objects.get(pk=inquiry.pk)
    return (
        inquiry.status,
        inquiry.responded_at,
        inquiry.resolved_at,
        inquiry.resolution_kind,
        Event.objects.filter(inquiry=inquiry).count(),
        Message.objects.filter(inquiry=inquiry).count(),
    )


def test_first_public_reply_sets_responded_at_once_and_emails_the_requester(inquiry, primary):
    first = services.inquiry_respond(inquiry=inquiry, actor=primary.user, body="Which Python version?")
    assert first.status == Inquiry.Status.RESPONDED
    responded_at = first.responded_at
    assert responded_at is not None
    again = services.inquiry_respond(inquiry=first, actor=primary.user, body="And which OS?")
    assert again.responded_at == responded_at
    replies = OutboundMessage.objects.filter(
        inquiry=inquiry, to="lea@example.org", subject__startswith="[ADS-1] Re:"
    )
    assert replies.count() == 2
    event = Event.objects.filter(inquiry=inquiry, kind="responded").first()
    assert (event.actor, event.from_value, event.to_value) == (primary.user, "new", "responded")


def test_internal_note_never_reaches_the_requester(inquiry, primary):
    before = OutboundMessage.objects.filter(to="lea@example.org").count()
    services.inquiry_add_note(inquiry=inquiry, actor=primary.user, body="Secret: probably their RAM")
    assert OutboundMessage.objects.filter(to="lea@example.org").count() == before
    assert not OutboundMessage.objects.filter(body__contains="Secret").exists()
    from inquiries.selectors import public_thread

    assert "Secret" not in " ".join(m.body for m in public_thread(inquiry=inquiry))


def test_wait_then_requester_reply_accumulates_waiting_time(inquiry, primary):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        services.inquiry_respond(inquiry=inquiry, actor=primary.user, body="Send the log please")
        waiting = services.inquiry_wait(inquiry=inquiry, actor=primary.user)
        assert waiting.status == Inquiry.Status.WAITING
        traveller.shift(dt.timedelta(hours=2))
        back = services.inquiry_requester_reply(inquiry=inquiry, body="Here is the log")
    assert back.status == Inquiry.Status.RESPONDED
    assert back.waiting_seconds == 7200
    assert back.waiting_since is None
    assert Notification.objects.filter(recipient=primary.user, kind="requester_replied").exists()


def test_requester_reply_to_new_keeps_it_new(inquiry):
    assert services.inquiry_requester_reply(inquiry=inquiry, body="More details").status == Inquiry.Status.NEW


@pytest.mark.parametrize(
    ("setup", "call", "message"),
    [
        ([], "wait", "Inquiry ADS-1 is new; respond to the requester before putting it on wait."),
        (["resolve"], "wait", "Inquiry ADS-1 is resolved; it cannot be put on wait."),
        (["respond", "wait"], "wait", "Inquiry ADS-1 is waiting on requester; it cannot be put on wait."),
        (["resolve"], "respond", "Inquiry ADS-1 is resolved; reopen it before replying."),
        (["resolve"], "resolve", "Inquiry ADS-1 is resolved; it is already resolved."),
        ([], "reopen", "Inquiry ADS-1 is new; only resolved inquiries can be reopened."),
        (["resolve"], "requester_reply", "Inquiry ADS-1 is resolved; reopen it to continue"),
        (["resolve"], "escalate", "Inquiry ADS-1 is resolved; it cannot be escalated."),
        (["resolve"], "assign", "Inquiry ADS-1 is resolved; reopen it before assigning it."),
    ],
)
def test_illegal_transition_is_a_conflict_naming_the_state_and_changes_nothing(
    inquiry, primary, teammate, setup, call, message
):
    actions = {
        "respond": lambda: services.inquiry_respond(inquiry=inquiry, actor=primary.user, body="x"),
        "wait": lambda: services.inquiry_wait(inquiry=inquiry, actor=primary.user),
        "resolve": lambda: services.inquiry_resolve(inquiry=inquiry, actor=primary.user, kind="answered"),
        "reopen": lambda: services.inquiry_reopen(inquiry=inquiry, actor=primary.user),
        "requester_reply": lambda: services.inquiry_requester_reply(inquiry=inquiry, body="x"),
        "escalate": lambda: services.inquiry_escalate(
            inquiry=inquiry, actor=primary.user, member=teammate, reason="help"
        ),
        "assign": lambda: services.inquiry_assign(inquiry=inquiry, actor=primary.user, member=teammate),
    }
    for step in setup:
        actions[step]()
    before = _snapshot(inquiry)
    with pytest.raises(ConflictError) as caught:
        actions[call]()
    assert str(caught.value).startswith(message)
    assert _snapshot(inquiry) == before


def test_resolve_from_new_with_a_public_reply_is_also_the_response(inquiry, primary):
    resolved = services.inquiry_resolve(
        inquiry=inquiry, actor=primary.user, kind="documentation", reply="See the FAQ", note="FAQ 3"
    )
    assert resolved.status == Inquiry.Status.RESOLVED
    assert resolved.responded_at == resolved.resolved_at
    assert resolved.messages.filter(kind="reply", body="See the FAQ").exists()


def test_resolve_from_new_without_reply_leaves_it_unresponded(inquiry, primary):
    resolved = services.inquiry_resolve(inquiry=inquiry, actor=primary.user, kind="other")
    assert resolved.responded_at is None
    assert OutboundMessage.objects.filter(to="lea@example.org", subject__contains="Resolved").exists()


def test_resolving_waiting_inquiry_stops_the_waiting_clock(inquiry, primary):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        services.inquiry_respond(inquiry=inquiry, actor=primary.user, body="?")
        services.inquiry_wait(inquiry=inquiry, actor=primary.user)
        traveller.shift(dt.timedelta(minutes=30))
        resolved = services.inquiry_resolve(inquiry=inquiry, actor=primary.user, kind="answered")
    assert resolved.waiting_seconds == 1800


def test_promoted_needs_the_product_issue_url(inquiry, primary):
    before = _snapshot(inquiry)
    with pytest.raises(InvalidInput, match="needs the URL"):
        services.inquiry_resolve(inquiry=inquiry, actor=primary.user, kind="promoted")
    assert _snapshot(inquiry) == before
    done = services.inquiry_resolve(
        inquiry=inquiry,
        actor=primary.user,
        kind="promoted",
        product_issue_url="https://github.com/o/r/issues/7",
    )
    assert done.product_issue_url == "https://github.com/o/r/issues/7"


def test_unknown_resolution_kind_is_invalid(inquiry, primary):
    with pytest.raises(InvalidInput, match="Unknown resolution kind"):
        services.inquiry_resolve(inquiry=inquiry, actor=primary.user, kind="magic")


def test_known_issue_links_an_inquiry_of_the_same_team_or_a_url(inquiry, primary, open_team, other_team):
    older = inquiry_through_intake(open_team, subject="Kernel dies on big CSV")
    done = services.inquiry_resolve(
        inquiry=inquiry, actor=primary.user, kind="known_issue", known_issue="ads-2"
    )
    assert done.known_issue == older
    third = inquiry_through_intake(open_team)
    linked = services.inquiry_resolve(
        inquiry=third, actor=primary.user, kind="known_issue", known_issue="https://status.example.org/42"
    )
    assert linked.known_issue_url == "https://status.example.org/42"


def test_known_issue_of_another_team_or_missing_is_refused(inquiry, primary, open_team, other_team):
    foreign = inquiry_through_intake(other_team)
    for target in (foreign.reference, str(foreign.pk), inquiry.reference, None):
        with pytest.raises(InvalidInput):
            services.inquiry_resolve(
                inquiry=inquiry, actor=primary.user, kind="known_issue", known_issue=target
            )
    assert Inquiry.objects.get(pk=inquiry.pk).status == Inquiry.Status.NEW


def test_resolving_a_serious_inquiry_drafts_a_postmortem_with_milestones(inquiry, primary):
    services.inquiry_update_triage(inquiry=inquiry, actor=primary.user, data={"serious": True})
    services.inquiry_respond(inquiry=inquiry, actor=primary.user, body="Looking")
    services.inquiry_resolve(inquiry=inquiry, actor=primary.user, kind="workaround", note="Restarted the hub")
    postmortem = Postmortem.objects.get()
    assert postmortem.title == "ADS-1: Notebook kernel dies"
    assert list(postmortem.inquiries.all()) == [inquiry]
    descriptions = [m.description for m in postmortem.milestones.all()]
    assert descriptions[0] == "Inquiry received"
    assert "First response" in descriptions and descriptions[-1] == "Resolved"
    assert Event.objects.filter(inquiry=inquiry, kind="postmortem_drafted").exists()


def test_member_reopens_any_time_requester_within_14_days(inquiry, primary):
    services.inquiry_respond(inquiry=inquiry, actor=primary.user, body="Done")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        services.inquiry_resolve(inquiry=inquiry, actor=primary.user, kind="answered")
        traveller.shift(dt.timedelta(days=13, hours=23))
        reopened = services.inquiry_reopen(inquiry=inquiry, by_requester=True, body="Still broken")
        assert reopened.status == Inquiry.Status.RESPONDED
        assert reopened.resolved_at is None
        services.inquiry_resolve(inquiry=inquiry, actor=primary.user, kind="answered")
        traveller.shift(dt.timedelta(days=14, minutes=1))
        with pytest.raises(ConflictError, match="more than 14 days ago"):
            services.inquiry_reopen(inquiry=inquiry, by_requester=True)
        assert Inquiry.objects.get(pk=inquiry.pk).status == Inquiry.Status.RESOLVED
        assert services.inquiry_reopen(inquiry=inquiry, actor=primary.user).status == Inquiry.Status.RESPONDED


def test_reopen_of_never_responded_inquiry_goes_back_to_new(inquiry, primary):
    services.inquiry_resolve(inquiry=inquiry, actor=primary.user, kind="other")
    assert services.inquiry_reopen(inquiry=inquiry, actor=primary.user).status == Inquiry.Status.NEW


def test_assign_notifies_the_new_assignee_and_records_from_to(inquiry, primary, teammate):
    services.inquiry_assign(inquiry=inquiry, actor=primary.user, member=teammate.pk)
    event = Event.objects.filter(inquiry=inquiry, kind="assigned").last()
    assert (event.from_value, event.to_value) == (primary.display_name, teammate.display_name)
    assert Notification.objects.filter(recipient=teammate.user, kind="assigned").exists()


def test_assign_to_a_member_of_another_team_is_invalid(inquiry, primary, outsider):
    with pytest.raises(InvalidInput, match="No active member"):
        services.inquiry_assign(inquiry=inquiry, actor=primary.user, member=outsider.pk)
    assert Inquiry.objects.get(pk=inquiry.pk).assignee == primary


def test_triage_changes_fields_with_one_event_each(inquiry, primary, topic):
    services.inquiry_update_triage(
        inquiry=inquiry,
        actor=primary.user,
        data={
            "priority": "high",
            "urgency": dt.date(2030, 1, 1),
            "topic": "Pandas",
            "actionable": True,
            "keep": True,
            "handoff_note": "Waiting for IT",
            "serious": False,
        },
    )
    inquiry.refresh_from_db()
    assert (inquiry.priority, inquiry.topic, inquiry.actionable, inquiry.keep) == ("high", topic, True, True)
    kinds = set(Event.objects.filter(inquiry=inquiry).values_list("kind", flat=True))
    assert {
        "priority_changed",
        "urgency_changed",
        "topic_changed",
        "actionable_changed",
        "keep_changed",
        "handoff_note_changed",
    } <= kinds
    assert "serious_changed" not in kinds  # unchanged fields leave no event


@pytest.mark.parametrize(
    "data",
    [
        {"priority": "urgent"},
        {"reproducible": "maybe"},
        {"topic": "Nope"},
        {"status": "resolved"},
        {"handoff_note": "x" * 4001},
    ],
)
def test_bad_triage_is_invalid_and_changes_nothing(inquiry, primary, data):
    before = _snapshot(inquiry)
    with pytest.raises(InvalidInput):
        services.inquiry_update_triage(inquiry=inquiry, actor=primary.user, data=data)
    assert _snapshot(inquiry) == before


def test_escalation_accept_and_decline_tell_the_primary(inquiry, primary, teammate, manager):
    first = services.inquiry_escalate(
        inquiry=inquiry, actor=primary.user, member=teammate, reason="You know pandas"
    )
    assert Notification.objects.filter(recipient=teammate.user, kind="escalated").exists()
    with pytest.raises(ConflictError, match="has not yet answered"):
        services.inquiry_escalate(inquiry=inquiry, actor=primary.user, member=teammate, reason="again")
    services.escalation_accept(escalation=first, actor=teammate.user)
    assert Notification.objects.filter(recipient=primary.user, kind="escalation_accepted").exists()
    with pytest.raises(ConflictError, match="is already accepted; it cannot be declined"):
        services.escalation_decline(escalation=first, actor=teammate.user, reason="changed my mind")

    second = services.inquiry_escalate(inquiry=inquiry, actor=primary.user, member=manager, reason="Budget?")
    with pytest.raises(InvalidInput, match="reason for declining"):
        services.escalation_decline(escalation=second, actor=manager.user, reason="  ")
    with pytest.raises(NotFoundError):
        services.escalation_decline(escalation=second, actor=teammate.user, reason="not mine")
    services.escalation_decline(escalation=second, actor=manager.user, reason="On leave")
    second.refresh_from_db()
    assert (second.status, second.response_reason) == (Escalation.Status.DECLINED, "On leave")
    assert Notification.objects.filter(recipient=primary.user, kind="escalation_declined").exists()


def test_cannot_escalate_to_yourself(inquiry, primary):
    with pytest.raises(InvalidInput, match="yourself"):
        services.inquiry_escalate(inquiry=inquiry, actor=primary.user, member=primary, reason="x")


def test_effort_is_logged_for_members_within_a_day(inquiry, primary, outsider):
    log = services.effort_log(inquiry=inquiry, actor=primary.user, minutes=25, note="Reproduced")
    assert (log.member, log.minutes) == (primary, 25)
    for minutes in (0, 1441, "10", True):
        with pytest.raises(InvalidInput):
            services.effort_log(inquiry=inquiry, actor=primary.user, minutes=minutes)
    with pytest.raises(NotFoundError):
        services.effort_log(inquiry=inquiry, actor=outsider.user, minutes=5)
    assert inquiry.effort_logs.count() == 1
