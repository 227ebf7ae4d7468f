"""Postmortems of serious inquiries: timeline milestones and recommendations."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from shifts.models import Member, Team


class Postmortem(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        DISCUSSED = "discussed", "Discussed"
        CLOSED = "closed", "Closed"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="postmortems")
    title = models.CharField(max_length=200)
    inquiries = models.ManyToManyField("inquiries.Inquiry", related_name="postmortems", blank=True)
    summary = models.TextField(blank=True)
    impact = models.TextField(blank=True)
    root_causes = models.TextField(blank=True, help_text="What happened and why")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    meeting_date = models.DateField(null=True, blank=True)
    resources_note = models.TextField(
        blank=True, help_text="Resources beyond the logged effort (hardware, money, outside help)"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["team", "status"], name="postmortem_team_status")]
        constraints = [
            # A discussion happened on a day; a closed postmortem says when it was closed.
            models.CheckConstraint(
                condition=~Q(status__in=["discussed", "closed"]) | Q(meeting_date__isnull=False),
                name="postmortem_discussed_has_meeting_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
                name="postmortem_closed_has_closed_at",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Change(models.Model):
    """The postmortem's own audit trail: status moves and edits, with who and when."""

    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=32)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    from_value = models.CharField(max_length=200, blank=True)
    to_value = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class Milestone(models.Model):
    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="milestones")
    at = models.DateTimeField()
    description = models.CharField(max_length=500)

    class Meta:
        ordering = ["at", "id"]


class Recommendation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="recommendations")
    description = models.CharField(max_length=500)
    owner = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    improvement = models.ForeignKey(
        "inquiries.Improvement", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_date", "id"]


class ActionItemReminder(models.Model):
    """One row per (action item, day of its owner's team) reminded: the unique constraint is the
    "once a day" of `action_item_overdue` (SPEC 3.5), whatever the number of sweeps."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="reminders")
    day = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "day"], name="action_item_reminded_once_a_day")
        ]
