"""Rotations and the database layer of the scheduler (the rule itself is in shifts/scheduler.py)."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from supportops.errors import InvalidInput
from supportops.notifications import notify

from ..business_time import BusinessCalendar
from ..models import Absence, Member, Rotation, Shift, ShiftEvent, Team
from ..scheduler import Candidate, IntervalIndex, Slot, assign, slots_for_rotation
from .common import require_manager

MIN_LENGTH, MAX_LENGTH = 30, 28 * 24 * 60
MAX_DAYS_AHEAD = 2 * 365


@dataclass
class ReplanResult:
    created: list[Shift] = field(default_factory=list)
    reassigned: list[Shift] = field(default_factory=list)
    removed: int = 0

    @property
    def made(self) -> list[Shift]:
        return sorted(self.created + self.reassigned, key=lambda s: s.starts_at)


def _clean(team: Team, data: dict[str, Any], *, rotation: Rotation | None = None) -> dict[str, Any]:
    cleaned = dict(data)
    if "role" in cleaned:
        if cleaned["role"] not in Rotation.Role.values:
            raise InvalidInput("role must be primary or secondary.", field="role")
        clash = Rotation.objects.filter(team=team, role=cleaned["role"])
        if rotation is not None:
            clash = clash.exclude(pk=rotation.pk)
        if clash.exists():
            raise InvalidInput(
                f"{team.name} already has a {cleaned['role']} rotation: edit that one instead "
                "(a team has one rotation per role).",
                field="role",
            )
    if "shift_length_minutes" in cleaned:
        length = cleaned["shift_length_minutes"]
        if isinstance(length, bool) or not isinstance(length, int) or not MIN_LENGTH <= length <= MAX_LENGTH:
            raise InvalidInput(
                f"shift_length_minutes must be from {MIN_LENGTH} (30 minutes) to {MAX_LENGTH} (28 days), "
                f"not {length!r}.",
                field="shift_length_minutes",
            )
    if "handoff_time" in cleaned and not isinstance(cleaned["handoff_time"], dt.time):
        raise InvalidInput('handoff_time must be a time of day "HH:MM".', field="handoff_time")
    if "starts_on" in cleaned and not isinstance(cleaned["starts_on"], dt.date):
        raise InvalidInput("starts_on must be a date (YYYY-MM-DD).", field="starts_on")
    if "members" in cleaned:
        ids = list(cleaned["members"])
        found = {m.pk: m for m in Member.objects.filter(team=team, is_active=True, pk__in=[i for i in ids])}
        unknown = [i for i in ids if i not in found]
        if unknown:
            raise InvalidInput(
                f"Not active members of {team.name}: {', '.join(str(i) for i in unknown)}.", field="members"
            )
        cleaned["members"] = list(found.values())
    return cleaned


@transaction.atomic
def rotation_create(
    *,
    team: Team,
    actor,
    role: str = Rotation.Role.PRIMARY,
    shift_length_minutes: int,
    handoff_time: dt.time,
    starts_on: dt.date,
    members: list[int] | None = None,
) -> Rotation:
    require_manager(actor=actor, team=team)
    cleaned = _clean(
        team,
        {
            "role": role,
            "shift_length_minutes": shift_length_minutes,
            "handoff_time": handoff_time,
            "starts_on": starts_on,
            "members": members or [],
        },
    )
    chosen = cleaned.pop("members")
    try:
        with transaction.atomic():
            rotation = Rotation.objects.create(team=team, **cleaned)
    except IntegrityError:
        raise InvalidInput(f"{team.name} already has a {role} rotation.", field="role") from None
    rotation.members.set(chosen, through_defaults={"joined_at": timezone.now()})
    return rotation


@transaction.atomic
def rotation_update(*, rotation: Rotation, actor, data: dict[str, Any]) -> Rotation:
    """Change a rotation; published future shifts are re-planned with as few moves as possible."""
    require_manager(actor=actor, team=rotation.team)
    unknown = set(data) - {"role", "shift_length_minutes", "handoff_time", "starts_on", "members"}
    if unknown:
        raise InvalidInput(f"Unknown rotation field(s): {', '.join(sorted(unknown))}.")
    rotation = Rotation.objects.select_for_update().select_related("team").get(pk=rotation.pk)
    cleaned = _clean(rotation.team, data, rotation=rotation)
    chosen = cleaned.pop("members", None)
    for key, value in cleaned.items():
        setattr(rotation, key, value)
    rotation.save()
    if chosen is not None:
        # Members who stay keep their joined_at; newcomers count from now on (SPEC 3.2, late joiners).
        rotation.members.set(chosen, through_defaults={"joined_at": timezone.now()})
    if rotation.scheduled_until and rotation.scheduled_until >= timezone.localdate():
        _replan(rotation=rotation, until=rotation.scheduled_until, actor=actor)
    return rotation


def _validate_until(rotation: Rotation, until: object) -> dt.date:
    if not isinstance(until, dt.date) or isinstance(until, dt.datetime):
        raise InvalidInput("until must be a date (YYYY-MM-DD).", field="until")
    if until < rotation.starts_on:
        raise InvalidInput(
            f"until ({until}) is before the rotation starts ({rotation.starts_on}).", field="until"
        )
    latest = timezone.localdate() + dt.timedelta(days=MAX_DAYS_AHEAD)
    if until > latest:
        raise InvalidInput(f"Schedule at most 2 years ahead (until {latest} at the latest).", field="until")
    return until


@transaction.atomic
def rotation_schedule(*, rotation: Rotation, until: dt.date, actor=None) -> list[Shift]:
    """Make the rotation's shifts up to `until` (SPEC 3.2); returns the shifts created or reassigned."""
    if actor is not None:
        require_manager(actor=actor, team=rotation.team)
    until = _validate_until(rotation, until)
    rotation = Rotation.objects.select_for_update().select_related("team").get(pk=rotation.pk)
    if not rotation.members.filter(is_active=True).exists():
        raise InvalidInput("Add members to the rotation before scheduling it.", field="members")
    return _replan(rotation=rotation, until=until, actor=actor).made


