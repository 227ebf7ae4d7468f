"""Rotations and the database layer of the scheduler (the rule itself is in shifts/scheduler.py)."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from supportops.errors import InvalidInput
from supportops.notifications import Notice, NoticeKind, at, notify_many

from ..business_time import BusinessCalendar
from ..models import Absence, Member, Rotation, RotationMembership, Shift, ShiftEvent, Team, UnfilledSlot
from ..scheduler import Assignment, Candidate, IntervalIndex, RolePlan, Slot, plan_team, slots_for_rotation
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
    """The rotation fields of `data`, checked; members as Member rows."""
    cleaned = dict(data)
    if "role" in cleaned:
        _check_role(team, cleaned["role"], rotation)
    if "shift_length_minutes" in cleaned:
        _check_length(cleaned["shift_length_minutes"])
    if "handoff_time" in cleaned and not isinstance(cleaned["handoff_time"], dt.time):
        raise InvalidInput('handoff_time must be a time of day "HH:MM".', field="handoff_time")
    if "starts_on" in cleaned and not isinstance(cleaned["starts_on"], dt.date):
        raise InvalidInput("starts_on must be a date (YYYY-MM-DD).", field="starts_on")
    if "members" in cleaned:
        cleaned["members"] = _active_members(team, list(cleaned["members"]))
    return cleaned


def _check_role(team: Team, role: object, rotation: Rotation | None) -> None:
    """A known role the team has no other rotation for (one rotation per role)."""
    if role not in Rotation.Role.values:
        raise InvalidInput("role must be primary or secondary.", field="role")
    clash = Rotation.objects.filter(team=team, role=role)
    if rotation is not None:
        clash = clash.exclude(pk=rotation.pk)
    if clash.exists():
        raise InvalidInput(
            f"{team.name} already has a {role} rotation: edit that one instead "
            "(a team has one rotation per role).",
            field="role",
        )


def _check_length(length: object) -> None:
    if isinstance(length, bool) or not isinstance(length, int) or not MIN_LENGTH <= length <= MAX_LENGTH:
        raise InvalidInput(
            f"shift_length_minutes must be from {MIN_LENGTH} (30 minutes) to {MAX_LENGTH} (28 days), "
            f"not {length!r}.",
            field="shift_length_minutes",
        )


def _active_members(team: Team, ids: list[int]) -> list[Member]:
    """The team's active members with these ids; InvalidInput naming any that are not."""
    found = {m.pk: m for m in Member.objects.filter(team=team, is_active=True, pk__in=ids)}
    unknown = [i for i in ids if i not in found]
    if unknown:
        raise InvalidInput(
            f"Not active members of {team.name}: {', '.join(str(i) for i in unknown)}.", field="members"
        )
    return list(found.values())


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
        _replan_team(team=rotation.team, actor=actor)
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
    return _replan_team(team=rotation.team, extend={rotation.pk: until}, actor=actor)[rotation.pk].made


def rotations_replan_for_member(*, member: Member, start: dt.datetime, end: dt.datetime, actor=None) -> None:
    """Re-plan the scheduled rotations of the team of `member` from now on, all roles together.

    A shift under way in which the member is now absent is split (see `_replan_team`); the rest moves
    as little as the fairness bound allows.
    """
    now = timezone.now()
    team_ids = set(
        Shift.objects.filter(
            member=member, ends_at__gt=max(now, start), starts_at__lt=end, rotation__isnull=False
        ).values_list("team_id", flat=True)
    ) | set(member.rotation_memberships.values_list("rotation__team_id", flat=True))
    for team in Team.objects.filter(pk__in=team_ids).order_by("pk"):
        _replan_team(team=team, actor=actor)


def _absent_from(
    member_id: int, shift: Shift, absences: dict[int, list], now: dt.datetime
) -> dt.datetime | None:
    """When the member of a shift under way has to hand it over (an absence covers its rest), or None."""
    starts = [s for s, e in absences.get(member_id, []) if s < shift.ends_at and e > now]
    return max(now, min(starts)) if starts else None


@dataclass
class _Prepared:
    """One rotation's plain data for the scheduler, and what is needed to write the result back."""

    rotation: Rotation
    horizon: dt.date
    candidates: list[Candidate]
    slots: list[Slot]
    future: dict[dt.datetime, Shift]
    running: Shift | None = None
    # The rest of a shift under way whose member became absent: goes to a replacement.
    remainder: Slot | None = None
    # The slot under way when nothing covers it yet (a rotation scheduled mid-shift): made from now.
    opening: Slot | None = None
    # Where the shift under way ends when its member becomes absent and its rest holds no coverage.
    cut: dt.datetime | None = None


