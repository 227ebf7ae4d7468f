"""Shift-end handoff (SPEC 3.6): at each primary shift boundary, the outgoing Primary's open inquiries
pass to the incoming Primary, exactly once per (team, boundary), caught up after downtime.

Catch-up is one move, not a replay. `team_hand_off` takes every boundary of the team that has passed
without a Handoff row (usually one; several after a worker outage) and moves each open inquiry once,
from whoever holds it to the Primary on shift *now* (or of the next shift), with one `handed_off` event
naming the boundaries it missed, one digest for the incoming Primary and at most one email per
requester. An inquiry only travels for a boundary it was there for: one that arrived (for an import:
was imported) after a boundary is not moved by it.

It is one transaction of a fixed number of set-based statements whatever the size of the queue. The
team's row is locked first, so two sweeps at once queue behind each other and the second finds nothing
pending; the Handoff rows are inserted with ON CONFLICT DO NOTHING as well (the unique (team, boundary)
constraint is the exactly-once). A worker killed half-way rolls all of it back, Handoff rows included,
and the next sweep redoes it."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Exists, OuterRef, Value, When
from django.utils import timezone

from shifts.models import Member, Rotation, Shift, Team
from shifts.selectors import next_shift, shift_at
from supportops.db import insert_ignoring_conflicts
from supportops.errors import NotFoundError
from supportops.notifications import Notice, NoticeKind, at, email_message, notify_many, outbox_add

from .models import OPEN_STATUSES, Event, Handoff, Inquiry, Message
from .services._common import local_time, tracking_url_for_token

logger = logging.getLogger(__name__)

# The digest lists this many inquiries; beyond that it counts them (the dashboard lists them all).
DIGEST_LINES = 200
# A requester's handoff email lists this many of their questions (with their private links).
REQUESTER_EMAIL_LINES = 20


@dataclass
class HandoffRun:
    """What one (possibly catch-up) handoff of a team did."""

    handoffs: list[Handoff] = field(default_factory=list)  # one per boundary taken, oldest first
    incoming: Member | None = None
    moved: int = 0
    kept: int = 0

    @property
    def uncovered(self) -> bool:
        return self.incoming is None


def _arrived(row: dict) -> dt.datetime:
    """When the inquiry entered this team's queue: an import only when it was imported."""
    if row["channel"] == Inquiry.Channel.IMPORT:
        return max(row["received_at"], row["created_at"])
    return row["received_at"]


def _boundaries_text(boundaries: list[dt.datetime], team: Team) -> str:
    return ", ".join(local_time(b, team) for b in boundaries)


def _digest(*, team: Team, moved: list[dict], holders: dict[int, Member], missed: list[dt.datetime]) -> str:
    lines = []
    if len(missed) > 1:
        lines.append(f"Caught up after {len(missed)} missed shift ends ({', '.join(at(b) for b in missed)}).")
    several = len({row["assignee_id"] for row in moved}) > 1
    for row in moved[:DIGEST_LINES]:
        due = at(row["response_due_at"]) if row["response_due_at"] else "no deadline"
        line = f"{row['reference']} · {row['status']} · respond by {due} · {row['subject']}"
        holder = holders[row["assignee_id"]].display_name
        if several:
            line += f" · from {holder}"
        if row["handoff_note"]:
            line += f"\n    Note from {holder}: {row['handoff_note']}"
        lines.append(line)
    if len(moved) > DIGEST_LINES:
        lines.append(f"… and {len(moved) - DIGEST_LINES} more: see your dashboard.")
    return "\n".join(lines)


def _notify_uncovered(*, team: Team, holders: list[Member], after: dt.datetime, open_count: int) -> None:
    managers = [
        m.user
        for m in Member.objects.filter(team=team, role=Member.Role.MANAGER, is_active=True).select_related(
            "user"
        )
    ]
    if not managers:
        logger.warning("uncovered queue and no manager to tell", extra={"team": team.slug})
    names = ", ".join(m.display_name for m in holders)
    notify_many(
        [
            Notice(
                recipients=managers,
                kind=NoticeKind.QUEUE_UNCOVERED,
                title=f"{team.name}: no Primary after {at(after)}",
                body=(
                    f"{names}'s shift ended and no primary shift follows. "
                    f"{open_count} open inquiries stay with {names}. "
                    "Schedule a shift or assign them."
                ),
                link="/",
                team=team,
            )
        ]
    )


def _event_note(row: dict, missed: list[dt.datetime], *, catch_up: bool, team: Team) -> str:
    note = row["handoff_note"]
    if catch_up:
        ends = "shift end" if len(missed) == 1 else "shift ends"
        line = f"Caught up: missed {ends} {_boundaries_text(missed, team)}."
        note = f"{note}\n\n{line}" if note else line
    return note


