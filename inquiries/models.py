"""Inquiries, their public thread and timeline, escalations, effort, backlog, SLA notices and handoffs."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Coalesce, Lower

from shifts.models import Member, Team, Topic, new_token

OPEN_STATUSES = ("new", "responded", "waiting")

# Sort keys of the inquiry list's columns (inquiries.listing), each indexed per team below. Written once
# here: PostgreSQL uses an expression index only for the very same expression.
# Inquiries without a response deadline sort after every deadline (never NULL: a plain row comparison).
NO_DEADLINE = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)
DUE_KEY = Coalesce("response_due_at", Value(NO_DEADLINE))
# The priority sort's rank (index `inquiry_team_priority_id`): position in PRIORITY_ORDER, anything else
# (low) after them; `priority_rank` is the rank of one value, for filters that read the index.
PRIORITY_ORDER = ("critical", "high", "normal")
PRIORITY_RANK = Case(
    *(When(priority=value, then=Value(rank)) for rank, value in enumerate(PRIORITY_ORDER)),
    default=Value(len(PRIORITY_ORDER)),
    output_field=models.IntegerField(),
)


def priority_rank(value: str) -> int:
    return PRIORITY_ORDER.index(value) if value in PRIORITY_ORDER else len(PRIORITY_ORDER)


STATUS_RANK = Case(
    When(status="new", then=Value(0)),
    When(status="responded", then=Value(1)),
    When(status="waiting", then=Value(2)),
    default=Value(3),
    output_field=models.IntegerField(),
)
REQUESTER_KEY = Lower("requester_name")


class Inquiry(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"
        RESPONDED = "responded", "Responded"
        WAITING = "waiting", "Waiting on requester"
        RESOLVED = "resolved", "Resolved"

    class Channel(models.TextChoices):
        WEB = "web", "Web form"
        API = "api", "API"
        EMAIL = "email", "Email"
        REDIRECT = "redirect", "Redirected to the Primary"
        IMPORT = "import", "Imported"
        GITHUB = "github", "GitHub"
        ALERT = "alert", "Monitoring alert"

    class Priority(models.TextChoices):
        LOW = "low", "Low"
        NORMAL = "normal", "Normal"
        HIGH = "high", "High"
        CRITICAL = "critical", "Critical"

    class Reproducible(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        UNKNOWN = "unknown", "Unknown"

    class ResolutionKind(models.TextChoices):
        ANSWERED = "answered", "Answered"
        DOCUMENTATION = "documentation", "Pointed to documentation"
        WORKAROUND = "workaround", "Workaround"
        REPRODUCER = "reproducer", "Reproducer made"
        KNOWN_ISSUE = "known_issue", "Known issue"
        FIXED = "fixed", "Fixed (low-hanging fruit)"
        PROMOTED = "promoted", "Promoted to a product issue"
        OTHER = "other", "Other"

    # No index of its own on team, assignee, created_by, topic, known_issue (issue 16: every index is
    # written by every submission): the team and the assignee lead composite indexes below, the nullable
    # ones have partial indexes (no entry for the NULL that a public submission carries).
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="inquiries", db_index=False)
    number = models.PositiveIntegerField()
    reference = models.CharField(max_length=24)
    # Unique by a constraint (below), not `unique=True`: that would add a second, LIKE-only index.
    tracking_token = models.CharField(max_length=64, default=new_token)

    subject = models.CharField(max_length=200)
    body = models.TextField(max_length=20000)
    requester_name = models.CharField(max_length=120)
    requester_email = models.EmailField(max_length=254)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.WEB)
    # Where the conversation lives when it did not start here (a GitHub issue, an alert's dashboard).
    source_url = models.URLField(blank=True, max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    topic = models.ForeignKey(
        Topic, on_delete=models.SET_NULL, null=True, blank=True, related_name="inquiries", db_index=False
    )
    priority = models.CharField(max_length=16, choices=Priority.choices, default=Priority.NORMAL)
    urgency = models.DateField(null=True, blank=True, help_text="Date by which the requester needs it")
    actionable = models.BooleanField(null=True, blank=True)
    reproducible = models.CharField(max_length=8, choices=Reproducible.choices, default=Reproducible.UNKNOWN)
    serious = models.BooleanField(default=False)

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_inquiries",
        db_index=False,
    )
    keep = models.BooleanField(default=False, help_text="Keep at shift end instead of handing off")
    handoff_note = models.TextField(blank=True, max_length=4000)

    received_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    response_due_at = models.DateTimeField(null=True, blank=True)
    response_guarantee_at = models.DateTimeField(null=True, blank=True)
    # Business minutes of resolution_target_minutes, time in `waiting` excluded (SPEC 3.1); null = no target.
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    # Time spent waiting on the requester, excluded from the resolution target.
    waiting_since = models.DateTimeField(null=True, blank=True)
    waiting_seconds = models.PositiveIntegerField(default=0)
    # Business minutes the resolution clock stood still (waiting on the requester, or resolved before a
    # reopen) while the resolution deadline was still ahead: resolution_due_at = received_at + target +
    # this, in business time.
    resolution_paused_minutes = models.FloatField(default=0)

    resolution_kind = models.CharField(max_length=16, choices=ResolutionKind.choices, blank=True)
    resolution_note = models.TextField(blank=True, max_length=10000)
    product_issue_url = models.URLField(blank=True, max_length=500)
    known_issue = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    known_issue_url = models.URLField(blank=True, max_length=500)
    constructive_correction = models.TextField(blank=True, max_length=10000)
    comprehensive_solution = models.TextField(blank=True, max_length=10000)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name_plural = "inquiries"
        indexes = [
            # Deadlines are read while new (the sweeps, "late"): the partial indexes further down.
            models.Index(fields=["team", "status", "received_at"], name="inquiry_team_status_received"),
            # The list order (newest first, id as tie-break) per team and across teams: keyset pages walk
            # these instead of sorting a team's rows. Search (tsvector, trigram) indexes are PG-only DDL in
            # migration 0004.
            models.Index(fields=["team", "-received_at", "-id"], name="inquiry_team_received_id"),
            models.Index(fields=["-received_at", "-id"], name="inquiry_received_id"),
            # The list's other sortable columns, per team, with id as the tie-break (inquiries.listing).
            models.Index(F("team"), DUE_KEY, F("id"), name="inquiry_team_due_id"),
            models.Index(
                F("team"), PRIORITY_RANK, F("received_at"), F("id"), name="inquiry_team_priority_id"
            ),
            models.Index(F("team"), STATUS_RANK, F("received_at"), F("id"), name="inquiry_team_status_id"),
            models.Index(fields=["team", "updated_at", "id"], name="inquiry_team_updated_id"),
            models.Index(F("team"), REQUESTER_KEY, F("id"), name="inquiry_team_requester_id"),
            # The default list (open inquiries, newest or oldest first): the open rows of a team in list
            # order, walked and stopped after a page whatever the size of the resolved history.
            models.Index(
                fields=["team", "-received_at", "-id"],
                condition=Q(status__in=["new", "responded", "waiting"]),
                name="inquiry_team_open_received_id",
            ),
            # The channel filter's rows per team in list order: a channel a team seldom sees (email, GitHub
            # or alerts where learners use the form) was found by walking its whole list (0.65 s at 1M).
            models.Index(
                fields=["team", "channel", "-received_at", "-id"], name="inquiry_team_channel_received"
            ),
            # The load report's "responded in the period" (first-reply authors).
            models.Index(fields=["team", "responded_at"], name="inquiry_team_responded"),
            models.Index(fields=["assignee", "status"], name="inquiry_assignee_status"),
            # The nullable references, for their lookups and ON DELETE SET NULL: only rows that have one.
            models.Index(
                fields=["created_by"], condition=Q(created_by__isnull=False), name="inquiry_created_by"
            ),
            models.Index(fields=["topic"], condition=Q(topic__isnull=False), name="inquiry_topic"),
            models.Index(
                fields=["known_issue"], condition=Q(known_issue__isnull=False), name="inquiry_known_issue"
            ),
            models.Index(fields=["response_due_at"], condition=Q(status="new"), name="inquiry_new_due"),
            models.Index(
                fields=["response_guarantee_at"], condition=Q(status="new"), name="inquiry_new_guarantee"
            ),
            # The resolution clock runs while new or responded (waiting pauses it): what the sweep reads.
            models.Index(
                fields=["resolution_due_at"],
                condition=Q(status__in=["new", "responded"]),
                name="inquiry_running_resolution_due",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["tracking_token"], name="inquiry_tracking_token_unique"),
            models.UniqueConstraint(fields=["team", "number"], name="inquiry_number_unique_per_team"),
            models.UniqueConstraint(fields=["team", "reference"], name="inquiry_reference_unique_per_team"),
            models.CheckConstraint(
                condition=~Q(status="resolved") | Q(resolved_at__isnull=False),
                name="inquiry_resolved_has_resolved_at",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["responded", "waiting"]) | Q(responded_at__isnull=False),
                name="inquiry_responded_has_responded_at",
            ),
            models.CheckConstraint(
                condition=~Q(status="resolved") | ~Q(resolution_kind=""),
                name="inquiry_resolved_has_kind",
            ),
            models.CheckConstraint(
                condition=~Q(resolution_kind="promoted") | ~Q(product_issue_url=""),
                name="inquiry_promoted_has_url",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Message(models.Model):
    """The thread: public replies (to and from the requester) and internal notes."""

    class Kind(models.TextChoices):
        REQUEST = "request", "Requester"
        REPLY = "reply", "Public reply"
        NOTE = "note", "Internal note"
        # Automatic public notices (e.g. "your question now rests with ..." at a shift-end handoff).
        # Public, but not a response: they never set responded_at.
        SYSTEM = "system", "Automatic notice"

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    body = models.TextField(max_length=20000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["inquiry", "created_at"], name="message_inquiry_created")]


class Event(models.Model):
    """The timeline: every change to an inquiry, with who, when, what, from and to."""

    class Kind(models.TextChoices):
        """Every kind an event is written with, in one place: services write these, reports, the
        postmortem timeline and the queue read them. (Not `choices=` on the column: a new kind would
        need a migration, and a kind is not a constraint the database has to keep.) Triage edits write
        `<field>_changed` for each field in `inquiries.services.triage.TRIAGE_FIELDS`. The labels are what the
        timeline shows (inquiries.templatetags.inquiry_tags)."""

        CREATED = "created", "Received"
        IMPORTED_STATUS = "imported_status", "Imported with its status"
        ASSIGNED = "assigned", "Assigned"
        RESPONDED = "responded", "Replied"
        REQUESTER_REPLIED = "requester_replied", "Requester replied"
        NOTE_ADDED = "note_added", "Internal note"
        WAITING = "waiting", "Waiting on requester"
        RESOLVED = "resolved", "Resolved"
        REOPENED = "reopened", "Reopened"
        ESCALATED = "escalated", "Escalated"
        ESCALATION_ACCEPTED = "escalation_accepted", "Escalation accepted"
        ESCALATION_DECLINED = "escalation_declined", "Escalation declined"
        HANDED_OFF = "handed_off", "Handed off"
        EFFORT_LOGGED = "effort_logged", "Effort logged"
        IMPROVEMENT_FILED = "improvement_filed", "Added to backlog"
        POSTMORTEM_DRAFTED = "postmortem_drafted", "Postmortem drafted"
        ALERT_FIRING = "alert_firing", "Alert firing"
        ALERT_RESOLVED = "alert_resolved", "Alert resolved"
        GITHUB_LABELED = "github_labeled", "GitHub labels changed"
        GITHUB_EDITED = "github_edited", "GitHub issue edited"
        GITHUB_CLOSED = "github_closed", "GitHub issue closed"
        GITHUB_REOPENED = "github_reopened", "GitHub issue reopened"
        GITHUB_ANSWERED = "github_answered", "GitHub discussion answered"
        UNVERIFIED_REPLY = "unverified_reply", "Unverified email reply held"
        UNVERIFIED_REPLY_ACCEPTED = "unverified_reply_accepted", "Unverified reply accepted"

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    from_value = models.CharField(max_length=200, blank=True)
    to_value = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["inquiry", "created_at"], name="event_inquiry_created"),
            # The load report's resolvers: resolutions in a period.
            models.Index(fields=["created_at"], condition=Q(kind="resolved"), name="event_resolved_created"),
        ]


class Escalation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="escalations")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="escalations")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField(max_length=4000)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    response_reason = models.TextField(blank=True, max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["member", "status"], name="escalation_member_status")]


class EffortLog(models.Model):
    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="effort_logs")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="effort_logs")
    minutes = models.PositiveIntegerField()
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        # Effort of a team's members in a period (load and cost reports).
        indexes = [models.Index(fields=["member", "created_at"], name="effort_member_created")]
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gte=1, minutes__lte=24 * 60), name="effort_1min_24h")
        ]


class Improvement(models.Model):
    class Kind(models.TextChoices):
        LOW_HANGING_FRUIT = "low_hanging_fruit", "Low-hanging fruit"
        PRODUCT_ISSUE = "product_issue", "Product issue"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="improvements")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    estimate_hours = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    source_inquiry = models.ForeignKey(
        Inquiry, on_delete=models.SET_NULL, null=True, blank=True, related_name="improvements"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    url = models.URLField(blank=True, max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "-created_at"]


class SlaNotice(models.Model):
    """One row per (inquiry, kind, deadline) notified: the unique constraint is the exactly-once."""

    class Kind(models.TextChoices):
        DUE_SOON = "response_due_soon", "Response due soon"
        OVERDUE = "response_overdue", "Response overdue"
        GUARANTEE_BREACHED = "guarantee_breached", "Guarantee breached"
        RESOLUTION_DUE_SOON = "resolution_due_soon", "Resolution due soon"
        RESOLUTION_OVERDUE = "resolution_overdue", "Resolution overdue"

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="sla_notices")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    deadline = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["inquiry", "kind", "deadline"], name="sla_notice_once")
        ]


class Handoff(models.Model):
    """One row per (team, primary shift boundary): the unique constraint is the exactly-once."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="handoffs")
    boundary = models.DateTimeField()
    outgoing = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    incoming = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    moved_count = models.PositiveIntegerField(default=0)
    kept_count = models.PositiveIntegerField(default=0)
    uncovered = models.BooleanField(default=False)
    processed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-boundary"]
        constraints = [models.UniqueConstraint(fields=["team", "boundary"], name="handoff_once_per_boundary")]


