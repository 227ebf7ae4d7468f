"""The audit log: who changed which team setting, membership, role, webhook, mailbox, integration or token,
from what to what. Secrets are never written here (audit.services masks them)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEntry(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The actor's username at the time: the row still reads after the account is gone.
    actor_name = models.CharField(max_length=150, blank=True)
    team = models.ForeignKey(
        "shifts.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="audit_entries"
    )
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    old = models.JSONField(default=dict, blank=True)
    new = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["team", "-at"], name="audit_team_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or '-'} {self.action} {self.object_repr}"