def team_hand_off(*, team: Team, now: dt.datetime | None = None) -> HandoffRun | None:
    """Hand off every primary boundary of `team` that passed by `now` (within the catch-up horizon) and
    has not been handed off, as one move to the Primary on shift at `now` (or of the next shift).
    Returns None when nothing was pending (already done by this or a concurrent run)."""
    now = now or timezone.now()
    horizon = now - dt.timedelta(days=settings.SLA_HANDOFF_CATCHUP_DAYS)
    with transaction.atomic():
        # Serialises handoffs of one team: a concurrent sweep waits here, then sees the rows we wrote.
        # NO KEY UPDATE: rows that merely reference the team (events, notifications written by a
        # transition holding an inquiry lock) do not wait for us, so no lock cycle with them.
        list(Team.objects.select_for_update(no_key=True).filter(pk=team.pk).values_list("pk", flat=True))
        done = Handoff.objects.filter(team=team, boundary=OuterRef("ends_at"))
        ending: dict[dt.datetime, int] = {}
        for ends_at, member_id in (
            Shift.objects.filter(team=team, role=Rotation.Role.PRIMARY, ends_at__lte=now, ends_at__gt=horizon)
            .filter(~Exists(done))
            .order_by("ends_at", "pk")
            .values_list("ends_at", "member_id")
        ):
            ending.setdefault(ends_at, member_id)
        if not ending:
            return None
        following = shift_at(team=team, at=now) or next_shift(team=team, after=now)
        incoming = following.member if following else None
        ids = insert_ignoring_conflicts(
            Handoff,
            [
                {
                    "team": team.pk,
                    "boundary": boundary,
                    "outgoing": outgoing_id,
                    "incoming": incoming.pk if incoming else None,
                    "uncovered": incoming is None,
                    "moved_count": 0,
                    "kept_count": 0,
                    "processed_at": now,
                }
                for boundary, outgoing_id in ending.items()
            ],
            conflict=("team", "boundary"),
            returning="id",
        )
        if not ids:
            return None
        handoffs = list(Handoff.objects.filter(pk__in=ids).order_by("boundary"))
        run = HandoffRun(handoffs=handoffs, incoming=incoming)
        # Which boundaries each outgoing Primary's queue missed.
        by_holder: dict[int, list[dt.datetime]] = {}
        for handoff in handoffs:
            handoff.team = team
            if handoff.outgoing_id is not None:
                by_holder.setdefault(handoff.outgoing_id, []).append(handoff.boundary)
        holders = {m.pk: m for m in Member.objects.filter(pk__in=by_holder).select_related("user")}

        # Locks the queues: a reply racing the handoff waits, then acts on the moved row.
        rows = list(
            Inquiry.objects.filter(team=team, assignee_id__in=list(by_holder), status__in=OPEN_STATUSES)
            .select_for_update()
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
                "assignee_id",
                "received_at",
                "created_at",
                "channel",
            )
        )
        # An inquiry travels only for boundaries it was there for; then once, to the Primary of now.
        missed_by: dict[int, list[dt.datetime]] = {}
        for row in rows:
            missed = [b for b in by_holder[row["assignee_id"]] if _arrived(row) < b]
            if missed:
                missed_by[row["pk"]] = missed
        concerned = [row for row in rows if row["pk"] in missed_by]
        run.kept = sum(1 for row in concerned if row["keep"])
        last = handoffs[-1]

        if incoming is None:
            Handoff.objects.filter(pk=last.pk).update(kept_count=run.kept)
            _notify_uncovered(
                team=team,
                holders=[holders[pk] for pk in by_holder if pk in holders],
                after=last.boundary,
                open_count=len(concerned),
            )
            return run

        # Back-to-back shifts of one person (or a queue already with the Primary): nothing changes hands.
        moved = [row for row in concerned if not row["keep"] and row["assignee_id"] != incoming.pk]
        run.moved = len(moved)
        catch_up = len(handoffs) > 1
        if moved:
            Inquiry.objects.filter(pk__in=[row["pk"] for row in moved]).update(
                assignee=incoming, handoff_note="", updated_at=now
            )
            Event.objects.bulk_create(
                Event(
                    inquiry_id=row["pk"],
                    kind=Event.Kind.HANDED_OFF,
                    actor=None,
                    from_value=holders[row["assignee_id"]].display_name[:200],
                    to_value=incoming.display_name[:200],
                    note=_event_note(row, missed_by[row["pk"]], catch_up=catch_up, team=team),
                )
                for row in moved
            )
        # Counted on the boundary each inquiry finally travelled at (its last missed one).
        moved_at: dict[int, int] = {}
        kept_at: dict[int, int] = {}
        pk_of = {h.boundary: h.pk for h in handoffs}
        moved_ids = {row["pk"] for row in moved}
        for row in concerned:
            counter = kept_at if row["keep"] else moved_at if row["pk"] in moved_ids else None
            if counter is not None:
                key = pk_of[missed_by[row["pk"]][-1]]
                counter[key] = counter.get(key, 0) + 1
        if moved_at or kept_at:
            Handoff.objects.filter(pk__in=[h.pk for h in handoffs]).update(
                moved_count=Case(*(When(pk=k, then=Value(v)) for k, v in moved_at.items()), default=Value(0)),
                kept_count=Case(*(When(pk=k, then=Value(v)) for k, v in kept_at.items()), default=Value(0)),
            )
            for handoff in handoffs:
                handoff.moved_count = moved_at.get(handoff.pk, 0)
                handoff.kept_count = kept_at.get(handoff.pk, 0)
        if not moved:
            return run

        outgoing_names = sorted({holders[row["assignee_id"]].display_name for row in moved})
        source = f" from {outgoing_names[0]}" if len(outgoing_names) == 1 else ""
        notify_many(
            [
                Notice(
                    recipients=[incoming.user],
                    kind=NoticeKind.HANDOFF_DIGEST,
                    title=f"Handoff{source}: {len(moved)} inquiries are now yours",
                    body=_digest(
                        team=team, moved=moved, holders=holders, missed=[h.boundary for h in handoffs]
                    ),
                    link="/",
                    team=team,
                )
            ]
        )
        if team.handoff_notifies_requester:
            _tell_requesters(team=team, incoming=incoming, following=following, now=now, moved=moved)
        return run


