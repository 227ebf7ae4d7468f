"""Every write to inquiries goes through these functions (views, API, admin, tasks call them)."""

from ._common import event_record, tracking_url
from .effort import effort_log
from .escalations import escalation_accept, escalation_decline, inquiry_escalate
from .improvements import improvement_create, improvement_update
from .intake import inquiry_create, inquiry_create_public, topic_resolve
from .transitions import (
    REQUESTER_REOPEN_DAYS,
    inquiry_add_note,
    inquiry_reopen,
    inquiry_requester_reply,
    inquiry_resolve,
    inquiry_respond,
    inquiry_wait,
    known_issue_reply,
)
from .triage import TRIAGE_FIELDS, inquiry_assign, inquiry_update, inquiry_update_triage

__all__ = [
    "REQUESTER_REOPEN_DAYS",
    "TRIAGE_FIELDS",
    "effort_log",
    "escalation_accept",
    "escalation_decline",
    "event_record",
    "improvement_create",
    "improvement_update",
    "inquiry_add_note",
    "inquiry_assign",
    "inquiry_create",
    "inquiry_create_public",
    "inquiry_escalate",
    "inquiry_reopen",
    "inquiry_requester_reply",
    "inquiry_resolve",
    "inquiry_respond",
    "inquiry_update",
    "inquiry_update_triage",
    "inquiry_wait",
    "known_issue_reply",
    "topic_resolve",
    "tracking_url",
]
