from rest_framework import serializers

from ..invitations import manage_url
from ..models import Booking


class SlotSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class PublicBookingInputSerializer(serializers.Serializer):
    team = serializers.SlugField(max_length=40)
    name = serializers.CharField(max_length=120)
    email = serializers.CharField(max_length=254)
    # Parsed by bookings.timeparse so an instant without an offset is refused, not guessed.
    starts_at = serializers.CharField(max_length=64)
    agenda = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    # The page's honeypot, for bots posting its fields here.
    website = serializers.CharField(required=False, allow_blank=True, write_only=True)

    def validate_website(self, value: str) -> str:
        if value:
            raise serializers.ValidationError("This submission looks automated and was not accepted.")
        return value


class PublicBookingOutputSerializer(serializers.ModelSerializer):
    host = serializers.CharField(source="host.display_name")
    manage_url = serializers.SerializerMethodField()

    class Meta:
        model = Booking
        fields = ["id", "starts_at", "ends_at", "host", "manage_url", "status"]

    def get_manage_url(self, booking: Booking) -> str:
        return manage_url(booking)


class HostBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField(source="user.username")
    name = serializers.CharField(source="display_name")


class SessionOutputSerializer(serializers.ModelSerializer):
    team = serializers.CharField(source="team.slug")
    host = HostBriefSerializer()
    name = serializers.CharField(source="learner_name")
    email = serializers.CharField(source="learner_email")
    shift = serializers.IntegerField(source="shift_id", allow_null=True)

    class Meta:
        model = Booking
        fields = [
            "id", "team", "host", "shift", "name", "email", "agenda", "starts_at", "ends_at", "status",
            "minutes", "note", "created_at", "cancelled_at",
        ]  # fmt: skip


class SessionPatchSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[Booking.Status.HELD, Booking.Status.NO_SHOW, Booking.Status.CANCELLED], required=False
    )
    minutes = serializers.IntegerField(min_value=1, max_value=600, required=False)
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True)
