"""Effort logs: minutes spent on an inquiry, the raw material of cost and load reports."""

from django.db import transaction

from supportops.errors import InvalidInput

from ..models import EffortLog, Event, Inquiry
from ._common import clean_text, event_record, inquiry_lock, require_actor_member


def effort_log(*, inquiry: Inquiry, actor, minutes: int, note: str = "") -> EffortLog:
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 24 * 60:
        raise InvalidInput("minutes must be a whole number from 1 to 1440.", field="minutes")
    note = clean_text(note, field="note", label="Note", max_length=500, required=False)
    member = require_actor_member(team=inquiry.team, actor=actor)
    with transaction.atomic():
        inquiry = inquiry_lock(inquiry=inquiry)
        log = EffortLog.objects.create(inquiry=inquiry, member=member, minutes=minutes, note=note)
        event_record(
            inquiry=inquiry, kind=Event.Kind.EFFORT_LOGGED, actor=actor, to_value=f"{minutes} min", note=note
        )
    return log
