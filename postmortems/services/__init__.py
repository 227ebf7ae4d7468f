"""Every write to postmortems goes through these functions (pages, API, admin and inquiries call them)."""

from .create import postmortem_create, postmortem_create_draft
from .edit import (
    postmortem_edit,
    postmortem_link_inquiry,
    postmortem_set_inquiries,
    postmortem_unlink_inquiry,
    postmortem_update,
)
from .recommendations import (
    recommendation_add,
    recommendation_delete,
    recommendation_make_backlog_item,
    recommendation_update,
)
from .timeline import milestone_add, milestone_delete, milestone_update
from .workflow import postmortem_close, postmortem_discuss, postmortem_reopen, postmortem_submit

__all__ = [
    "milestone_add",
    "milestone_delete",
    "milestone_update",
    "postmortem_close",
    "postmortem_create",
    "postmortem_create_draft",
    "postmortem_discuss",
    "postmortem_edit",
    "postmortem_link_inquiry",
    "postmortem_reopen",
    "postmortem_set_inquiries",
    "postmortem_submit",
    "postmortem_unlink_inquiry",
    "postmortem_update",
    "recommendation_add",
    "recommendation_delete",
    "recommendation_make_backlog_item",
    "recommendation_update",
]
