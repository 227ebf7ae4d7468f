"""Shift-end handoff (SPEC 3.6): at each primary shift boundary, the outgoing Primary's open inquiries
pass to the incoming Primary, exactly once per (team, boundary), caught up after downtime.

`shifts_hand_off` is one transaction of a fixed number of set-based statements whatever the size of
the queue: the Handoff row is inserted first with ON CONFLICT DO NOTHING (the unique constraint is the
exactly-once; a concurrent second run waits on the index entry, then gets nothing and does nothing),
then one SELECT … FOR UPDATE of the inquiries to move, ONE UPDATE moving them, one INSERT of their
events, one of the digest (in-app + outbox), and one each of the public messages and requester emails.
A worker killed half-way rolls all of it back, Handoff row included, and the next sweep redoes it."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from shifts.models import Member, Rotation, Shift, Team
from shifts.selectors import next_shift, shift_at
from supportops.errors import NotFoundError
from supportops.notifications import Notice, email_message, notify_many, outbox_add

from .models import OPEN_STATUSES, Event, Handoff, Inquiry, Message
from .services._common import local_time, tracking_url_for_token
from .sla import insert_ignoring_conflicts

logger = logging.getLogger(__name__)

# The digest lists this many inquiries; beyond that it counts them (the dashboard lists them all).
DIGEST_LINES = 200


def _digest(*, team: Team, outgoing: Member, moved: list[dict]) -> str:
    lines = []
    for row in moved[:DIGEST_LINES]:
        due = local_time(row["response_due_at"], team) if row["response_due_at"] else "no deadline"
        line = f"{row['reference']} · {row['status']} · respond by {due} · {row['subject']}"
        if row["handoff_note"]:
            line += f"\n    Note from {outgoing.display_name}: {row['handoff_note']}"
        lines.append(line)
    if len(moved) > DIGEST_LINES:
        lines.append(f"… and {len(moved) - DIGEST_LINES} more: see your dashboard.")
    return "\n".join(lines)


def _notify_uncovered(*, team: Team, outgoing: Member, boundary: dt.datetime, open_count: int) -> None:
    managers = [
        m.user
        for m in Member.objects.filter(team=team, role=Member.Role.MANAGER, is_active=True).select_related(
            "user"
        )
    ]
    if not managers:
        logger.warning("uncovered queue and no manager to tell", extra={"team": team.slug})
    notify_many(
        [
            Notice(
                recipients=managers,
                kind="queue_uncovered",
                title=f"{team.name}: no Primary after {local_time(boundary, team)}",
                body=(
                    f"{outgoing.display_name}'s shift ended and no primary shift follows. "
                    f"{open_count} open inquiries stay with {outgoing.display_name}. "
                    "Schedule a shift or assign them."
                ),
                link="/",
                team=team,
            )
        ]
    )


def shifts_hand_off(*, team: Team, boundary: dt.datetime) -> Handoff | None:
    """Hand the queue of the primary shift ending at `boundary` to the next Primary. Returns the new
    Handoff, or None if this boundary was already handed off (by this or a concurrent run)."""
    with transaction.atomic():
        ending = (
            Shift.objects.filter(team=team, role=Rotation.Role.PRIMARY, ends_at=boundary)
            .select_related("member__user")
            .first()
        )
        if ending is None:
            raise NotFoundError(f"No primary shift of {team.slug} ends at {boundary.isoformat()}.")
        outgoing = ending.member
        following = shift_at(team=team, at=boundary) or next_shift(team=team, after=boundary)
        incoming = following.member if following else None
        now = timezone.now()
        inserted = insert_ignoring_conflicts(
            Handoff,
            [
                {
                    "team": team.pk,
                    "boundary": boundary,
                    "outgoing": outgoing.pk,
                    "incoming": incoming.pk if incoming else None,
                    "uncovered": incoming is None,
                    "moved_count": 0,
                    "kept_count": 0,
                    "processed_at": now,
                }
            ],
            conflict=("team", "boundary"),
            returning="id",
        )
        if not inserted:
            return None
        handoff = Handoff(
            pk=inserted[0],
            team=team,
            boundary=boundary,
            outgoing=outgoing,
            incoming=incoming,
            uncovered=incoming is None,
            processed_at=now,
        )
        queue = Inquiry.objects.filter(team=team, assignee=outgoing, status__in=OPEN_STATUSES)
        if incoming is None:
            _notify_uncovered(team=team, outgoing=outgoing, boundary=boundary, open_count=queue.count())
            return handoff
        if incoming.pk == outgoing.pk:
            return handoff  # back-to-back shifts of one person: nothing changes hands.

        # Locks the queue: a reply racing the handoff waits, then acts on the moved row.
        rows = list(
            queue.select_for_update()
            .order_by("response_due_at", "pk")
            .values(
                "pk",
                "reference",
                "subject",
                "status",
                "keep",
                "handoff_note",
                "response_due_at",
                "requester_email",
                "tracking_token",
            )
        )
        moved = [row for row in rows if not row["keep"]]
        ids = [row["pk"] for row in moved]
        if ids:
            Inquiry.objects.filter(pk__in=ids).update(assignee=incoming, handoff_note="", updated_at=now)
            Event.objects.bulk_create(
                Event(
                    inquiry_id=row["pk"],
                    kind="handed_off",
                    actor=None,
                    from_value=outgoing.display_name[:200],
                    to_value=incoming.display_name[:200],
                    note=row["handoff_note"],
                )
                for row in moved
            )
        Handoff.objects.filter(pk=handoff.pk).update(
            moved_count=len(moved), kept_count=len(rows) - len(moved)
        )
        handoff.moved_count, handoff.kept_count = len(moved), len(rows) - len(moved)
        if not moved:
            return handoff

        notify_many(
            [
                Notice(
                    recipients=[incoming.user],
                    kind="handoff_digest",
                    title=f"Handoff from {outgoing.display_name}: {len(moved)} inquiries are now yours",
                    body=_digest(team=team, outgoing=outgoing, moved=moved),
                    link="/",
                    team=team,
                )
            ]
        )
        if team.handoff_notifies_requester:
            _tell_requesters(
                team=team, incoming=incoming, starts_later=following.starts_at > boundary, moved=moved
            )
        return handoff


def _tell_requesters(*, team: Team, incoming: Member, starts_later: bool, moved: list[dict]) -> None:
    role = "the Primary of the next shift" if starts_later else "the Primary on shift"
    texts = {
        row["pk"]: f"Your question {row['reference']} is now with {incoming.display_name}, {role}."
        for row in moved
    }
    Message.objects.bulk_create(
        Message(inquiry_id=row["pk"], kind=Message.Kind.SYSTEM, author=None, body=texts[row["pk"]])
        for row in moved
    )
    emails = []
    for row in moved:
        if not row["requester_email"]:
            continue  # GitHub and alert requesters have no address here
        email = email_message(
            to=row["requester_email"],
            subject=f"[{row['reference']}] Now with {incoming.display_name}",
            body=(
                f"{texts[row['pk']]}\n\nFollow your question, reply or reopen it here (a private link, "
                f"do not share it):\n{tracking_url_for_token(row['tracking_token'])}\n\n"
                f"Reference: {row['reference']}"
            ),
        )
        email.inquiry_id = row["pk"]
        emails.append(email)
    outbox_add(emails)


def handoff_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Hand off every primary boundary that has passed (within the catch-up horizon) and has no Handoff
    yet, oldest first so a queue missed across several boundaries travels along them in order."""
    now = now or timezone.now()
    horizon = now - dt.timedelta(days=settings.SLA_HANDOFF_CATCHUP_DAYS)
    done = Handoff.objects.filter(team=OuterRef("team"), boundary=OuterRef("ends_at"))
    pending = (
        Shift.objects.filter(role=Rotation.Role.PRIMARY, ends_at__lte=now, ends_at__gt=horizon)
        .filter(~Exists(done))
        .select_related("team")
        .order_by("ends_at", "team_id")
    )
    counts = {"handoffs": 0, "moved": 0, "uncovered": 0}
    for shift in pending:
        handoff = shifts_hand_off(team=shift.team, boundary=shift.ends_at)
        if handoff is None:
            continue
        counts["handoffs"] += 1
        counts["moved"] += handoff.moved_count
        counts["uncovered"] += int(handoff.uncovered)
    return counts
