"""A person's own preferences: the time zone every page and personal email uses, which notices by email."""

from django.conf import settings
from django.db import models

from supportops.notifications import NoticeKind

# Personal notices a person may choose to receive only in the in-app inbox.
EMAIL_NOTICE_KINDS = {
    NoticeKind.ASSIGNED: "An inquiry was assigned to me",
    NoticeKind.RESPONSE_DUE_SOON: "A response I owe is due soon",
    NoticeKind.RESPONSE_OVERDUE: "A response I owe is overdue",
    NoticeKind.RESOLUTION_DUE_SOON: "A resolution I owe is due soon",
    NoticeKind.ESCALATED: "Someone asked for my help",
    NoticeKind.HANDOFF_DIGEST: "Inquiries handed to me at a shift change",
    NoticeKind.SHIFT_REMINDER: "Reminders before my shifts",
    NoticeKind.SHIFT_CHANGED: "Changes to my shifts",
    NoticeKind.SESSION_BOOKED: "A learner booked a session with me",
    NoticeKind.ACTION_ITEM_OVERDUE: "A postmortem action item of mine is overdue",
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
