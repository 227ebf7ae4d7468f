import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from inquiries import services as inquiry_services
from inquiries.models import Improvement
from notices.models import Notification
from postmortems import services
from postmortems.models import Change, Milestone, Postmortem, Recommendation
from postmortems.selectors import postmortem_resources, postmortems_for_user
from supportops.errors import ConflictError, InvalidInput, NotFoundError
from tests.factories import inquiry_through_intake, make_member

pytestmark = pytest.mark.django_db


def test_manual_postmortem_from_two_inquiries_prefills_a_timeline_of_both(on_shift, team, primary):
    first = inquiry_through_intake(team, subject="Kernel dies")
    second = inquiry_through_intake(team, subject="Kernel dies again")
    inquiry_services.inquiry_respond(inquiry=second, actor=primary.user, body="On it")
    postmortem = services.postmortem_create(team=first.team, actor=primary.user, inquiries=[second, first])
    assert postmortem.title == f"{first.reference}: Kernel dies"
    assert set(postmortem.inquiries.all()) == {first, second}
    descriptions = [m.description for m in postmortem.milestones.all()]
    assert descriptions == [
        f"{first.reference}: Inquiry received",
        f"{first.reference}: Assigned → {primary.display_name}",
        f"{second.reference}: Inquiry received",
        f"{second.reference}: Assigned → {primary.display_name}",
        f"{second.reference}: First response",
    ]
    assert postmortem.status == Postmortem.Status.DRAFT and postmortem.created_by == primary.user


def test_postmortem_cannot_cover_another_teams_inquiry(on_shift, team, other_team, primary, outsider):
    ours = inquiry_through_intake(team)
    make_member(other_team, user=primary.user)
    theirs = inquiry_through_intake(other_team)
    with pytest.raises(InvalidInput, match="another team"):
        services.postmortem_create(team=team, actor=primary.user, inquiries=[ours, theirs])
    assert not Postmortem.objects.exists()
    postmortem = services.postmortem_create(team=team, actor=primary.user, inquiries=[ours])
    with pytest.raises(InvalidInput, match="another team"):
        services.postmortem_link_inquiry(postmortem=postmortem, actor=primary.user, inquiry=theirs)
    assert list(postmortem.inquiries.all()) == [ours]


def test_outsider_cannot_write_a_postmortem(inquiry, team, outsider):
    with pytest.raises(NotFoundError):
        services.postmortem_create(team=team, actor=outsider.user, inquiries=[inquiry])


def test_linking_adds_milestones_and_unlinking_keeps_at_least_one(draft, on_shift, team, primary):
    other = inquiry_through_intake(team, subject="Second")
    services.postmortem_link_inquiry(postmortem=draft, actor=primary.user, inquiry=other)
    assert draft.milestones.filter(description__startswith=f"{other.reference}:").exists()
    with pytest.raises(ConflictError, match="already linked"):
        services.postmortem_link_inquiry(postmortem=draft, actor=primary.user, inquiry=other)
    services.postmortem_unlink_inquiry(postmortem=draft, actor=primary.user, inquiry=other)
    [only] = draft.inquiries.all()
    with pytest.raises(InvalidInput, match="at least one"):
        services.postmortem_unlink_inquiry(postmortem=draft, actor=primary.user, inquiry=only)


def test_review_workflow_moves_forward_and_tells_managers_once(draft, primary, manager, teammate):
    submitted = services.postmortem_submit(postmortem=draft, actor=primary.user)
    assert submitted.status == "in_review" and submitted.submitted_at is not None
    told = Notification.objects.filter(kind="postmortem_in_review")
    assert [n.recipient for n in told] == [manager.user]
    assert told[0].link == f"/postmortems/{draft.pk}/"

    discussed = services.postmortem_discuss(postmortem=draft, actor=manager.user, meeting_date="2026-03-04")
    assert discussed.status == "discussed" and discussed.meeting_date == dt.date(2026, 3, 4)
    closed = services.postmortem_close(postmortem=draft, actor=manager.user)
    assert closed.status == "closed" and closed.closed_at is not None
    moves = list(Change.objects.filter(postmortem=draft, kind="status").values_list("from_value", "to_value"))
    assert moves == [("draft", "in_review"), ("in_review", "discussed"), ("discussed", "closed")]
    assert Change.objects.get(kind="status", to_value="closed").actor == manager.user


