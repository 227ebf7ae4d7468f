"""Shift reminders: the database decides what is due; a unique row makes each reminder exactly-once.

A reminder announces a *stretch*: a member's shifts in one team that follow each other with gaps of at
most SHIFT_REMINDER_STRETCH_GAP_MINUTES. With 30-minute rotations a person serves many short shifts in a
row (or alternating with a colleague); they are told once, before the first, not once per shift. A shift
that continues a stretch (or starts while the member is on shift already) is never reminded on its own.
"""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from supportops.notifications import NoticeKind, at, notify

from ..models import Shift, ShiftReminder

# How far ahead a stretch's end is looked for when the reminder says until when it lasts.
STRETCH_LOOKAHEAD = dt.timedelta(days=14)


def _stretch_gap() -> dt.timedelta:
    return dt.timedelta(minutes=settings.SHIFT_REMINDER_STRETCH_GAP_MINUTES)


def _stretch_starts(*, now: dt.datetime, until: dt.datetime):
    """Shifts starting in (now, until] that begin a stretch: no shift of the same member in the same team
    started before them and ended less than the gap before they begin."""
    continues = Shift.objects.filter(
        team=OuterRef("team"),
        member=OuterRef("member"),
        starts_at__lt=OuterRef("starts_at"),
        ends_at__gte=OuterRef("starts_at") - _stretch_gap(),
    )
    return Shift.objects.filter(starts_at__gt=now, starts_at__lte=until).filter(~Exists(continues))


def _stretch_ends(firsts: list[Shift]) -> dict[int, tuple[dt.datetime, int]]:
    """For each first shift: when its stretch ends and how many shifts it has (one query)."""
    if not firsts:
        return {}
    members = {s.member_id for s in firsts}
    begin = min(s.starts_at for s in firsts)
    rows = defaultdict(list)
    for member_id, team_id, starts_at, ends_at in (
        Shift.objects.filter(
            member_id__in=members, starts_at__gte=begin, starts_at__lt=begin + STRETCH_LOOKAHEAD
        )
        .order_by("starts_at")
        .values_list("member_id", "team_id", "starts_at", "ends_at")
    ):
        rows[(member_id, team_id)].append((starts_at, ends_at))
    gap = _stretch_gap()
    out = {}
    for first in firsts:
        end, count = first.ends_at, 1
        for starts_at, ends_at in rows[(first.member_id, first.team_id)]:
            if starts_at <= first.starts_at:
                continue
            if starts_at > end + gap:
                break
            end, count = max(end, ends_at), count + 1
        out[first.pk] = (end, count)
    return out


def _text(first: Shift, end: dt.datetime, count: int, later: list[Shift]) -> tuple[str, str]:
    """Times are marked with at(): each recipient reads them in their own zone, named."""
    start = at(first.starts_at)
    title = f"Your {first.team.name} {first.role} shift starts {start}"
    if count > 1:
        body = f"{count} shifts in a row from {start} until {at(end)}; this is the only reminder for them."
    else:
        body = f"{first.role.capitalize()} from {start} to {at(first.ends_at)}."
    if later:
        body += " Also coming up: " + ", ".join(at(s.starts_at) for s in later) + "."
    return title, body


def shift_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind members of the stretches of shifts starting within each of SHIFT_REMINDER_MINUTES; returns
    the reminders sent.

    At most one message per member and team per sweep: a stretch found by several thresholds at once
    (made at short notice, or after the workers were down) gets one message, and further stretches due
    at the same time are named in it (their reminder at that threshold counts as sent). Shifts that have
    begun are never reminded, however long the workers were down. Two sweeps at once are harmless: the
    INSERT of the ShiftReminder rows is the claim.
    """
    now = now or timezone.now()
    thresholds = sorted(set(settings.SHIFT_REMINDER_MINUTES))
    if not thresholds:
        return 0
    due: dict[int, list[int]] = defaultdict(list)
    shifts: dict[int, Shift] = {}
    for minutes in thresholds:
        already = ShiftReminder.objects.filter(
            shift=OuterRef("pk"), member=OuterRef("member"), minutes_before=minutes
        )
        for shift in (
            _stretch_starts(now=now, until=now + dt.timedelta(minutes=minutes))
            .filter(~Exists(already))
            .select_related("team", "member__user")
        ):
            shifts[shift.pk] = shift
            due[shift.pk].append(minutes)
    per_person: dict[tuple[int, int], list[Shift]] = defaultdict(list)
    for shift in sorted(shifts.values(), key=lambda s: s.starts_at):
        per_person[(shift.member_id, shift.team_id)].append(shift)
    ends = _stretch_ends([group[0] for group in per_person.values()])
    sent = 0
    for group in per_person.values():
        first = group[0]
        try:
            with transaction.atomic():
                claimed = False
                for shift in group:
                    for minutes in due[shift.pk]:
                        _row, created = ShiftReminder.objects.get_or_create(
                            shift=shift, member=shift.member, minutes_before=minutes
                        )
                        claimed = claimed or (created and shift is first)
                if not claimed:
                    continue
                end, count = ends[first.pk]
                title, body = _text(first, end, count, group[1:])
                notify(
                    recipient=first.member.user,
                    kind=NoticeKind.SHIFT_REMINDER,
                    title=title,
                    body=body,
                    link=f"/rotations/?team={first.team.slug}",
                    team=first.team,
                    shift=first,
                )
                sent += 1
        except IntegrityError:
            continue  # another sweep claimed it first
    return sent