def rotations_replan_for_member(*, member: Member, start: dt.datetime, end: dt.datetime, actor=None) -> None:
    """Re-plan the scheduled rotations `member` belongs to, or serves in during [start, end), from now on.

    A shift under way in which the member is now absent is split (see `_replan`); the rest moves as
    little as the fairness bound allows.
    """
    now = timezone.now()
    rotation_ids = set(
        Shift.objects.filter(
            member=member, ends_at__gt=max(now, start), starts_at__lt=end, rotation__isnull=False
        ).values_list("rotation_id", flat=True)
    ) | set(member.rotation_memberships.values_list("rotation_id", flat=True))
    for rotation in (
        Rotation.objects.select_for_update()
        .select_related("team")
        .filter(pk__in=rotation_ids, scheduled_until__isnull=False)
        .order_by("pk")
    ):
        _replan(rotation=rotation, until=max(rotation.scheduled_until, rotation.starts_on), actor=actor)


def _absent_from(
    member_id: int, shift: Shift, absences: dict[int, list], now: dt.datetime
) -> dt.datetime | None:
    """When the member of a shift under way has to hand it over (an absence covers its rest), or None."""
    starts = [s for s, e in absences.get(member_id, []) if s < shift.ends_at and e > now]
    return max(now, min(starts)) if starts else None