def _prepare(
    rotation: Rotation,
    *,
    horizon: dt.date,
    now: dt.datetime,
    calendar: BusinessCalendar,
    candidates: list[Candidate],
    existing: list[Shift],
    absences: dict[int, list],
    can_serve,
) -> _Prepared:
    past = [s for s in existing if s.starts_at <= now]
    future = {s.starts_at: s for s in existing if s.starts_at > now}
    candidate_ids = {c.id for c in candidates}
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
    prepared = _Prepared(rotation, horizon, candidates, [], future)
    slots = [Slot(s.starts_at, s.ends_at, pinned=s.member_id) for s in past]
    # A shift under way whose member is absent for its rest is split where the absence begins: the part
    # served stays theirs, the rest becomes a new slot the scheduler gives to a replacement.
    running = past[-1] if past and past[-1].ends_at > now else None
    prepared.running = running
    split_at = _absent_from(running.member_id, running, absences, now) if running else None
    if running is not None and split_at is not None:
        # Absent from the very instant it started (now == start): the whole shift is handed over.
        slots[-1:] = (
            [Slot(running.starts_at, split_at, pinned=running.member_id)]
            if split_at > running.starts_at
            else []
        )
        if calendar.overlaps(split_at, running.ends_at):
            prepared.remainder = Slot(split_at, running.ends_at)
            slots.append(prepared.remainder)
        else:
            prepared.cut = split_at  # no coverage left in the shift: it ends where the absence begins
    blocked_until = running.ends_at if running else None
    if running is None and candidates:
        prepared.opening = _opening(rotation, generated, now=now, calendar=calendar)
        if prepared.opening is not None:
            slots.append(prepared.opening)
    if running is None and generated and generated[0][0] <= now:
        generated = generated[1:]  # under way: the opening made from now, or nothing (no coverage left)
    manual = [s for s in future.values() if s.source != Shift.Source.SCHEDULED]
    kept_manual = {
        s.starts_at
        for s in manual
        if s.member_id in candidate_ids and can_serve(s.member_id, s.starts_at, s.ends_at)
    }
    planned_starts = set()
    for start, end in generated:
        pieces = _pieces_of(start, end, future, running)
        if pieces:
            # A shift split at an absence (scheduler `_split_partial`) keeps its pieces.
            for piece in pieces:
                member = piece.member_id
                keep = piece.starts_at in kept_manual
                slots.append(
                    Slot(
                        piece.starts_at,
                        piece.ends_at,
                        pinned=member if keep else None,
                        preferred=member,
                        piece=True,
                    )
                )
                planned_starts.add(piece.starts_at)
            continue
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
    slots.sort(key=lambda s: s.start)
    prepared.slots = slots
    return prepared


def _pieces_of(
    start: dt.datetime, end: dt.datetime, future: dict[dt.datetime, Shift], running: Shift | None
) -> list[Shift]:
    """The future pieces of the slot [start, end) when a re-plan split it (`_split_partial`): split shifts
    in it, one after another (an absent part outside coverage left no shift between them). Empty when the
    slot is whole, or the rotation's slots changed since (then the pieces go like any shift off its grid)."""
    inner = sorted((s for at, s in future.items() if start <= at < end), key=lambda s: s.starts_at)
    if not inner or not all(piece.split for piece in inner):
        return []
    at = start
    if running is not None and running.split and running.starts_at >= start and running.ends_at <= end:
        at = running.ends_at
    for piece in inner:
        if piece.starts_at < at:
            return []
        at = piece.ends_at
    return inner if at <= end else []


def _opening(
    rotation: Rotation,
    generated: list[tuple[dt.datetime, dt.datetime]],
    *,
    now: dt.datetime,
    calendar: BusinessCalendar,
) -> Slot | None:
    """Continuity (SPEC 3.2): the slot under way, from now, when no shift covers it yet — or, for a
    rotation starting today, the open coverage before its first handoff. None when there is none, or when
    the rest of the slot under way holds no coverage (a shift outside coverage is not made, 3.2)."""
    from_now = now.replace(second=0, microsecond=0)
    if generated and generated[0][0] <= now:
        end = generated[0][1]
        return Slot(from_now, end) if calendar.overlaps(from_now, end) else None
    if (
        rotation.starts_on <= calendar.local_date(now)
        and generated
        and generated[0][0] > now
        and calendar.overlaps(now, generated[0][0])
    ):
        return Slot(from_now, generated[0][0])
    return None


