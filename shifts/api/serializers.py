"""Output serializers shared by the rotation, shift, absence and swap endpoints."""

from rest_framework import serializers

from ..models import Absence, Member, Rotation, Shift, Swap


class MemberBriefSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username")
    name = serializers.CharField(source="display_name")

    class Meta:
        model = Member
        fields = ["id", "username", "name", "percent_time"]


class RotationOutputSerializer(serializers.ModelSerializer):
    handoff_time = serializers.TimeField(format="%H:%M")
    members = serializers.SerializerMethodField()

    class Meta:
        model = Rotation
        fields = [
            "id",
            "role",
            "shift_length_minutes",
            "handoff_time",
            "starts_on",
            "members",
            "scheduled_until",
        ]

    def get_members(self, rotation: Rotation) -> list[int]:
        return sorted(m.pk for m in rotation.members.all())


class ShiftOutputSerializer(serializers.ModelSerializer):
    team = serializers.CharField(source="team.slug")
    member = MemberBriefSerializer()
    scheduled_member = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Shift
        fields = ["id", "team", "role", "member", "scheduled_member", "starts_at", "ends_at", "source"]


class AbsenceOutputSerializer(serializers.ModelSerializer):
    team = serializers.CharField(source="member.team.slug")
    member = MemberBriefSerializer()

    class Meta:
        model = Absence
        fields = ["id", "team", "member", "starts_at", "ends_at", "reason", "note"]


class SwapOutputSerializer(serializers.ModelSerializer):
    team = serializers.CharField(source="team.slug")
    requester = MemberBriefSerializer()
    counterpart = MemberBriefSerializer()

    class Meta:
        model = Swap
        fields = [
            "id",
            "team",
            "requester",
            "shift",
            "counterpart",
            "counterpart_shift",
            "status",
            "note",
            "decision_reason",
            "created_at",
            "decided_at",
        ]