def _tell_requesters(
    *, team: Team, incoming: Member, following: Shift, now: dt.datetime, moved: list[dict]
) -> None:
    """One public notice per inquiry, one email per requester (several questions: one email lists them)."""
    if following.starts_at <= now < following.ends_at:
        role = "the Primary on shift now"
    else:
        role = f"the Primary of the next shift, which starts {local_time(following.starts_at, team)}"
    texts = {
        row["pk"]: f"Your question {row['reference']} is now with {incoming.display_name}, {role}."
        for row in moved
    }
    Message.objects.bulk_create(
        Message(inquiry_id=row["pk"], kind=Message.Kind.SYSTEM, author=None, body=texts[row["pk"]])
        for row in moved
    )
    by_requester: dict[str, list[dict]] = {}
    for row in moved:
        if not row["requester_email"]:
            continue  # GitHub and alert requesters have no address here
        by_requester.setdefault(row["requester_email"].lower(), []).append(row)
    emails = []
    for own in by_requester.values():
        parts = [
            f"{texts[row['pk']]}\n\nFollow your question, reply or reopen it here (a private link, "
            f"do not share it):\n{tracking_url_for_token(row['tracking_token'])}\n\n"
            f"Reference: {row['reference']}"
            for row in own[:REQUESTER_EMAIL_LINES]
        ]
        if len(own) > REQUESTER_EMAIL_LINES:
            parts.append(
                f"… and {len(own) - REQUESTER_EMAIL_LINES} more of your questions are now with "
                f"{incoming.display_name} too; the earlier emails about them have their links."
            )
        if len(own) == 1:
            subject = f"[{own[0]['reference']}] Now with {incoming.display_name}"
        else:
            references = ", ".join(r["reference"] for r in own[:5]) + (", …" if len(own) > 5 else "")
            subject = f"Your questions {references} are now with {incoming.display_name}"
        email = email_message(to=own[0]["requester_email"], subject=subject, body="\n\n---\n\n".join(parts))
        email.inquiry_id = own[0]["pk"]
        emails.append(email)
    outbox_add(emails)


def shifts_hand_off(*, team: Team, boundary: dt.datetime) -> Handoff | None:
    """Hand off the primary shift of `team` ending at `boundary` as the sweep would at that instant.
    Returns its Handoff, or None if this boundary was already handed off (by this or a concurrent run)."""
    if not Shift.objects.filter(team=team, role=Rotation.Role.PRIMARY, ends_at=boundary).exists():
        raise NotFoundError(f"No primary shift of {team.slug} ends at {boundary.isoformat()}.")
    run = team_hand_off(team=team, now=boundary)
    if run is None:
        return None
    return next((h for h in run.handoffs if h.boundary == boundary), None)


def handoff_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Hand off, team by team, every primary boundary that has passed (within the catch-up horizon) and
    has no Handoff yet: one move per inquiry however many boundaries were missed."""
    now = now or timezone.now()
    horizon = now - dt.timedelta(days=settings.SLA_HANDOFF_CATCHUP_DAYS)
    done = Handoff.objects.filter(team=OuterRef("team"), boundary=OuterRef("ends_at"))
    team_ids = (
        Shift.objects.filter(role=Rotation.Role.PRIMARY, ends_at__lte=now, ends_at__gt=horizon)
        .filter(~Exists(done))
        .order_by("team_id")
        .values_list("team_id", flat=True)
        .distinct()
    )
    counts = {"handoffs": 0, "moved": 0, "uncovered": 0}
    for team in Team.objects.filter(pk__in=list(team_ids)).order_by("pk"):
        run = team_hand_off(team=team, now=now)
        if run is None:
            continue
        counts["handoffs"] += len(run.handoffs)
        counts["moved"] += run.moved
        counts["uncovered"] += sum(1 for h in run.handoffs if h.uncovered)
    return counts