class InboundEmail(models.Model):
    """One email taken from a team mailbox, recorded in the same transaction as what it caused.

    The unique (team, message_id) is the "exactly once": a message fetched twice (a poll that died
    before marking it \\Seen, two pollers at once) finds its row and is skipped."""

    class Outcome(models.TextChoices):
        CREATED = "created", "New inquiry"
        REPLIED = "replied", "Requester reply"
        REOPENED = "reopened", "Reopened by the requester"
        FOLLOW_UP = "follow_up", "New inquiry following up a closed one"
        AUTO_REPLY = "auto_reply", "Skipped: automatic reply or bounce"
        LOOP = "loop", "Skipped: sent by SupportOps itself"
        REJECTED = "rejected", "Skipped: not usable (e.g. no valid sender)"
        UNVERIFIED = "unverified", "Held: a reply whose sender could not be verified"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="inbound_emails")
    # The Message-ID header, or "sha256:<hex>" of the raw message when it has none.
    message_id = models.CharField(max_length=255)
    received_at = models.DateTimeField(auto_now_add=True)
    from_address = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    inquiry = models.ForeignKey(
        Inquiry, on_delete=models.SET_NULL, null=True, blank=True, related_name="inbound_emails"
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    note = models.TextField(blank=True)
    # An unverified reply (no passing DMARC/aligned DKIM from our receiving server) is held: its text
    # here and as an internal note on the inquiry, until a member accepts it as the requester's reply.
    held_body = models.TextField(blank=True)
    held_note = models.ForeignKey(
        "Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="held_inbound"
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "message_id"], name="inbound_email_once_per_team"),
        ]

    def __str__(self) -> str:
        return f"{self.team_id} {self.message_id} ({self.outcome})"


class CannedReply(models.Model):
    """A team's stock answer. `{name}` and `{reference}` become the requester's name and the reference."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="canned_replies")
    title = models.CharField(max_length=120)
    body = models.TextField(max_length=20000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["team", "title"], name="canned_reply_title_per_team")]

    def __str__(self) -> str:
        return self.title

    def render_for(self, inquiry: "Inquiry") -> str:
        # str.replace, not str.format: a stray brace in a stock answer must never raise.
        return self.body.replace("{name}", inquiry.requester_name).replace("{reference}", inquiry.reference)


class SavedView(models.Model):
    """A person's named filter of the inquiry list (its query string), e.g. "My overdue pandas"."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(max_length=80)
    query = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="saved_view_name_per_user")]

    def __str__(self) -> str:
        return self.name
