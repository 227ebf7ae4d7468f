"""Input and output serializers of the postmortem API, kept apart (SPEC 3.7, 4)."""

from rest_framework import serializers

from inquiries.models import Improvement
from supportops.times import TeamLocalDateTimeField

from ..models import Milestone, Postmortem, Recommendation


class MilestoneOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "at", "description"]


class RecommendationOutputSerializer(serializers.ModelSerializer):
    owner = serializers.IntegerField(source="owner_id", allow_null=True)
    owner_name = serializers.CharField(source="owner.display_name", allow_null=True, default=None)
    improvement = serializers.IntegerField(source="improvement_id", allow_null=True)

    class Meta:
        model = Recommendation
        fields = ["id", "description", "owner", "owner_name", "due_date", "status", "improvement"]


class PostmortemOutputSerializer(serializers.ModelSerializer):
    team = serializers.CharField(source="team.slug")
    inquiries = serializers.SerializerMethodField()
    created_by = serializers.CharField(source="created_by.username", allow_null=True, default=None)
    effort_minutes = serializers.IntegerField(read_only=True)
    effort_hours = serializers.SerializerMethodField()
    people_count = serializers.IntegerField(read_only=True)
    milestones = MilestoneOutputSerializer(many=True, read_only=True)
    recommendations = RecommendationOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Postmortem
        fields = [
            "id",
            "team",
            "title",
            "status",
            "inquiries",
            "summary",
            "impact",
            "root_causes",
            "resources_note",
            "effort_minutes",
            "effort_hours",
            "people_count",
            "milestones",
            "recommendations",
            "meeting_date",
            "submitted_at",
            "closed_at",
            "created_by",
            "created_at",
            "updated_at",
        ]

    def get_inquiries(self, postmortem: Postmortem) -> list[str]:
        return sorted((i.reference for i in postmortem.inquiries.all()), key=_reference_key)

    def get_effort_hours(self, postmortem: Postmortem) -> float:
        return round(postmortem.effort_minutes / 60, 2)


def _reference_key(reference: str) -> tuple[str, int]:
    prefix, _, number = reference.rpartition("-")
    return prefix, int(number) if number.isdigit() else 0


class PersonSerializer(serializers.Serializer):
    member = serializers.IntegerField(source="member_id")
    name = serializers.CharField()
    minutes = serializers.IntegerField()


class PostmortemDetailSerializer(PostmortemOutputSerializer):
    """One postmortem: the list's fields plus who spent the effort."""

    people = serializers.SerializerMethodField()

    class Meta(PostmortemOutputSerializer.Meta):
        fields = [*PostmortemOutputSerializer.Meta.fields, "people"]

    def get_people(self, postmortem: Postmortem) -> list[dict]:
        resources = self.context.get("resources")
        return PersonSerializer(resources.people if resources else [], many=True).data


class _Strict(serializers.Serializer):
    """Shape only; services check meaning with readable messages. Unknown fields are an error, not ignored."""

    read_only_hint = ""

    def validate(self, attrs):
        unknown = set(getattr(self, "initial_data", {}) or {}) - set(self.fields)
        if unknown:
            hint = f" {self.read_only_hint}" if self.read_only_hint and "status" in unknown else ""
            raise serializers.ValidationError(
                f"Unknown or read-only field(s): {', '.join(sorted(unknown))}.{hint}"
            )
        return attrs


class PostmortemCreateSerializer(_Strict):
    team = serializers.SlugField(max_length=40)
    inquiries = serializers.ListField(child=serializers.CharField(max_length=24), min_length=1, max_length=50)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    summary = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    impact = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    root_causes = serializers.CharField(max_length=20000, required=False, allow_blank=True)


class PostmortemUpdateSerializer(_Strict):
    read_only_hint = "Change the status with the submit/, discuss/, close/ and reopen/ actions."

    title = serializers.CharField(max_length=200, required=False)
    summary = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    impact = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    root_causes = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    resources_note = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    inquiries = serializers.ListField(
        child=serializers.CharField(max_length=24), min_length=1, max_length=50, required=False
    )


class DiscussSerializer(_Strict):
    meeting_date = serializers.DateField()


class MilestoneInputSerializer(_Strict):
    at = TeamLocalDateTimeField(required=False)
    description = serializers.CharField(max_length=500, required=False)


class RecommendationInputSerializer(_Strict):
    description = serializers.CharField(max_length=500, required=False)
    owner = serializers.IntegerField(required=False, allow_null=True)
    due_date = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=Recommendation.Status.choices, required=False)


class BacklogItemSerializer(_Strict):
    kind = serializers.ChoiceField(choices=Improvement.Kind.choices, default=Improvement.Kind.PRODUCT_ISSUE)
    estimate_hours = serializers.DecimalField(max_digits=6, decimal_places=1, required=False, allow_null=True)
    url = serializers.CharField(max_length=500, required=False, allow_blank=True)
