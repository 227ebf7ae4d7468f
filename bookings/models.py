"""One-to-one sessions (SPEC 3.10): a learner books a slot of a Primary's shift, without an account.

The app label is `bookings` and the model `Booking`, so nothing clashes with django.contrib.sessions."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from shifts.models import Member, Shift, Team


def new_manage_token() -> str:
    # 256 bits: the private link is the learner's only credential.
    return secrets.token_urlsafe(32)


class Booking(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        HELD = "held", "Held"
        NO_SHOW = "no_show", "No show"
        CANCELLED = "cancelled", "Cancelled"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="bookings")
    host = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="hosted_sessions")
    # The primary shift the slot was cut from; a re-plan may delete it, the sweep then re-hosts.
    shift = models.ForeignKey(Shift, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    learner_name = models.CharField(max_length=120)
    learner_email = models.EmailField(max_length=254)
    # Lower-cased email: the weekly entitlement is per address, case-insensitively.
    learner_key = models.CharField(max_length=254, db_index=True)
    agenda = models.TextField(max_length=4000, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.BOOKED)
    minutes = models.PositiveIntegerField(null=True, blank=True, help_text="Minutes actually spent (held)")
    note = models.TextField(max_length=4000, blank=True)
    manage_token = models.CharField(max_length=64, unique=True, default=new_manage_token)
    # iCalendar SEQUENCE of the invitation: bumped by every change the learner is sent (RFC 5546).
    sequence = models.PositiveIntegerField(default=0)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["host", "starts_at"], name="booking_host_start"),
            models.Index(fields=["team", "starts_at"], name="booking_team_start"),
            models.Index(fields=["team", "learner_key", "starts_at"], name="booking_learner_week"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="booking_ends_after_start"),
            # One live session per team and start: the database refuses the second of two racing
            # bookings even if the row lock in the service were bypassed.
            models.UniqueConstraint(
                fields=["team", "starts_at"],
                condition=~Q(status="cancelled"),
                name="booking_one_live_per_slot",
            ),
            models.CheckConstraint(
                condition=~Q(status="held") | Q(minutes__isnull=False), name="booking_held_has_minutes"
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False),
                name="booking_cancelled_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team.slug} session {self.starts_at:%Y-%m-%d %H:%M} {self.learner_email}"

    @property
    def length_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class BookingEvent(models.Model):
    """Audit row per change of a session: booked, cancelled, rehosted, held, no_show (actor, from, to)."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_value = models.CharField(max_length=120, blank=True)
    to_value = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
