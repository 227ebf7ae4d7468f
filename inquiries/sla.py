"""Response-time enforcement (SPEC 3.5): the sweep that notifies what is due, each (inquiry, kind,
deadline) exactly once.

The database decides what is due. Candidates come from the partial indexes on `response_due_at` and
`response_guarantee_at` of `new` inquiries, minus those that already have the notice (NOT EXISTS on the
unique (inquiry, kind, deadline) index), so the cost follows what is due, not what is stored. For each
batch, in ONE transaction: lock the candidates with SKIP LOCKED (a concurrent sweep takes other rows),
insert their SlaNotice rows with ON CONFLICT DO NOTHING RETURNING (the unique constraint is the
exactly-once: a sweep whose snapshot predates a concurrent commit gets nothing back for those rows), and
write the notifications and outbox rows for exactly the notices it inserted. A worker killed mid-batch
rolls everything back; the next sweep does the batch again. Email and webhook leave after commit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from shifts.models import Member, Rotation, Shift
from supportops.db import insert_ignoring_conflicts
from supportops.notifications import Notice, at, notify_many

from . import hooks
from .models import Inquiry, SlaNotice
from .services._common import inquiry_path

BATCH = 200
Kind = SlaNotice.Kind


# The response clock runs while nobody has answered; the resolution clock while the inquiry is open and
# not waiting on the requester (SPEC 3.1: time in `waiting` does not count).
RESPONSE_PENDING = (Inquiry.Status.NEW,)
RESOLUTION_RUNNING = (Inquiry.Status.NEW, Inquiry.Status.RESPONDED)
WARNINGS = (Kind.DUE_SOON, Kind.RESOLUTION_DUE_SOON)


@dataclass(frozen=True)
class _Rule:
    kind: str
    column: str
    statuses: tuple[str, ...] = RESPONSE_PENDING

    def candidates(self, *, now: dt.datetime) -> models.QuerySet[Inquiry]:
        window = {f"{self.column}__lte": now}
        if self.kind in WARNINGS:
            # Due soon but not yet due: once it is overdue, the overdue notice says more.
            window = {
                f"{self.column}__gt": now,
                f"{self.column}__lte": now + dt.timedelta(minutes=settings.SLA_WARNING_MINUTES),
            }
        notified = SlaNotice.objects.filter(
            inquiry=OuterRef("pk"), kind=self.kind, deadline=OuterRef(self.column)
        )
        return (
            Inquiry.objects.filter(status__in=self.statuses, **window)
            .filter(~Exists(notified))
            # Imported history: a deadline that had passed before the import is nobody's news.
            .exclude(channel=Inquiry.Channel.IMPORT, **{f"{self.column}__lte": F("created_at")})
            .order_by(self.column, "pk")
            # SKIP LOCKED: a concurrent sweep (two beats, a retry) takes other rows instead of waiting.
            # Ignored on SQLite, whose IMMEDIATE transactions serialise sweeps anyway.
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("team", "assignee__user")
        )


RULES = (
    _Rule(Kind.OVERDUE, "response_due_at"),
    _Rule(Kind.GUARANTEE_BREACHED, "response_guarantee_at"),
    _Rule(Kind.DUE_SOON, "response_due_at"),
    _Rule(Kind.RESOLUTION_OVERDUE, "resolution_due_at", RESOLUTION_RUNNING),
    _Rule(Kind.RESOLUTION_DUE_SOON, "resolution_due_at", RESOLUTION_RUNNING),
)


class _Recipients:
    """The team's managers and the secondary on shift, read once per batch for all its teams."""

    def __init__(self, *, team_ids: set[int], now: dt.datetime):
        self.managers: dict[int, list] = {}
        for member in Member.objects.filter(
            team_id__in=team_ids, role=Member.Role.MANAGER, is_active=True
        ).select_related("user"):
            self.managers.setdefault(member.team_id, []).append(member.user)
        self.secondary: dict[int, object] = {
            shift.team_id: shift.member.user
            for shift in Shift.objects.filter(
                team_id__in=team_ids, role=Rotation.Role.SECONDARY, starts_at__lte=now, ends_at__gt=now
            ).select_related("member__user")
        }


