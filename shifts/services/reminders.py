"""Shift reminders: the database decides what is due; a unique row makes each reminder exactly-once."""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from supportops.notifications import NoticeKind, at, notify

from ..models import Shift, ShiftReminder


def shift_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind members of shifts starting within each of SHIFT_REMINDER_MINUTES; returns reminders sent.

    A shift found by several thresholds at once (made at short notice) gets one message, the nearest.
    Two sweeps at once are harmless: the INSERT of the ShiftReminder row is the claim.
    """
    now = now or timezone.now()
    thresholds = sorted(set(settings.SHIFT_REMINDER_MINUTES))
    if not thresholds:
        return 0
    due: dict[int, list[int]] = {}
    shifts: dict[int, Shift] = {}
    for minutes in thresholds:
        already = ShiftReminder.objects.filter(
            shift=OuterRef("pk"), member=OuterRef("member"), minutes_before=minutes
        )
        for shift in (
            Shift.objects.filter(starts_at__gt=now, starts_at__lte=now + dt.timedelta(minutes=minutes))
            .filter(~Exists(already))
            .select_related("team", "member__user")
        ):
            shifts[shift.pk] = shift
            due.setdefault(shift.pk, []).append(minutes)
    sent = 0
    for shift_id, minutes_list in due.items():
        shift = shifts[shift_id]
        try:
            with transaction.atomic():
                claimed = False
                for minutes in minutes_list:
                    _row, created = ShiftReminder.objects.get_or_create(
                        shift=shift, member=shift.member, minutes_before=minutes
                    )
                    claimed = claimed or created
                if not claimed:
                    continue
                local = at(shift.starts_at)
                notify(
                    recipient=shift.member.user,
                    kind=NoticeKind.SHIFT_REMINDER,
                    title=f"Your {shift.team.name} {shift.role} shift starts {local}",
                    body=f"{shift.role.capitalize()} from {local} to {at(shift.ends_at)}.",
                    link=f"/rotations/?team={shift.team.slug}",
                    team=shift.team,
                    shift=shift,
                )
                sent += 1
        except IntegrityError:
            continue  # another sweep claimed it first
    return sent