def _replan_team(
    *, team: Team, extend: dict[int, dt.date] | None = None, actor=None
) -> dict[int, ReplanResult]:
    """Thin DB layer: load plain data of all the team's scheduled rotations, plan them together with the
    pure scheduler (`plan_team`), write the difference in bulk.

    `extend` maps rotation ids to the date their schedule must reach. Kept as they are: shifts already
    started, and future overrides/swaps whose member can still serve. Future scheduled shifts are the
    *preferred* assignment: kept unless the member can no longer serve (absent, left, serving the other
    role) or keeping breaks the fairness bound.
    """
    extend = extend or {}
    now = timezone.now()
    rotations, team_rotations = _scheduled_rotations(team, extend)
    if not rotations:
        return {}
    existing = _existing_shifts(rotations)
    absences = _team_absences(team)
    loose = _loose_shifts(team, now)
    prepared = _prepare_all(
        rotations, extend=extend, now=now, existing=existing, absences=absences, loose=loose
    )
    plans = plan_team(
        [RolePlan(p.rotation.role, p.rotation.shift_length_minutes, p.slots, p.candidates) for p in prepared],
        absences=absences,
        busy=loose,
        # A rotation planned alone spreads its shifts when the other role may be planned with it later.
        spread_out=team_rotations > 1,
        covered=BusinessCalendar.for_team(team).overlaps,
    )
    results = _write_all(team, prepared, plans, now=now, actor=actor)
    _record_unfilled(team=team, prepared=prepared, plans=plans, now=now)
    return results


def _scheduled_rotations(team: Team, extend: dict[int, dt.date]) -> tuple[list[Rotation], int]:
    """The team's rotations to plan (locked): those scheduled already and those being scheduled now; and
    how many rotations the team has."""
    every = list(Rotation.objects.select_for_update().filter(team=team).order_by("pk"))
    rotations = [r for r in every if r.pk in extend or r.scheduled_until is not None]
    for rotation in rotations:
        rotation.team = team
    return rotations, len(every)


def _memberships(rotations: list[Rotation]) -> dict[int, list[Candidate]]:
    """Each rotation's active members with percent-time and since when they are in it."""
    memberships: dict[int, list[Candidate]] = {r.pk: [] for r in rotations}
    for rotation_id, member_id, pct, joined_at in RotationMembership.objects.filter(
        rotation__in=rotations, member__is_active=True
    ).values_list("rotation_id", "member_id", "member__percent_time", "joined_at"):
        memberships[rotation_id].append(Candidate(member_id, pct, since=joined_at))
    return memberships


def _existing_shifts(rotations: list[Rotation]) -> dict[int, list[Shift]]:
    existing: dict[int, list[Shift]] = {r.pk: [] for r in rotations}
    for shift in Shift.objects.filter(rotation__in=rotations).order_by("starts_at"):
        existing[shift.rotation_id].append(shift)
    return existing


def _team_absences(team: Team) -> dict[int, list]:
    """Every absence of the team: the ledger replays the past too, and shares there depend on them."""
    absences: dict[int, list] = {}
    for member_id, start, end in Absence.objects.filter(member__team=team).values_list(
        "member_id", "starts_at", "ends_at"
    ):
        absences.setdefault(member_id, []).append((start, end))
    return absences


def _loose_shifts(team: Team, now: dt.datetime) -> dict[str, dict[int, list]]:
    """Per role, the shifts of the *other* roles made by hand outside any rotation: conflicts for it."""
    loose: dict[str, dict[int, list]] = {}
    for role, member_id, start, end in Shift.objects.filter(
        team=team, rotation__isnull=True, ends_at__gt=now
    ).values_list("role", "member_id", "starts_at", "ends_at"):
        for other in Rotation.Role.values:
            if other != role:
                loose.setdefault(other, {}).setdefault(member_id, []).append((start, end))
    return loose