def _notice(kind: str, inquiry: Inquiry, people: _Recipients, now: dt.datetime) -> Notice:
    team = inquiry.team
    assignee = inquiry.assignee.user if inquiry.assignee else None
    owner = inquiry.assignee.display_name if inquiry.assignee else "nobody"
    managers = people.managers.get(team.pk, [])
    common = {"kind": kind, "link": inquiry_path(inquiry), "team": team, "inquiry": inquiry}
    if kind == Kind.DUE_SOON:
        minutes = max(round((inquiry.response_due_at - now).total_seconds() / 60), 1)
        return Notice(
            # Nobody assigned: the managers are the ones who can fix that before it is late.
            recipients=[assignee] if assignee else managers,
            title=f"{inquiry.reference} response due in {minutes} min: {inquiry.subject}",
            body=f"Respond to {inquiry.requester_name} by {at(inquiry.response_due_at)}.",
            **common,
        )
    if kind == Kind.RESOLUTION_DUE_SOON:
        minutes = max(round((inquiry.resolution_due_at - now).total_seconds() / 60), 1)
        return Notice(
            recipients=[assignee] if assignee else managers,
            title=f"{inquiry.reference} resolution due in {minutes} min: {inquiry.subject}",
            body=f"Resolve it (or put it on wait) by {at(inquiry.resolution_due_at)}.",
            **common,
        )
    if kind == Kind.RESOLUTION_OVERDUE:
        return Notice(
            recipients=[assignee, *managers],
            title=f"{inquiry.reference} resolution overdue: {inquiry.subject}",
            body=(
                f"The team's resolution target ran out {at(inquiry.resolution_due_at)} "
                f"and the inquiry is still {inquiry.status}. Assigned to {owner}."
            ),
            **common,
        )
    if kind == Kind.OVERDUE:
        return Notice(
            recipients=[assignee, people.secondary.get(team.pk), *managers],
            title=f"{inquiry.reference} response overdue: {inquiry.subject}",
            body=(
                f"The first response to {inquiry.requester_name} was due "
                f"{at(inquiry.response_due_at)} and has not been sent. Assigned to {owner}."
            ),
            **common,
        )
    return Notice(
        recipients=managers,
        title=f"{inquiry.reference} response guarantee breached: {inquiry.subject}",
        body=(
            f"Received {at(inquiry.received_at)}, still without a response at the guarantee "
            f"({at(inquiry.response_guarantee_at)}). Assigned to {owner}."
        ),
        **common,
    )


def _sweep_batch(rule: _Rule, *, now: dt.datetime) -> tuple[int, int]:
    """One transaction: (candidates seen, notices inserted)."""
    with transaction.atomic():
        candidates = list(rule.candidates(now=now)[:BATCH])
        if not candidates:
            return 0, 0
        inserted = set(
            insert_ignoring_conflicts(
                SlaNotice,
                [
                    {
                        "inquiry": i.pk,
                        "kind": rule.kind,
                        "deadline": getattr(i, rule.column),
                        "created_at": now,
                    }
                    for i in candidates
                ],
                conflict=("inquiry", "kind", "deadline"),
                returning="inquiry",
            )
        )
        mine = [inquiry for inquiry in candidates if inquiry.pk in inserted]
        if mine:
            people = _Recipients(team_ids={inquiry.team_id for inquiry in mine}, now=now)
            notify_many(_notice(rule.kind, inquiry, people, now) for inquiry in mine)
        return len(candidates), len(mine)


def sla_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Notify every response and resolution deadline that is due, and remind owners of overdue
    postmortem action items (once a day); returns how many notices were sent, by kind."""
    now = now or timezone.now()
    counts = {rule.kind: 0 for rule in RULES}
    for rule in RULES:
        while True:
            seen, sent = _sweep_batch(rule, now=now)
            counts[rule.kind] += sent
            if seen < BATCH:
                break
    counts.update(hooks.sla_sweep_extras(now=now))
    return counts
