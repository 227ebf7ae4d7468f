"""Overrides and swaps: who serves a shift changes, `scheduled_member` keeps the scheduler's pick."""

from django.db import transaction
from django.utils import timezone

from supportops.errors import ConflictError, Forbidden, InvalidInput
from supportops.notifications import NoticeKind, at, notify

from ..models import Member, Shift, ShiftEvent, Swap
from ..selectors import user_manages
from .common import unavailable_reason


def _when(shift: Shift) -> str:
    """For a notice: "primary shift starting Mon 23 Nov 09:00 CET", in each recipient's zone."""
    return f"{shift.role} shift starting {at(shift.starts_at)}"


def notified_for_override(*, shift: Shift, member: Member) -> list[str]:
    """Who an override of `shift` to `member` tells, for the confirmation on the pages."""
    people = [
        f"{member.display_name} (takes the shift)",
        f"{shift.member.display_name} (no longer serves it)",
    ]
    told = [f"{p}, in the app and by email" for p in people]
    if shift.team.webhook_url:
        told.append("the team's chat webhook")
    return told


def _link(shift: Shift) -> str:
    return f"/rotations/?team={shift.team.slug}"


def _hand_to(*, shift: Shift, member: Member, kind: str, actor) -> Member:
    previous = shift.member
    if shift.scheduled_member_id is None:
        shift.scheduled_member_id = previous.pk
    shift.member = member
    shift.source = kind
    shift.save(update_fields=["member", "scheduled_member", "source", "updated_at"])
    ShiftEvent.objects.create(shift=shift, kind=kind, actor=actor, from_member=previous, to_member=member)
    return previous


@transaction.atomic
def shift_override(*, shift: Shift, member: Member, actor) -> Shift:
    """Give one shift to `member` (a one-off replacement), by a manager or the shift's member."""
    shift = Shift.objects.select_for_update().select_related("team", "member__user").get(pk=shift.pk)
    if shift.member.user_id != actor.pk and not user_manages(user=actor, team=shift.team):
        raise Forbidden("Only the shift's member or a manager can override it.")
    if shift.ends_at <= timezone.now():
        raise ConflictError("This shift is over; the past cannot be overridden.")
    if member.pk == shift.member_id:
        raise ConflictError(f"{member.display_name} already serves this shift.")
    reason = unavailable_reason(
        member=member, start=shift.starts_at, end=shift.ends_at, role=shift.role, team=shift.team
    )
    if reason:
        raise ConflictError(reason, field="member")
    previous = _hand_to(shift=shift, member=member, kind=Shift.Source.OVERRIDE, actor=actor)
    for person, text in ((member, "You now serve"), (previous, "You no longer serve")):
        notify(
            recipient=person.user,
            kind=NoticeKind.SHIFT_CHANGED,
            title=f"{text} a {shift.team.name} {_when(shift)}",
            body=f"Override by {actor.get_full_name() or actor.username}.",
            link=_link(shift),
            team=shift.team,
            shift=shift,
        )
    return shift


def _check_swap_legal(swap: Swap) -> None:
    now = timezone.now()
    shift, other = swap.shift, swap.counterpart_shift
    if shift.member_id != swap.requester_id:
        raise ConflictError("The shift no longer belongs to the requester.")
    if shift.starts_at <= now or (other is not None and other.starts_at <= now):
        raise ConflictError("Only shifts that have not started can be swapped.")
    if other is not None and other.member_id != swap.counterpart_id:
        raise ConflictError("The counterpart's shift no longer belongs to them.")
    reason = unavailable_reason(
        member=swap.counterpart, start=shift.starts_at, end=shift.ends_at, role=shift.role, team=shift.team
    )
    if reason is None and other is not None:
        reason = unavailable_reason(
            member=swap.requester, start=other.starts_at, end=other.ends_at, role=other.role, team=other.team
        )
    if reason:
        raise ConflictError(reason)


def _apply(swap: Swap, actor) -> None:
    _hand_to(shift=swap.shift, member=swap.counterpart, kind=Shift.Source.SWAP, actor=actor)
    if swap.counterpart_shift is not None:
        _hand_to(shift=swap.counterpart_shift, member=swap.requester, kind=Shift.Source.SWAP, actor=actor)
    swap.status = Swap.Status.ACCEPTED
    swap.decided_at = timezone.now()
    swap.save(update_fields=["status", "decided_at"])


