"""A person's own preferences: the time zone every page and personal email uses, which notices by email."""

from django.conf import settings
from django.db import models

# Personal notices a person may choose to receive only in the in-app inbox.
EMAIL_NOTICE_KINDS = {
    "assigned": "An inquiry was assigned to me",
    "response_due_soon": "A response I owe is due soon",
    "response_overdue": "A response I owe is overdue",
    "resolution_due_soon": "A resolution I owe is due soon",
    "escalated": "Someone asked for my help",
    "handoff_digest": "Inquiries handed to me at a shift change",
    "shift_reminder": "Reminders before my shifts",
    "shift_changed": "Changes to my shifts",
    "session_booked": "A learner booked a session with me",
    "action_item_overdue": "A postmortem action item of mine is overdue",
}


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    # Blank: the zone of the person's (first) team, so a new member sees their team's clock.
    timezone = models.CharField(max_length=64, blank=True)
    # Notification kinds the person does not want by email (they still reach the in-app inbox).
    email_muted_kinds = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Profile of {self.user}"
