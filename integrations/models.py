"""Integrations: a team's GitHub repositories and monitoring systems posting to /hooks/<token>/ (SPEC 3.9)."""

from django.db import models
from django.db.models import Q

from inquiries.models import Inquiry
from shifts.models import Team, new_token
from supportops.crypto import EncryptedTextField

GITHUB_API_URL = "https://api.github.com"


class Integration(models.Model):
    class Kind(models.TextChoices):
        GITHUB = "github", "GitHub"
        ALERTMANAGER = "alertmanager", "Prometheus Alertmanager"
        GRAFANA = "grafana", "Grafana alerting"
        GENERIC = "generic", "Generic JSON alert"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="integrations")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    name = models.CharField(max_length=120)
    # The inbound URL is /hooks/<token>/: 256 random bits, regenerated to revoke the old URL.
    token = models.CharField(max_length=64, unique=True, default=new_token)
    # Write-only: the webhook's HMAC secret and the GitHub token for posting replies back.
    secret = EncryptedTextField(blank=True, default="")
    access_token = EncryptedTextField(blank=True, default="")
    api_url = models.URLField(max_length=300, default=GITHUB_API_URL)
    # GitHub: only issues/discussions carrying one of these labels become inquiries (empty: all).
    labels = models.JSONField(default=list, blank=True)
    auto_resolve = models.BooleanField(default=True)
    active = models.BooleanField(default=True)
    last_received_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team", "name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class Delivery(models.Model):
    """One accepted inbound delivery: what came, what it did. Unique per (integration, delivery_id), so
    a redelivery (GitHub's X-GitHub-Delivery, or a sender's Idempotency-Key) is processed once."""

    class Outcome(models.TextChoices):
        CREATED = "created", "New inquiry"
        UPDATED = "updated", "Added to an inquiry"
        RESOLVED = "resolved", "Resolved an inquiry"
        IGNORED = "ignored", "Ignored"
        FAILED = "failed", "Failed"

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="deliveries")
    delivery_id = models.CharField(max_length=100)
    event = models.CharField(max_length=60, blank=True)
    headers = models.JSONField(default=dict)
    # The first BODY_LIMIT characters, for debugging; the whole body is never kept.
    body = models.TextField(blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    # What the sender was answered (201 new inquiry, 200 otherwise, 202/422 failed).
    status_code = models.PositiveSmallIntegerField(default=200)
    detail = models.TextField(blank=True)
    inquiry = models.ForeignKey(Inquiry, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    received_at = models.DateTimeField(auto_now_add=True)

    BODY_LIMIT = 16_000

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "delivery_id"], name="delivery_once_per_integration"
            )
        ]


class Link(models.Model):
    """What ties an inquiry to its source: a GitHub issue or discussion, or an alert group.

    `active` links are the ones later deliveries continue; the partial unique constraint makes "one
    inquiry per open alert group / per issue" hold even if two deliveries race. An alert group that
    resolved is deactivated, so the same group firing again later opens a new inquiry."""

    class Kind(models.TextChoices):
        ISSUE = "issue", "GitHub issue"
        DISCUSSION = "discussion", "GitHub discussion"
        ALERT_GROUP = "alert_group", "Alert group"

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="links")
    inquiry = models.OneToOneField(Inquiry, on_delete=models.CASCADE, related_name="integration_link")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    key = models.CharField(max_length=255)
    active = models.BooleanField(default=True)
    # GitHub: the author whose comments are requester replies, and where replies are posted back.
    author_login = models.CharField(max_length=100, blank=True)
    repository = models.CharField(max_length=200, blank=True)
    number = models.PositiveIntegerField(null=True, blank=True)
    node_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "key"], condition=Q(active=True), name="link_one_active_per_key"
            )
        ]
        indexes = [models.Index(fields=["integration", "key"], name="link_integration_key")]
