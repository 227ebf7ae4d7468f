"""Teams, members, coverage, rotations, shifts, absences, swaps and calendar feeds."""

import datetime as dt
import secrets
import zoneinfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from supportops.crypto import EncryptedTextField
from supportops.times import clock


def new_token() -> str:
    # 32 bytes of randomness: 256 bits, URL-safe.
    return secrets.token_urlsafe(32)


class Team(models.Model):
    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    timezone = models.CharField(max_length=64, default="UTC")
    # [{"weekday": 0-6 (Mon=0), "start": "HH:MM", "end": "HH:MM"}], validated by shifts.coverage.
    coverage = models.JSONField(default=list, blank=True)
    # ISO dates on which the team is closed all day.
    holidays = models.JSONField(default=list, blank=True)
    holiday_country = models.CharField(max_length=8, blank=True, help_text="ISO country code, e.g. CH")
    holiday_subdivision = models.CharField(max_length=16, blank=True, help_text="e.g. ZH")
    response_target_minutes = models.PositiveIntegerField(default=240)
    response_guarantee_minutes = models.PositiveIntegerField(default=1440)
    resolution_target_minutes = models.PositiveIntegerField(null=True, blank=True)
    support_budget_percent = models.PositiveSmallIntegerField(
        default=50, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    low_hanging_fruit_hours = models.DecimalField(max_digits=5, decimal_places=1, default=4)
    webhook_url = models.URLField(blank=True)
    handoff_notifies_requester = models.BooleanField(default=True)
    reference_prefix = models.CharField(max_length=12, help_text="Prefix of inquiry references, e.g. ADS")
    # Last inquiry number handed out; incremented under a row lock so references never collide.
    last_reference_number = models.PositiveIntegerField(default=0)
    # The team mailbox (SPEC 3.3, channel `email`): polled over IMAP by inquiries.mail_intake.
    mail_enabled = models.BooleanField(default=False, help_text="Poll this mailbox for inquiries")
    mail_host = models.CharField(max_length=255, blank=True, help_text="IMAP server, e.g. imap.example.org")
    mail_port = models.PositiveIntegerField(
        default=993, validators=[MinValueValidator(1), MaxValueValidator(65535)]
    )
    mail_use_ssl = models.BooleanField(default=True, help_text="IMAP over TLS (IMAP4_SSL)")
    mail_username = models.CharField(max_length=255, blank=True)
    # Encrypted at rest (supportops.crypto; IMAP needs the plaintext, so not hashed): use an app
    # password. Never returned by the API, pages or admin.
    mail_password = EncryptedTextField(blank=True)
    mail_folder = models.CharField(max_length=255, default="INBOX")
    mail_last_poll_at = models.DateTimeField(null=True, blank=True)
    mail_last_poll_error = models.TextField(blank=True)
    # Who alerts from monitoring integrations go to (SPEC 3.9): the Secondary on shift, else the Primary.
    alerts_to = models.CharField(
        max_length=16, choices=[("primary", "Primary"), ("secondary", "Secondary")], default="primary"
    )
    # Beat keeps every rotation planned this far ahead (SPEC 3.2, continuity).
    schedule_horizon_days = models.PositiveSmallIntegerField(
        default=56, validators=[MinValueValidator(7), MaxValueValidator(366)]
    )
    # One-to-one sessions (SPEC 3.10); 0 minutes a week = not offered.
    session_minutes_per_week = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(24 * 60)]
    )
    session_length_minutes = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    session_notice_minutes = models.PositiveIntegerField(
        default=120, validators=[MaxValueValidator(14 * 24 * 60)]
    )
    session_video_url = models.URLField(blank=True, max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def planning_horizon(self, at: dt.datetime | None = None) -> dt.date:
        """The day up to which beat keeps every rotation planned (SPEC 3.2): the team's own date plus
        its horizon. The seed, the extension and the managers' health view all read it from here."""
        today = timezone.localdate(at or timezone.now(), zoneinfo.ZoneInfo(self.timezone))
        return today + dt.timedelta(days=self.schedule_horizon_days)

    def local_time(self, at: dt.datetime) -> str:
        """An instant as the team reads it, e.g. "Mon 23 Nov 12:00 CET" (the time zone is validated)."""
        return clock(at, self.timezone)


class Topic(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="topics")
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["team", "name"], name="topic_unique_per_team")]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    class Role(models.TextChoices):
        DEVELOPER = "developer", "Developer"
        MANAGER = "manager", "Manager"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    percent_time = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(100)])
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.DEVELOPER)
    is_active = models.BooleanField(default=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="member_unique_per_team"),
            models.CheckConstraint(
                condition=Q(percent_time__gte=1, percent_time__lte=100), name="member_percent_time_1_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.team.slug})"

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.username

    @property
    def is_manager(self) -> bool:
        return self.role == self.Role.MANAGER


class Rotation(models.Model):
    class Role(models.TextChoices):
        PRIMARY = "primary", "Primary"
        SECONDARY = "secondary", "Secondary"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="rotations")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.PRIMARY)
    shift_length_minutes = models.PositiveIntegerField(
        validators=[MinValueValidator(30), MaxValueValidator(28 * 24 * 60)]
    )
    handoff_time = models.TimeField()
    starts_on = models.DateField()
    members = models.ManyToManyField(
        Member, through="RotationMembership", related_name="rotations", blank=True
    )
    # Shifts up to this date are published; re-scheduling keeps them.
    scheduled_until = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team", "role"]
        constraints = [
            models.UniqueConstraint(fields=["team", "role"], name="rotation_one_per_role"),
            models.CheckConstraint(
                condition=Q(shift_length_minutes__gte=30, shift_length_minutes__lte=28 * 24 * 60),
                name="rotation_shift_length_30min_28days",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team.slug} {self.role}"


class RotationMembership(models.Model):
    """A member's place in a rotation since `joined_at`.

    The fair share (SPEC 3.2) counts a member only from the slot during which they joined: a newcomer
    owes nothing for the shifts before, so they are not handed a burst of shifts to "catch up". Leaving
    deletes the row, so the scheduler stops counting them at once; who served before stays in the Shift
    rows, and rejoining starts a new window from the day of the rejoin.
    """

    rotation = models.ForeignKey(Rotation, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="rotation_memberships")
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["rotation", "joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["rotation", "member"], name="rotation_membership_once"),
        ]

    def __str__(self) -> str:
        return f"{self.rotation} · {self.member_id} since {self.joined_at:%Y-%m-%d %H:%M}"


class Shift(models.Model):
    class Source(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        OVERRIDE = "override", "Override"
        SWAP = "swap", "Swap"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="shifts")
    rotation = models.ForeignKey(
        Rotation, on_delete=models.CASCADE, related_name="shifts", null=True, blank=True
    )
    role = models.CharField(max_length=16, choices=Rotation.Role.choices, default=Rotation.Role.PRIMARY)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="shifts")
    # Who the scheduler picked, kept when an override or swap changes `member`.
    scheduled_member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.SCHEDULED)
    # A part of a longer slot that a re-plan split at its member's absence (SPEC 3.2, see
    # shifts.scheduler._split_partial): later re-plans keep the parts instead of the whole slot.
    split = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["team", "role", "starts_at"], name="shift_team_role_start"),
            models.Index(fields=["team", "role", "ends_at"], name="shift_team_role_end"),
            models.Index(fields=["member", "starts_at"], name="shift_member_start"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="shift_ends_after_start"),
            models.UniqueConstraint(fields=["team", "role", "starts_at"], name="shift_unique_start_per_role"),
        ]

    def __str__(self) -> str:
        return f"{self.team.slug} {self.role} {self.starts_at:%Y-%m-%d %H:%M} {self.member_id}"