def _replan(*, rotation: Rotation, until: dt.date, actor=None) -> ReplanResult:
    """Thin DB layer: load plain data, run the pure scheduler, write the difference in bulk.

    Kept as they are: shifts already started, and future overrides/swaps whose member can still serve.
    Future scheduled shifts are the *preferred* assignment: kept unless the member can no longer serve
    (absent, left, other role) or keeping breaks the fairness bound.
    """
    team = rotation.team
    now = timezone.now()
    horizon = max(until, rotation.scheduled_until or until)
    calendar = BusinessCalendar.for_team(team)
    memberships = list(rotation.memberships.filter(member__is_active=True).select_related("member"))
    candidates = [Candidate(m.member_id, m.member.percent_time, since=m.joined_at) for m in memberships]
    candidate_ids = {c.id for c in candidates}

    existing = list(rotation.shifts.order_by("starts_at"))
    past = [s for s in existing if s.starts_at <= now]
    future = {s.starts_at: s for s in existing if s.starts_at > now}
    generated = list(
        slots_for_rotation(
            calendar=calendar,
            starts_on=rotation.starts_on,
            handoff_time=rotation.handoff_time,
            shift_length_minutes=rotation.shift_length_minutes,
            until=horizon,
            not_before=now,
        )
    )
    earliest = past[0].starts_at if past else (generated[0][0] if generated else now)
    latest = max([e for _, e in generated] + [s.ends_at for s in existing] + [now])
    absences: dict[int, list] = {}
    for member_id, start, end in Absence.objects.filter(
        member_id__in=candidate_ids | {s.member_id for s in existing},
        ends_at__gt=earliest,
        starts_at__lt=latest,
    ).values_list("member_id", "starts_at", "ends_at"):
        absences.setdefault(member_id, []).append((start, end))
    busy: dict[int, list] = {}
    for member_id, start, end in (
        Shift.objects.filter(team=team, ends_at__gt=earliest, starts_at__lt=latest)
        .exclude(role=rotation.role)
        .values_list("member_id", "starts_at", "ends_at")
    ):
        busy.setdefault(member_id, []).append((start, end))
    absent_index, busy_index = IntervalIndex(absences), IntervalIndex(busy)

    def can_serve(member_id: int, start: dt.datetime, end: dt.datetime) -> bool:
        return not absent_index.overlaps(member_id, start, end) and not busy_index.overlaps(
            member_id, start, end
        )

    # A shift under way whose member is absent for its rest is split where the absence begins: the part
    # served stays theirs, the rest becomes a new slot the scheduler gives to a replacement.
    running = past[-1] if past and past[-1].ends_at > now else None
    split_at = _absent_from(running.member_id, running, absences, now) if running else None
    slots = [Slot(s.starts_at, s.ends_at, pinned=s.member_id) for s in past]
    remainder: Slot | None = None
    if running is not None and split_at is not None:
        remainder = Slot(split_at, running.ends_at)
        # Absent from the very instant it started (now == start): the whole shift is handed over.
        slots[-1:] = (
            [Slot(running.starts_at, split_at, pinned=running.member_id)]
            if split_at > running.starts_at
            else []
        )
        slots.append(remainder)
    blocked_until = past[-1].ends_at if past else None
    manual = [s for s in future.values() if s.source != Shift.Source.SCHEDULED]
    kept_manual = {
        s.starts_at
        for s in manual
        if s.member_id in candidate_ids and can_serve(s.member_id, s.starts_at, s.ends_at)
    }
    planned_starts = set()
    for start, end in generated:
        if blocked_until and start < blocked_until:
            continue  # the shift under way keeps its bounds even if the rotation changed
        if any(
            s.starts_at != start and s.starts_at < end and start < s.ends_at
            for s in manual
            if s.starts_at in kept_manual
        ):
            continue
        current = future.get(start)
        if current is not None and start in kept_manual:
            slots.append(Slot(start, current.ends_at, pinned=current.member_id))
        else:
            slots.append(Slot(start, end, preferred=current.member_id if current else None))
        planned_starts.add(start)
    for start in kept_manual - planned_starts:
        shift = future[start]
        slots.append(Slot(shift.starts_at, shift.ends_at, pinned=shift.member_id))
        planned_starts.add(start)
    slots.sort(key=lambda s: s.start)

    assignments, _ledger = assign(slots=slots, candidates=candidates, absences=absences, busy=busy)

    result = ReplanResult()
    to_create: list[Shift] = []
    events: list[ShiftEvent] = []
    lost: Counter[int] = Counter()
    gained: Counter[int] = Counter()
    for a in assignments:
        if a.slot is remainder:
            if a.member is not None and running is not None:
                _hand_over(running, a.slot.start, a.member, actor=actor)
                lost[running.member_id] += 1
                gained[a.member] += 1
            continue
        if a.slot.start <= now:
            continue
        current = future.get(a.slot.start)
        if current is None:
            if a.member is not None:
                to_create.append(
                    Shift(
                        team=team,
                        rotation=rotation,
                        role=rotation.role,
                        member_id=a.member,
                        scheduled_member_id=a.member,
                        starts_at=a.slot.start,
                        ends_at=a.slot.end,
                    )
                )
            continue
        if a.member == current.member_id and current.ends_at == a.slot.end:
            continue
        if a.member is None:
            continue  # removed below with the other stale shifts
        if a.member != current.member_id:
            lost[current.member_id] += 1
            gained[a.member] += 1
            events.append(
                ShiftEvent(
                    shift=current,
                    kind=ShiftEvent.Kind.REASSIGNED,
                    actor=actor if getattr(actor, "pk", None) else None,
                    from_member_id=current.member_id,
                    to_member_id=a.member,
                )
            )
        current.member_id = a.member
        current.scheduled_member_id = a.member
        current.source = Shift.Source.SCHEDULED
        current.ends_at = a.slot.end
        current.updated_at = now
        result.reassigned.append(current)
    assigned_starts = {a.slot.start for a in assignments if a.member is not None}
    stale = [s for start, s in future.items() if start not in assigned_starts]
    for shift in stale:
        lost[shift.member_id] += 1
    if stale:
        Shift.objects.filter(pk__in=[s.pk for s in stale]).delete()
        result.removed = len(stale)
    if result.reassigned:
        Shift.objects.bulk_update(
            result.reassigned, ["member", "scheduled_member", "source", "ends_at", "updated_at"]
        )
    if to_create:
        result.created = Shift.objects.bulk_create(to_create)
    if events:
        ShiftEvent.objects.bulk_create(events)
    rotation.scheduled_until = horizon
    rotation.save(update_fields=["scheduled_until"])
    _notify_changes(team=team, lost=lost, gained=gained)
    return result


