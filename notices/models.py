"""In-app notifications and the outbox of emails and webhooks (sent through supportops.notifications).

The tables keep the names they had when these models lived in `supportops` (migration notices 0001 moved
them without touching the database)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from supportops.notifications import NoticeKind


class Notification(models.Model):
    """An in-app notification; its email and webhook copies go through the Outbox."""

    # Every kind, named once in the layer below so that shifts and inquiries can name them too.
    Kind = NoticeKind

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    team = models.ForeignKey("shifts.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=40)
    inquiry = models.ForeignKey(
        "inquiries.Inquiry", on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    shift = models.ForeignKey(
        "shifts.Shift", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "supportops_notification"
        ordering = ["-created_at", "-id"]
        indexes = [
            # Unread ones (the badge, "mark all read").
            models.Index(fields=["recipient", "read_at", "created_at"], name="notification_inbox"),
            # The inbox newest first, in keyset pages (notices.inbox).
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_recipient_created"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class OutboundMessage(models.Model):
    """An email or webhook to deliver. Written in the same transaction as the change that causes it,
    delivered after commit by a task, and retried by the sweep until sent: never silently dropped.

    A deliverer claims a row with a conditional UPDATE (pending -> sending, a claim token, and
    `next_attempt_at` pushed to when the claim goes stale), sends outside any transaction, then records
    the outcome only if it still holds the claim. A claim abandoned by a killed worker becomes due again
    when `next_attempt_at` passes, so delivery is at-least-once; a message sent just before its worker
    died may go out twice, and carries a stable Message-ID / Idempotency-Key so receivers can dedupe."""

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        WEBHOOK = "webhook", "Webhook"
        # A comment on a GitHub issue or discussion (integrations app; `to` is the API endpoint).
        GITHUB = "github", "GitHub comment"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending (claimed)"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (gave up)"

    channel = models.CharField(max_length=8, choices=Channel.choices)
    # An email address or a webhook URL.
    to = models.CharField(max_length=500)
    cc = models.CharField(max_length=500, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    payload = models.JSONField(null=True, blank=True)
    notification = models.ForeignKey(
        Notification, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    inquiry = models.ForeignKey(
        "inquiries.Inquiry", on_delete=models.SET_NULL, null=True, blank=True, related_name="outbound"
    )
    # What the email is (e.g. "ack", "reply", "notice"): part of its Message-ID (notices.mail).
    kind = models.CharField(max_length=20, blank=True)
    # Sent by the system, not typed by a person: carries `Auto-Submitted: auto-generated` (RFC 3834),
    # so auto-responders do not answer it.
    automatic = models.BooleanField(default=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the row is next due for the sweep: on creation now, after a failure now + backoff, while
    # claimed the moment the claim goes stale.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "supportops_outboundmessage"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbound_pending")]
