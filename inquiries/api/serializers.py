"""Input and output serializers of the inquiry API, kept apart (SPEC 4)."""

from rest_framework import serializers

from security.cleaning import CleanCharField
from supportops.serializers import PlainOutput
from supportops.times import TeamLocalDateTimeField

from ..models import EffortLog, Escalation, Event, Improvement, Inquiry, Message


class InquiryOutputSerializer(PlainOutput, serializers.ModelSerializer):
    team = serializers.CharField(source="team.slug")
    topic = serializers.CharField(source="topic.name", allow_null=True, default=None)
    assignee = serializers.IntegerField(source="assignee_id", allow_null=True)
    assignee_name = serializers.CharField(source="assignee.display_name", allow_null=True, default=None)
    known_issue = serializers.CharField(source="known_issue.reference", allow_null=True, default=None)
    effort_minutes = serializers.IntegerField(read_only=True)

    class Meta:
        model = Inquiry
        fields = [
            "reference",
            "team",
            "subject",
            "body",
            "requester_name",
            "requester_email",
            "channel",
            "source_url",
            "topic",
            "priority",
            "urgency",
            "actionable",
            "reproducible",
            "serious",
            "status",
            "assignee",
            "assignee_name",
            "received_at",
            "responded_at",
            "resolved_at",
            "response_due_at",
            "response_guarantee_at",
            "resolution_due_at",
            "waiting_seconds",
            "resolution_kind",
            "resolution_note",
            "product_issue_url",
            "known_issue",
            "known_issue_url",
            "constructive_correction",
            "comprehensive_solution",
            "keep",
            "handoff_note",
            "effort_minutes",
        ]


class InquiryCreateSerializer(serializers.Serializer):
    team = serializers.SlugField(max_length=40)
    channel = serializers.ChoiceField(
        choices=[Inquiry.Channel.API, Inquiry.Channel.REDIRECT, Inquiry.Channel.IMPORT], default="api"
    )
    subject = CleanCharField(max_length=200)
    body = CleanCharField(max_length=20000, multiline=True)
    requester_name = CleanCharField(max_length=120)
    requester_email = serializers.EmailField(max_length=254)
    topic = serializers.CharField(max_length=80, required=False, allow_blank=True, allow_null=True)
    priority = serializers.ChoiceField(choices=Inquiry.Priority.choices, required=False)
    # Without an offset these are the team's wall-clock times (supportops.times), like every API time.
    received_at = TeamLocalDateTimeField(required=False)
    # History of an import (channel `import` only); checked together by the intake service.
    responded_at = TeamLocalDateTimeField(required=False)
    resolved_at = TeamLocalDateTimeField(required=False)
    status = serializers.CharField(max_length=16, required=False)
    resolution_kind = serializers.CharField(max_length=16, required=False, allow_blank=True)
    product_issue_url = serializers.CharField(max_length=500, required=False, allow_blank=True)
    assignee = serializers.IntegerField(required=False)

    HISTORY = ("responded_at", "resolved_at", "status", "resolution_kind", "product_issue_url", "assignee")


class TriageInputSerializer(serializers.Serializer):
    priority = serializers.ChoiceField(choices=Inquiry.Priority.choices, required=False)
    urgency = serializers.DateField(required=False, allow_null=True)
    actionable = serializers.BooleanField(required=False, allow_null=True)
    reproducible = serializers.ChoiceField(choices=Inquiry.Reproducible.choices, required=False)
    topic = serializers.CharField(max_length=80, required=False, allow_blank=True, allow_null=True)
    serious = serializers.BooleanField(required=False)
    keep = serializers.BooleanField(required=False)
    handoff_note = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    constructive_correction = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    comprehensive_solution = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    assignee = serializers.IntegerField(required=False)

    def validate(self, attrs):
        unknown = set(self.initial_data) - set(self.fields)
        if unknown:
            raise serializers.ValidationError(f"Unknown or read-only field(s): {', '.join(sorted(unknown))}.")
        return attrs


class BodySerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20000)


class ResolveSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Inquiry.ResolutionKind.choices)
    note = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")
    reply = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    product_issue_url = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    known_issue = serializers.CharField(max_length=500, required=False, allow_blank=True, allow_null=True)
    constructive_correction = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    comprehensive_solution = serializers.CharField(max_length=10000, required=False, allow_blank=True)


class AssignSerializer(serializers.Serializer):
    member = serializers.IntegerField()


class EscalateSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    reason = serializers.CharField(max_length=4000)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class EffortInputSerializer(serializers.Serializer):
    minutes = serializers.IntegerField(min_value=1, max_value=24 * 60)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class EffortOutputSerializer(serializers.ModelSerializer):
    inquiry = serializers.CharField(source="inquiry.reference")
    member_name = serializers.CharField(source="member.display_name")

    class Meta:
        model = EffortLog
        fields = ["id", "inquiry", "member", "member_name", "minutes", "note", "created_at"]


class EventOutputSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = ["id", "kind", "actor", "from_value", "to_value", "note", "created_at"]

    def get_actor(self, event: Event) -> str | None:
        if event.actor is None:
            return None
        return event.actor.get_full_name() or event.actor.username


class MessageOutputSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = ["id", "kind", "author", "body", "created_at"]

    def get_author(self, message: Message) -> str | None:
        if message.author is None:
            return None
        return message.author.get_full_name() or message.author.username


class EscalationOutputSerializer(serializers.ModelSerializer):
    inquiry = serializers.CharField(source="inquiry.reference")
    member_name = serializers.CharField(source="member.display_name")

    class Meta:
        model = Escalation
        fields = [
            "id",
            "inquiry",
            "member",
            "member_name",
            "reason",
            "status",
            "response_reason",
            "created_at",
            "decided_at",
        ]


class ImprovementOutputSerializer(serializers.ModelSerializer):
    team = serializers.CharField(source="team.slug")
    source_inquiry = serializers.CharField(source="source_inquiry.reference", allow_null=True, default=None)

    class Meta:
        model = Improvement
        fields = [
            "id",
            "team",
            "title",
            "kind",
            "estimate_hours",
            "source_inquiry",
            "status",
            "url",
            "created_at",
        ]


class ImprovementInputSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False)
    team = serializers.SlugField(max_length=40, required=False)
    title = serializers.CharField(max_length=200, required=False)
    kind = serializers.ChoiceField(choices=Improvement.Kind.choices, required=False)
    estimate_hours = serializers.DecimalField(max_digits=6, decimal_places=1, required=False, allow_null=True)
    source_inquiry = serializers.CharField(max_length=24, required=False, allow_blank=True, allow_null=True)
    status = serializers.ChoiceField(choices=Improvement.Status.choices, required=False)
    url = serializers.CharField(max_length=500, required=False, allow_blank=True)


class PublicInquirySerializer(serializers.Serializer):
    team = serializers.SlugField(max_length=40)
    name = CleanCharField(max_length=120)
    email = serializers.EmailField(max_length=254)
    subject = CleanCharField(max_length=200)
    body = CleanCharField(max_length=20000, multiline=True)
    topic = serializers.CharField(max_length=80, required=False, allow_blank=True, allow_null=True)
    # The form's honeypot, for bots that post the form's fields here: anything in it rejects the submission.
    website = serializers.CharField(required=False, allow_blank=True, write_only=True)

    def validate_website(self, value: str) -> str:
        if value:
            raise serializers.ValidationError("This submission looks automated and was not accepted.")
        return value