def _hand_over(running: Shift, at: dt.datetime, member_id: int, *, actor) -> Shift:
    """The rest of a shift under way, from `at`, goes to `member_id` (override); the part served stays."""
    absent = running.member_id
    if at > running.starts_at:
        rest = Shift(
            team_id=running.team_id,
            rotation_id=running.rotation_id,
            role=running.role,
            member_id=member_id,
            scheduled_member_id=running.scheduled_member_id or absent,
            starts_at=at,
            ends_at=running.ends_at,
            source=Shift.Source.OVERRIDE,
        )
        running.ends_at = at
        running.save(update_fields=["ends_at", "updated_at"])
        rest.save()
    else:
        rest = running
        rest.scheduled_member_id = running.scheduled_member_id or absent
        rest.member_id, rest.source = member_id, Shift.Source.OVERRIDE
        rest.save(update_fields=["member", "scheduled_member", "source", "updated_at"])
    ShiftEvent.objects.create(
        shift=rest,
        kind=ShiftEvent.Kind.OVERRIDE,
        actor=actor if getattr(actor, "pk", None) else None,
        from_member_id=absent,
        to_member_id=member_id,
        note="The rest of the shift, from when the absence begins.",
    )
    return rest


def _notify_changes(*, team: Team, lost: Counter, gained: Counter) -> None:
    if not lost and not gained:
        return
    people = {m.pk: m for m in Member.objects.filter(pk__in=set(lost) | set(gained)).select_related("user")}
    for member_id, member in people.items():
        parts = []
        if gained[member_id]:
            parts.append(f"{gained[member_id]} shift(s) were given to you")
        if lost[member_id]:
            parts.append(f"{lost[member_id]} of your shift(s) were given to someone else or removed")
        notify(
            recipient=member.user,
            kind="shift_changed",
            title=f"Your {team.name} shifts changed",
            body="; ".join(parts) + ". See the rotation page for the new schedule.",
            link=f"/rotations/?team={team.slug}",
            team=team,
        )
