"""Daily report figures per team and local day (team's time zone, by the day an inquiry was received;
per topic too, and per person by the day of the act), so a year's reports read O(days x topics/members)
rows instead of every inquiry.

On PostgreSQL, triggers on inquiries, messages, events, effort logs and shifts mark the (team, day) they
touch in `DirtyDay`, in the writer's own transaction, whatever wrote them (services, bulk updates,
imports, the admin); the `rollups_refresh` sweep recomputes those days from the raw rows. A stored day
leaves out the inquiries still pending when it was computed (their ids in `RolledDay.pending_ids`, read
raw by every report). A report uses a stored day (today's too) only when it is clean and computed with
the team's current calendar (and, for response figures, settled at "now"); every other day comes from
the raw rows — so a report equals the raw computation always.
"""

from django.db import models

from shifts.models import Team


class MinuteColumns(models.Model):
    """Minutes to first response of a stored span (a day, or a week merged from its days), exact, sorted,
    packed as little-endian float64, uncompressed (PostgreSQL stores them EXTERNAL: a substring reads only
    the TOAST chunks it needs), and how many fall in each bucket of rollups.minutes.BOUNDS (the span's first
    non-empty bucket, then the counts from it to its last, uint32, deflated): a report reads the counts of
    every span and only the values of the buckets holding the ranks it selects (exact medians and p90 of
    any span of days; rollups.minutes)."""

    calendar_minutes = models.BinaryField(default=b"")
    business_minutes = models.BinaryField(default=b"")
    calendar_buckets = models.BinaryField(default=b"")
    business_buckets = models.BinaryField(default=b"")
    # Changes whenever the row is recomputed: the minutes are read in a second statement, from the row
    # whose bucket counts were read (rollups.selectors.minute_slices).
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class RolledDay(MinuteColumns):
    """A (team, day) whose figures are stored, with what they depend on besides the inquiries."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    # Time zone, coverage and holidays the day was computed with (business minutes, day boundaries).
    calendar_key = models.CharField(max_length=64)
    # Until when an unanswered inquiry of the day may still be "pending" (its latest deadline); null =
    # nothing pending. Before that instant the day is read from raw rows (pending depends on "now").
    settled_at = models.DateTimeField(null=True, blank=True)
    # Inquiries of the day still pending when it was computed (unanswered before a deadline, or open
    # before their resolution target): left out of the stored figures, read raw by every report.
    pending_ids = models.JSONField(default=list)
    # The day's response figures summed over its topics ({count name: n, "channels": {channel:
    # [received, responded, within target]}}): the response-times report reads one row per day.
    figures = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "day"], name="rolled_day_once")]

    def __str__(self) -> str:
        return f"{self.team_id} {self.day}"


class RolledWeek(MinuteColumns):
    """Seven stored days of a team, Monday to Sunday, their minutes to first response merged: the same
    format as a day's (sorted float64, EXTERNAL, with counts per bucket), so a report over whole weeks
    reads a row and a slice per week and bucket instead of seven (rollups.selectors.period_days).
    Written with its days by the sweep (rollups.services.weeks_store); used only while every one of its
    days is usable and still the version it was merged from (`days_computed`)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    week = models.DateField()  # its Monday
    # The `computed_at` of its seven days (Monday first, ISO 8601) as merged: a day recomputed since
    # (by code that does not merge weeks, or a sweep that lost a race) no longer matches.
    days_computed = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "week"], name="rolled_week_once")]

    def __str__(self) -> str:
        return f"{self.team_id} week of {self.week}"


class DayTopicFigures(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    topic_id = models.IntegerField(null=True, blank=True)  # not a key: a deleted topic marks days dirty
    received = models.PositiveIntegerField(default=0)
    responded = models.PositiveIntegerField(default=0)
    within_target = models.PositiveIntegerField(default=0)
    within_guarantee = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    documentation = models.PositiveIntegerField(default=0)
    effort_minutes = models.PositiveIntegerField(default=0)
    with_resolution_target = models.PositiveIntegerField(default=0)
    resolved_within_target = models.PositiveIntegerField(default=0)
    pending_resolution = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["team", "day"], name="day_topic_team_day")]

    def __str__(self) -> str:
        return f"{self.team_id} {self.day} topic {self.topic_id}"


class DayMemberFigures(models.Model):
    """What one person did on a team's local day (the load report): a row per user (responses written,
    inquiries resolved) or per member (effort logged, and the part outside their own primary shifts).
    Ids, not keys: a deleted user or member marks the days it touched."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    user_id = models.IntegerField(null=True, blank=True)
    member_id = models.IntegerField(null=True, blank=True)
    responded = models.PositiveIntegerField(default=0)
    resolved_count = models.PositiveIntegerField(default=0)  # distinct inquiries resolved that day
    # Only the ids of those inquiries this person also resolved on another day: a period counts each
    # once (resolved_count summed, minus the repeats), without an id per resolution.
    resolved = models.JSONField(default=list)
    effort_minutes = models.PositiveIntegerField(default=0)
    effort_outside_minutes = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["team", "day"], name="day_member_team_day")]

    def __str__(self) -> str:
        return f"{self.team_id} {self.day} user {self.user_id} member {self.member_id}"


class DirtyDay(models.Model):
    """Written by the database triggers (PostgreSQL), one row per statement and day touched; consumed by
    the sweep. Append-only on purpose: writers never wait on each other's marks (no unique key to lock),
    and a mark of a transaction still running is invisible to the sweep until it commits."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["team", "day"], name="dirty_day_team_day")]

    def __str__(self) -> str:
        return f"{self.team_id} {self.day}"