def _kept_in_other_roles(
    rotation: Rotation,
    rotations: list[Rotation],
    existing: dict[int, list[Shift]],
    loose: dict[str, dict[int, list]],
    now: dt.datetime,
) -> IntervalIndex:
    """Shifts that keep a member of `rotation` busy: the other roles' started or hand-made shifts."""
    rows: dict[int, list] = {}
    for other in rotations:
        if other.role == rotation.role:
            continue
        for s in existing[other.pk]:
            if s.starts_at <= now or s.source != Shift.Source.SCHEDULED:
                rows.setdefault(s.member_id, []).append((s.starts_at, s.ends_at))
    for member_id, items in loose.get(rotation.role, {}).items():
        rows.setdefault(member_id, []).extend(items)
    return IntervalIndex(rows)


def _prepare_all(
    rotations: list[Rotation],
    *,
    extend: dict[int, dt.date],
    now: dt.datetime,
    existing: dict[int, list[Shift]],
    absences: dict[int, list],
    loose: dict[str, dict[int, list]],
) -> list[_Prepared]:
    """Each rotation's slots up to its horizon, with what is kept and what is preferred."""
    calendar = BusinessCalendar.for_team(rotations[0].team)
    memberships = _memberships(rotations)
    absence_index = IntervalIndex(absences)
    prepared: list[_Prepared] = []
    for rotation in rotations:
        kept_elsewhere = _kept_in_other_roles(rotation, rotations, existing, loose, now)

        def can_serve(member_id: int, start: dt.datetime, end: dt.datetime, kept=kept_elsewhere) -> bool:
            return not absence_index.overlaps(member_id, start, end) and not kept.overlaps(
                member_id, start, end
            )

        horizon = max(d for d in (extend.get(rotation.pk), rotation.scheduled_until) if d is not None)
        prepared.append(
            _prepare(
                rotation,
                horizon=horizon,
                now=now,
                calendar=calendar,
                candidates=memberships[rotation.pk],
                existing=existing[rotation.pk],
                absences=absences,
                can_serve=can_serve,
            )
        )
    return prepared


def _write_all(
    team: Team, prepared: list[_Prepared], plans: dict, *, now: dt.datetime, actor
) -> dict[int, ReplanResult]:
    """Write every rotation's plan and tell each member whose shifts changed, once."""
    results: dict[int, ReplanResult] = {}
    lost: Counter[int] = Counter()
    gained: Counter[int] = Counter()
    for p in prepared:
        results[p.rotation.pk] = _write(
            p, plans[p.rotation.role].assignments, now=now, actor=actor, lost=lost, gained=gained
        )
    _notify_changes(team=team, lost=lost, gained=gained)
    return results


@dataclass
class _Changes:
    """What writing one rotation's plan does to its shifts, collected before the bulk writes."""

    result: ReplanResult = field(default_factory=ReplanResult)
    to_create: list[Shift] = field(default_factory=list)
    events: list[ShiftEvent] = field(default_factory=list)


def _write(
    p: _Prepared,
    assignments: list[Assignment],
    *,
    now: dt.datetime,
    actor,
    lost: Counter,
    gained: Counter,
) -> ReplanResult:
    changes = _Changes()
    if p.cut is not None and p.running is not None:
        _cut_short(p.running, p.cut, actor=actor)
    for a in assignments:
        if a.slot is p.remainder:
            _write_remainder(p, a, actor=actor, lost=lost, gained=gained)
        elif a.slot is p.opening or (a.slot.start > now and a.slot.start not in p.future):
            if a.member is not None:
                shift = planned_shift(p.rotation, a)
                changes.to_create.append(shift)
                if a.slot.preferred is not None and a.slot.preferred != a.member:
                    _cover(shift, a.slot.preferred, changes, actor=actor, lost=lost, gained=gained)
        elif a.slot.start > now and a.member is not None:
            _reassign(p.future[a.slot.start], a, changes, now=now, actor=actor, lost=lost, gained=gained)
    _remove_stale(p, assignments, changes.result, lost=lost)
    _save_changes(p, changes)
    return changes.result


def _record_reassignment(
    shift: Shift,
    changes: _Changes,
    *,
    from_member: int,
    to_member: int,
    actor,
    lost: Counter,
    gained: Counter,
    note: str = "",
) -> None:
    """A published shift changed hands: counted for the notices and recorded as a `reassigned` event."""
    lost[from_member] += 1
    gained[to_member] += 1
    changes.events.append(
        ShiftEvent(
            shift=shift,
            kind=ShiftEvent.Kind.REASSIGNED,
            actor=actor if getattr(actor, "pk", None) else None,
            from_member_id=from_member,
            to_member_id=to_member,
            note=note,
        )
    )


