"""Writes for the shifts app. Views, API, admin actions, tasks and commands call these, nothing else."""

from .absences import absence_create, absence_delete
from .calendars import feed_create, feed_revoke, feeds_revoke_by_manager, feeds_revoke_for_member
from .overrides import shift_override, swap_accept, swap_cancel, swap_decline, swap_request
from .reminders import shift_reminders_send
from .rotations import (
    rotation_create,
    rotation_schedule,
    rotation_update,
    rotations_extend,
    rotations_replan_for_member,
)
from .teams import member_add, member_remove, member_update, team_create, team_update

__all__ = [
    "absence_create",
    "absence_delete",
    "feed_create",
    "feed_revoke",
    "feeds_revoke_by_manager",
    "feeds_revoke_for_member",
    "member_add",
    "member_remove",
    "member_update",
    "rotation_create",
    "rotation_schedule",
    "rotation_update",
    "rotations_extend",
    "rotations_replan_for_member",
    "shift_override",
    "shift_reminders_send",
    "swap_accept",
    "swap_cancel",
    "swap_decline",
    "swap_request",
    "team_create",
    "team_update",
]