class ShiftReminder(models.Model):
    """One row per reminder sent: the unique constraint makes reminders exactly-once."""

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="reminders")
    minutes_before = models.PositiveIntegerField()
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shift", "member", "minutes_before"], name="shift_reminder_once")
        ]


class Absence(models.Model):
    class Reason(models.TextChoices):
        VACATION = "vacation", "Vacation"
        TRAINING = "training", "Training"
        TRAVEL = "travel", "Travel"
        OTHER = "other", "Other"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="absences")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=16, choices=Reason.choices, default=Reason.VACATION)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["member", "starts_at"], name="absence_member_start")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="absence_ends_after_start")
        ]


class Swap(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        CANCELLED = "cancelled", "Cancelled"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="swaps")
    requester = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="swaps_requested")
    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="+")
    counterpart = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="swaps_offered")
    # The counterpart's shift that the requester takes in return; empty = the counterpart just takes `shift`.
    counterpart_shift = models.ForeignKey(
        Shift, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    note = models.CharField(max_length=300, blank=True)
    decision_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class CalendarFeed(models.Model):
    """A private iCal URL: for one member's shifts, or (member empty) the whole team's."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="calendar_feeds")
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="calendar_feeds", null=True, blank=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)


class ShiftEvent(models.Model):
    """Audit row for every change of who serves a shift (override, swap, re-plan): actor, from, to."""

    class Kind(models.TextChoices):
        OVERRIDE = "override", "Override"
        SWAP = "swap", "Swap"
        REASSIGNED = "reassigned", "Reassigned by the scheduler"

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_member = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="+")
    to_member = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]


class UnfilledSlot(models.Model):
    """A planned slot of a rotation that nobody could take (everyone absent or serving the other role).

    One row per slot: the managers are told once, however often beat or a re-plan meets the same gap;
    the row goes away when the slot gets a member.
    """

    rotation = models.ForeignKey(Rotation, on_delete=models.CASCADE, related_name="unfilled_slots")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    notified_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["rotation", "starts_at"], name="unfilled_slot_once"),
        ]