def _cover(shift: Shift, absent: int, changes: _Changes, *, actor, lost: Counter, gained: Counter) -> None:
    """The absent part of a published shift split at an absence (scheduler `_split_partial`): a colleague
    covers it, recorded and told like any reassignment."""
    _record_reassignment(
        shift,
        changes,
        from_member=absent,
        to_member=shift.member_id,
        actor=actor,
        lost=lost,
        gained=gained,
        note="The absent part of a longer shift, split at the absence.",
    )


def planned_shift(rotation: Rotation, a: Assignment) -> Shift:
    """The unsaved shift the scheduler planned for `a`, as a member of the rotation holds it."""
    return Shift(
        team=rotation.team,
        rotation=rotation,
        role=rotation.role,
        member_id=a.member,
        scheduled_member_id=a.member,
        starts_at=a.slot.start,
        ends_at=a.slot.end,
        split=a.slot.piece,
    )


def _write_remainder(p: _Prepared, a: Assignment, *, actor, lost: Counter, gained: Counter) -> None:
    """The rest of the shift under way, whose member became absent, goes to the replacement."""
    if a.member is not None and p.running is not None:
        _hand_over(p.running, a.slot.start, a.member, actor=actor)
        lost[p.running.member_id] += 1
        gained[a.member] += 1


def _reassign(
    current: Shift,
    a: Assignment,
    changes: _Changes,
    *,
    now: dt.datetime,
    actor,
    lost: Counter,
    gained: Counter,
) -> None:
    """A published future shift takes the plan's member and bounds (unchanged shifts are left alone)."""
    if a.member == current.member_id and current.ends_at == a.slot.end and current.split == a.slot.piece:
        return
    if a.member != current.member_id:
        _record_reassignment(
            current,
            changes,
            from_member=current.member_id,
            to_member=a.member,
            actor=actor,
            lost=lost,
            gained=gained,
        )
    current.member_id = a.member
    current.scheduled_member_id = a.member
    current.source = Shift.Source.SCHEDULED
    current.ends_at = a.slot.end
    current.split = a.slot.piece
    current.updated_at = now
    changes.result.reassigned.append(current)


def _remove_stale(
    p: _Prepared, assignments: list[Assignment], result: ReplanResult, *, lost: Counter
) -> None:
    """Future shifts the plan no longer has (or leaves without a member) are deleted."""
    assigned_starts = {a.slot.start for a in assignments if a.member is not None}
    stale = [s for start, s in p.future.items() if start not in assigned_starts]
    for shift in stale:
        lost[shift.member_id] += 1
    if stale:
        Shift.objects.filter(pk__in=[s.pk for s in stale]).delete()
        result.removed = len(stale)


def _save_changes(p: _Prepared, changes: _Changes) -> None:
    result = changes.result
    if result.reassigned:
        Shift.objects.bulk_update(
            result.reassigned, ["member", "scheduled_member", "source", "ends_at", "split", "updated_at"]
        )
    if changes.to_create:
        result.created = Shift.objects.bulk_create(changes.to_create)
    if changes.events:
        ShiftEvent.objects.bulk_create(changes.events)
    if p.rotation.scheduled_until != p.horizon:
        p.rotation.scheduled_until = p.horizon
        p.rotation.save(update_fields=["scheduled_until"])


def _cut_short(running: Shift, at: dt.datetime, *, actor) -> None:
    """The shift under way ends at `at`, where its member's absence begins: its rest holds no coverage, so
    nobody takes it over (SPEC 3.2: no one serves during an absence; no shift outside coverage)."""
    ShiftEvent.objects.create(
        shift=running,
        kind=ShiftEvent.Kind.OVERRIDE,
        actor=actor if getattr(actor, "pk", None) else None,
        from_member_id=running.member_id,
        to_member_id=None,
        note="Ends where the absence begins: no coverage is left in the shift.",
    )
    running.ends_at = max(at, running.starts_at)
    if running.ends_at > running.starts_at:
        running.save(update_fields=["ends_at", "updated_at"])
    else:
        running.delete()


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
    """One notice per member whose shifts changed, written in bulk (a re-plan can touch many people)."""
    if not lost and not gained:
        return
    people = {m.pk: m for m in Member.objects.filter(pk__in=set(lost) | set(gained)).select_related("user")}
    notices = []
    for member_id, member in people.items():
        parts = []
        if gained[member_id]:
            parts.append(f"{gained[member_id]} shift(s) were given to you")
        if lost[member_id]:
            parts.append(f"{lost[member_id]} of your shift(s) were given to someone else or removed")
        notices.append(
            Notice(
                recipients=[member.user],
                kind=NoticeKind.SHIFT_CHANGED,
                title=f"Your {team.name} shifts changed",
                body="; ".join(parts) + ". See the rotation page for the new schedule.",
                link=f"/rotations/?team={team.slug}",
                team=team,
            )
        )
    notify_many(notices)