@pytest.mark.parametrize(
    "move, state",
    [
        ("discuss", "draft"),
        ("close", "draft"),
        ("reopen", "draft"),
        ("submit", "in_review"),
        ("close", "in_review"),
    ],
)
def test_illegal_moves_are_409_naming_the_current_state(draft, primary, manager, move, state):
    if state == "in_review":
        services.postmortem_submit(postmortem=draft, actor=primary.user)
    kwargs = {"meeting_date": "2026-03-04"} if move == "discuss" else {}
    with pytest.raises(ConflictError, match=f"is {state.replace('_', ' ')}"):
        getattr(services, f"postmortem_{move}")(postmortem=draft, actor=manager.user, **kwargs)
    assert Postmortem.objects.get(pk=draft.pk).status == state


def test_discussing_needs_a_meeting_date_and_a_manager(draft, primary, manager):
    services.postmortem_submit(postmortem=draft, actor=primary.user)
    with pytest.raises(InvalidInput, match="Meeting date"):
        services.postmortem_discuss(postmortem=draft, actor=manager.user, meeting_date="")
    with pytest.raises(InvalidInput, match="not a date"):
        services.postmortem_discuss(postmortem=draft, actor=manager.user, meeting_date="next tuesday")
    with pytest.raises(PermissionDenied):
        services.postmortem_discuss(postmortem=draft, actor=primary.user, meeting_date="2026-03-04")
    assert Postmortem.objects.get(pk=draft.pk).status == "in_review"


def test_writers_withdraw_from_review_but_only_managers_reopen_a_discussed_one(draft, primary, manager):
    services.postmortem_submit(postmortem=draft, actor=primary.user)
    assert services.postmortem_reopen(postmortem=draft, actor=primary.user).status == "draft"
    services.postmortem_submit(postmortem=draft, actor=primary.user)
    services.postmortem_discuss(postmortem=draft, actor=manager.user, meeting_date="2026-03-04")
    with pytest.raises(PermissionDenied):
        services.postmortem_reopen(postmortem=draft, actor=primary.user)
    assert Postmortem.objects.get(pk=draft.pk).status == "discussed"
    services.postmortem_close(postmortem=draft, actor=manager.user)
    reopened = services.postmortem_reopen(postmortem=draft, actor=manager.user)
    assert reopened.status == "draft" and reopened.closed_at is None


def test_database_refuses_a_discussed_postmortem_without_meeting_date(draft):
    with pytest.raises(IntegrityError), transaction.atomic():
        Postmortem.objects.filter(pk=draft.pk).update(status="discussed", meeting_date=None)


def test_closed_postmortem_is_read_only_except_action_item_status(draft, primary, manager):
    rec = services.recommendation_add(postmortem=draft, actor=primary.user, data={"description": "Add a FAQ"})
    services.postmortem_submit(postmortem=draft, actor=primary.user)
    services.postmortem_discuss(postmortem=draft, actor=manager.user, meeting_date="2026-03-04")
    services.postmortem_close(postmortem=draft, actor=manager.user)
    with pytest.raises(ConflictError, match="closed"):
        services.postmortem_update(postmortem=draft, actor=primary.user, data={"summary": "late"})
    with pytest.raises(ConflictError, match="closed"):
        services.recommendation_update(recommendation=rec, actor=primary.user, data={"description": "Other"})
    with pytest.raises(ConflictError, match="closed"):
        services.milestone_add(postmortem=draft, actor=primary.user, at=timezone.now(), description="x")
    done = services.recommendation_update(recommendation=rec, actor=primary.user, data={"status": "done"})
    assert done.status == "done" and done.description == "Add a FAQ"


def test_update_checks_every_field_before_writing(draft, primary):
    with pytest.raises(InvalidInput, match="Title cannot be empty"):
        services.postmortem_update(
            postmortem=draft, actor=primary.user, data={"summary": "new", "title": " "}
        )
    with pytest.raises(InvalidInput, match="read-only"):
        services.postmortem_update(postmortem=draft, actor=primary.user, data={"status": "closed"})
    fresh = Postmortem.objects.get(pk=draft.pk)
    assert fresh.summary == draft.summary and fresh.status == "draft"
    services.postmortem_update(
        postmortem=draft, actor=primary.user, data={"impact": "Two courses lost a day"}
    )
    assert Postmortem.objects.get(pk=draft.pk).impact == "Two courses lost a day"


def test_effort_and_people_come_from_the_linked_inquiries_logs(on_shift, team, primary, teammate):
    first, second, unrelated = (
        inquiry_through_intake(team),
        inquiry_through_intake(team),
        inquiry_through_intake(team),
    )
    inquiry_services.effort_log(inquiry=first, actor=primary.user, minutes=30)
    inquiry_services.effort_log(inquiry=first, actor=teammate.user, minutes=45)
    inquiry_services.effort_log(inquiry=second, actor=primary.user, minutes=15)
    inquiry_services.effort_log(inquiry=unrelated, actor=teammate.user, minutes=600)
    postmortem = services.postmortem_create(team=first.team, actor=primary.user, inquiries=[first, second])
    resources = postmortem_resources(postmortem=postmortem)
    assert resources.minutes == 90 and resources.hours == 1.5
    assert [(p.name, p.minutes) for p in resources.people] == [("Pat", 45), ("Tom", 45)]
    annotated = postmortems_for_user(user=primary.user).get(pk=postmortem.pk)
    assert (annotated.effort_minutes, annotated.people_count) == (90, 2)


