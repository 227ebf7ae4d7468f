"""Escalation: the Primary enlists another member, who accepts or declines with a reason."""

from django.db import transaction

from shifts.models import Member
from supportops.errors import ConflictError, InvalidInput, NotFoundError
from supportops.notifications import NoticeKind, notify

from ..models import Escalation, Event, Inquiry
from ._common import clean_text, event_record, inquiry_lock, inquiry_path, member_of_team, state_word


def inquiry_escalate(*, inquiry: Inquiry, actor, member: Member | int, reason: str) -> Escalation:
    reason = clean_text(reason, field="reason", label="Reason", max_length=4000)
    target = member_of_team(team=inquiry.team, member=member)
    if target.user_id == getattr(actor, "pk", None):
        raise InvalidInput("You cannot escalate an inquiry to yourself.", field="member")
    with transaction.atomic():
        inquiry = inquiry_lock(inquiry=inquiry)
        if not inquiry.is_open:
            raise ConflictError(
                f"Inquiry {inquiry.reference} is {state_word(inquiry)}; it cannot be escalated."
            )
        if Escalation.objects.filter(
            inquiry=inquiry, member=target, status=Escalation.Status.PENDING
        ).exists():
            raise ConflictError(
                f"{target.display_name} has not yet answered the pending escalation of {inquiry.reference}."
            )
        escalation = Escalation.objects.create(
            inquiry=inquiry, member=target, requested_by=actor, reason=reason
        )
        event_record(
            inquiry=inquiry, kind=Event.Kind.ESCALATED, actor=actor, to_value=target.display_name, note=reason
        )
        notify(
            recipient=target.user,
            kind=NoticeKind.ESCALATED,
            title=f"{inquiry.reference} escalated to you: {inquiry.subject}",
            body=f"Reason: {reason}",
            link=inquiry_path(inquiry),
            team=inquiry.team,
            inquiry=inquiry,
        )
    return escalation


def _decide(*, escalation: Escalation, actor, accept: bool, reason: str) -> Escalation:
    with transaction.atomic():
        escalation = (
            Escalation.objects.select_for_update(of=("self",))
            .select_related("inquiry__team", "inquiry__assignee__user", "member__user", "requested_by")
            .get(pk=escalation.pk)
        )
        if escalation.member.user_id != actor.pk and not actor.is_superuser:
            raise NotFoundError(f"No escalation {escalation.pk} addressed to you.")
        verb = "accepted" if accept else "declined"
        if escalation.status != Escalation.Status.PENDING:
            raise ConflictError(
                f"Escalation {escalation.pk} of {escalation.inquiry.reference} is already "
                f"{escalation.get_status_display().lower()}; it cannot be {verb}."
            )
        from django.utils import timezone

        escalation.status = Escalation.Status.ACCEPTED if accept else Escalation.Status.DECLINED
        escalation.response_reason = reason
        escalation.decided_at = timezone.now()
        escalation.save(update_fields=["status", "response_reason", "decided_at"])
        inquiry = escalation.inquiry
        event_record(
            inquiry=inquiry,
            kind=f"escalation_{verb}",
            actor=actor,
            from_value=Escalation.Status.PENDING,
            to_value=escalation.status,
            note=reason,
        )
        # The Primary stays responsible for the response goal: they hear the answer (and whoever asked).
        recipients = {escalation.requested_by} if escalation.requested_by else set()
        if inquiry.assignee_id:
            recipients.add(inquiry.assignee.user)
        for user in recipients - {actor}:
            notify(
                recipient=user,
                kind=f"escalation_{verb}",
                title=f"{escalation.member.display_name} {verb} the escalation of {inquiry.reference}",
                body=reason,
                link=inquiry_path(inquiry),
                team=inquiry.team,
                inquiry=inquiry,
            )
    return escalation


def escalation_accept(*, escalation: Escalation, actor, reason: str = "") -> Escalation:
    reason = clean_text(reason, field="reason", label="Reason", max_length=4000, required=False)
    return _decide(escalation=escalation, actor=actor, accept=True, reason=reason)


def escalation_decline(*, escalation: Escalation, actor, reason: str) -> Escalation:
    reason = clean_text(reason, field="reason", label="A reason for declining", max_length=4000)
    return _decide(escalation=escalation, actor=actor, accept=False, reason=reason)