def _record_unfilled(*, team: Team, prepared: list[_Prepared], plans: dict, now: dt.datetime) -> None:
    """Tell the team's managers, once per slot, about planned slots nobody can take (SPEC 3.2)."""
    gaps: list[tuple[Rotation, Slot]] = []
    filled: dict[int, set[dt.datetime]] = {}
    for p in prepared:
        for a in plans[p.rotation.role].assignments:
            if a.slot.end <= now or (a.slot.start <= now and a.slot is not p.opening):
                continue
            if a.member is None:
                gaps.append((p.rotation, a.slot))
            else:
                filled.setdefault(p.rotation.pk, set()).add(a.slot.start)
    for rotation_id, starts in filled.items():
        UnfilledSlot.objects.filter(rotation_id=rotation_id, starts_at__in=starts).delete()
    if not gaps:
        return
    known = set(
        UnfilledSlot.objects.filter(rotation__in={r for r, _ in gaps}).values_list("rotation_id", "starts_at")
    )
    new = [(r, s) for r, s in gaps if (r.pk, s.start) not in known]
    if not new:
        return
    UnfilledSlot.objects.bulk_create(
        [UnfilledSlot(rotation=r, starts_at=s.start, ends_at=s.end) for r, s in new], ignore_conflicts=True
    )
    lines = [f"- {r.get_role_display()} shift {at(s.start)} – {at(s.end)}" for r, s in new]
    title = f"{team.name}: {len(new)} shift(s) nobody can take"
    body = (
        "Every member of the rotation is absent or serves the other role then:\n"
        + "\n".join(lines[:20])
        + ("\n…" if len(lines) > 20 else "")
        + "\nAdd members to the rotation or assign the shifts by hand."
    )
    managers = Member.objects.filter(team=team, role=Member.Role.MANAGER, is_active=True).select_related(
        "user"
    )
    notify_many(
        [
            Notice(
                recipients=[m.user for m in managers],
                kind=NoticeKind.ROTATION_UNFILLED,
                title=title,
                body=body,
                link=f"/rotations/?team={team.slug}",
                team=team,
            )
        ],
        webhook=False,
    )


def rotations_extend(*, today: dt.date | None = None) -> int:
    """Keep every rotation planned to its team's rolling horizon (beat; SPEC 3.2 continuity).

    Idempotent: a team whose rotations already reach the horizon and have their shift under way is left
    alone. Returns how many teams were re-planned.
    """
    now = timezone.now()
    done = 0
    teams = Team.objects.filter(rotations__members__is_active=True).distinct().order_by("pk")
    for team in teams:
        horizon = (
            today + dt.timedelta(days=team.schedule_horizon_days) if today else team.planning_horizon(now)
        )
        with transaction.atomic():
            rotations = list(
                Rotation.objects.filter(team=team, members__is_active=True).distinct().order_by("pk")
            )
            behind = {r.pk: horizon for r in rotations if (r.scheduled_until or dt.date.min) < horizon}
            # A rotation with no shift under way while the team is open (it was planned before it began,
            # or its slot was unfilled): plan it now, the slot under way included.
            open_now = BusinessCalendar.for_team(team).is_open(now)
            uncovered = [
                r
                for r in rotations
                if open_now
                and r.starts_on <= horizon
                and not Shift.objects.filter(rotation=r, starts_at__lte=now, ends_at__gt=now).exists()
                and not r.unfilled_slots.filter(starts_at__lte=now, ends_at__gt=now).exists()
            ]
            if not behind and not uncovered:
                continue
            _replan_team(team=team, extend=behind or {r.pk: r.scheduled_until or horizon for r in uncovered})
            done += 1
    return done