def test_recommendation_owner_must_be_a_member_of_the_team(draft, primary, outsider):
    with pytest.raises(InvalidInput, match="No active member"):
        services.recommendation_add(
            postmortem=draft, actor=primary.user, data={"description": "Fix", "owner": outsider.pk}
        )
    with pytest.raises(InvalidInput, match="not a date"):
        services.recommendation_add(
            postmortem=draft, actor=primary.user, data={"description": "Fix", "due_date": "soon"}
        )
    assert not Recommendation.objects.exists()
    rec = services.recommendation_add(
        postmortem=draft,
        actor=primary.user,
        data={"description": "Fix", "owner": primary.pk, "due_date": "2026-04-01"},
    )
    assert rec.owner == primary and rec.due_date == dt.date(2026, 4, 1) and rec.status == "open"


def test_recommendation_becomes_a_backlog_item_once(draft, primary, inquiry):
    rec = services.recommendation_add(
        postmortem=draft, actor=primary.user, data={"description": "Memory FAQ"}
    )
    improvement = services.recommendation_make_backlog_item(
        recommendation=rec, actor=primary.user, kind="low_hanging_fruit", estimate_hours=2
    )
    assert Improvement.objects.get() == improvement
    assert (improvement.title, improvement.team, improvement.source_inquiry) == (
        "Memory FAQ",
        draft.team,
        inquiry,
    )
    assert Recommendation.objects.get(pk=rec.pk).improvement == improvement
    with pytest.raises(ConflictError, match="already"):
        services.recommendation_make_backlog_item(
            recommendation=rec, actor=primary.user, kind="low_hanging_fruit", estimate_hours=2
        )
    assert Improvement.objects.count() == 1


def test_backlog_item_rules_of_the_backlog_apply(draft, primary):
    rec = services.recommendation_add(postmortem=draft, actor=primary.user, data={"description": "Rewrite"})
    with pytest.raises(InvalidInput, match="URL"):
        services.recommendation_make_backlog_item(
            recommendation=rec, actor=primary.user, kind="product_issue"
        )
    assert Recommendation.objects.get(pk=rec.pk).improvement is None and not Improvement.objects.exists()


def test_milestones_are_edited_and_need_an_aware_time(draft, primary):
    with pytest.raises(InvalidInput, match="time zone"):
        services.milestone_add(postmortem=draft, actor=primary.user, at="2026-03-02T14:05", description="x")
    milestone = services.milestone_add(
        postmortem=draft, actor=primary.user, at="2026-03-02T14:05+01:00", description="Hub restarted"
    )
    services.milestone_update(milestone=milestone, actor=primary.user, data={"description": "Hub rebooted"})
    assert Milestone.objects.get(pk=milestone.pk).description == "Hub rebooted"
    services.milestone_delete(milestone=milestone, actor=primary.user)
    assert not Milestone.objects.filter(pk=milestone.pk).exists()


def test_resolving_a_serious_inquiry_still_drafts_through_the_package(inquiry, primary):
    inquiry_services.inquiry_update_triage(inquiry=inquiry, actor=primary.user, data={"serious": True})
    inquiry_services.inquiry_resolve(inquiry=inquiry, actor=primary.user, kind="workaround", note="Restarted")
    postmortem = Postmortem.objects.get()
    assert postmortem.summary == "Restarted" and postmortem.status == "draft"
    assert Change.objects.get(postmortem=postmortem).kind == "created"


@pytest.mark.django_db
def test_timeline_of_an_imported_inquiry_starts_when_it_was_received(primary):
    received = timezone.now() - dt.timedelta(days=3)
    inquiry = inquiry_services.inquiry_create(
        team=primary.team,
        subject="Outage",
        body="Down",
        requester_name="Ana",
        requester_email="ana@example.org",
        channel="import",
        actor=primary.user,
        received_at=received,
    )
    inquiry_services.inquiry_update_triage(inquiry=inquiry, actor=primary.user, data={"serious": True})
    inquiry_services.inquiry_resolve(
        inquiry=inquiry, actor=primary.user, kind="workaround", reply="Up again."
    )
    milestones = list(inquiry.postmortems.get().milestones.order_by("at"))
    assert milestones[0].description == "Inquiry received" and milestones[0].at == received