@transaction.atomic
def swap_request(
    *, shift: Shift, counterpart: Member, actor, counterpart_shift: Shift | None = None, note: str = ""
) -> Swap:
    """A member offers their shift (maybe for one of the counterpart's); a manager's swap applies at once."""
    shift = Shift.objects.select_for_update().select_related("team", "member__user").get(pk=shift.pk)
    manages = user_manages(user=actor, team=shift.team)
    if shift.member.user_id != actor.pk and not manages:
        raise Forbidden("Only the shift's member or a manager can offer it for a swap.")
    if counterpart.team_id != shift.team_id or not counterpart.is_active:
        raise InvalidInput(f"{counterpart.display_name} is not an active member of {shift.team.name}.")
    if counterpart.pk == shift.member_id:
        raise InvalidInput("A swap needs another member.", field="counterpart")
    if counterpart_shift is not None:
        counterpart_shift = Shift.objects.select_for_update().get(pk=counterpart_shift.pk)
        if counterpart_shift.team_id != shift.team_id or counterpart_shift.pk == shift.pk:
            raise InvalidInput("The shift in return must be another shift of the same team.")
    if len(note) > 300:
        raise InvalidInput("note is at most 300 characters.", field="note")
    if Swap.objects.filter(shift=shift, status=Swap.Status.PENDING).exists():
        raise ConflictError("A swap of this shift is already pending.")
    swap = Swap(
        team=shift.team,
        requester=shift.member,
        shift=shift,
        counterpart=counterpart,
        counterpart_shift=counterpart_shift,
        note=note,
        created_by=actor,
    )
    _check_swap_legal(swap)
    swap.save()
    arranged = manages and shift.member.user_id != actor.pk
    if arranged:
        _apply(swap, actor)
    for person in (counterpart, shift.member) if arranged else (counterpart,):
        notify(
            recipient=person.user,
            kind=NoticeKind.SHIFT_CHANGED if arranged else NoticeKind.SWAP_REQUESTED,
            title=(
                f"Swap arranged: {_when(shift)}"
                if arranged
                else f"{shift.member.display_name} asks you to take their {_when(shift)}"
                + (f" in exchange for your {_when(counterpart_shift)}" if counterpart_shift else " (cover)")
            ),
            body=note,
            link=_link(shift),
            team=shift.team,
            shift=shift,
        )
    return swap


def _locked_swap(swap: Swap) -> Swap:
    swap = (
        Swap.objects.select_for_update()
        .select_related("team", "requester__user", "counterpart__user")
        .get(pk=swap.pk)
    )
    swap.shift = Shift.objects.select_for_update().select_related("team").get(pk=swap.shift_id)
    if swap.counterpart_shift_id:
        swap.counterpart_shift = (
            Shift.objects.select_for_update().select_related("team").get(pk=swap.counterpart_shift_id)
        )
    return swap


def _require_pending(swap: Swap) -> None:
    if swap.status != Swap.Status.PENDING:
        raise ConflictError(f"This swap is already {swap.status}.")


@transaction.atomic
def swap_accept(*, swap: Swap, actor) -> Swap:
    swap = _locked_swap(swap)
    if swap.counterpart.user_id != actor.pk and not user_manages(user=actor, team=swap.team):
        raise Forbidden("Only the member asked or a manager can accept this swap.")
    _require_pending(swap)
    _check_swap_legal(swap)
    _apply(swap, actor)
    notify(
        recipient=swap.requester.user,
        kind=NoticeKind.SHIFT_CHANGED,
        title=f"{swap.counterpart.display_name} accepted your swap: {_when(swap.shift)}",
        link=_link(swap.shift),
        team=swap.team,
        shift=swap.shift,
    )
    return swap


@transaction.atomic
def swap_decline(*, swap: Swap, actor, reason: str = "") -> Swap:
    swap = _locked_swap(swap)
    if swap.counterpart.user_id != actor.pk and not user_manages(user=actor, team=swap.team):
        raise Forbidden("Only the member asked or a manager can decline this swap.")
    _require_pending(swap)
    swap.status, swap.decided_at, swap.decision_reason = Swap.Status.DECLINED, timezone.now(), reason[:300]
    swap.save(update_fields=["status", "decided_at", "decision_reason"])
    notify(
        recipient=swap.requester.user,
        kind=NoticeKind.SWAP_DECLINED,
        title=f"{swap.counterpart.display_name} declined your swap: {_when(swap.shift)}",
        body=reason,
        link=_link(swap.shift),
        team=swap.team,
        shift=swap.shift,
    )
    return swap


@transaction.atomic
def swap_cancel(*, swap: Swap, actor) -> Swap:
    swap = _locked_swap(swap)
    if swap.requester.user_id != actor.pk and not user_manages(user=actor, team=swap.team):
        raise Forbidden("Only the requester or a manager can cancel this swap.")
    _require_pending(swap)
    swap.status, swap.decided_at = Swap.Status.CANCELLED, timezone.now()
    swap.save(update_fields=["status", "decided_at"])
    return swap
