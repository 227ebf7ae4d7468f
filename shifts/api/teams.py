"""Teams and members API (SPEC 4)."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from security.cleaning import CleanCharField
from supportops.errors import NotFoundError
from supportops.pagination import paginate

from .. import services
from ..models import Member, Team, Topic
from ..selectors import members_of, team_get_for_user, teams_for_user, user_manages


class CoverageWindowSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(min_value=0, max_value=6)
    start = serializers.CharField()
    end = serializers.CharField()


class TeamOutputSerializer(serializers.ModelSerializer):
    coverage = CoverageWindowSerializer(many=True)
    holidays = serializers.ListField(child=serializers.DateField())
    topics = serializers.SerializerMethodField()
    mail_password_set = serializers.SerializerMethodField()
    mail_last_poll_ok = serializers.SerializerMethodField()

    # Mailbox details are for managers (issue 10): a developer learns whether polling works, not the
    # host, account or the error (which could describe internal services).
    MANAGER_ONLY = ("mail_host", "mail_port", "mail_username", "mail_folder", "mail_last_poll_error")

    class Meta:
        model = Team
        fields = [
            "slug",
            "name",
            "timezone",
            "coverage",
            "holidays",
            "holiday_country",
            "holiday_subdivision",
            "response_target_minutes",
            "response_guarantee_minutes",
            "resolution_target_minutes",
            "support_budget_percent",
            "low_hanging_fruit_hours",
            "webhook_url",
            "handoff_notifies_requester",
            "reference_prefix",
            "topics",
            "mail_enabled",
            "mail_host",
            "mail_port",
            "mail_use_ssl",
            "mail_username",
            "mail_password_set",
            "mail_folder",
            "mail_last_poll_at",
            "mail_last_poll_ok",
            "mail_last_poll_error",
            "alerts_to",
            "schedule_horizon_days",
            "session_minutes_per_week",
            "session_length_minutes",
            "session_notice_minutes",
            "session_video_url",
        ]
        read_only_fields = fields

    def get_mail_password_set(self, team: Team) -> bool:
        # The password itself is never output: only whether one is stored.
        return bool(team.mail_password)

    def get_mail_last_poll_ok(self, team: Team) -> bool | None:
        return None if team.mail_last_poll_at is None else not team.mail_last_poll_error

    def _manages(self, team: Team) -> bool:
        managed = self.context.get("managed_team_ids")
        if managed is not None:
            return team.pk in managed
        request = self.context.get("request")
        # Without a request: the answer to a manager's own create or update.
        return request is None or user_manages(user=request.user, team=team)

    def to_representation(self, team: Team) -> dict:
        data = super().to_representation(team)
        if not self._manages(team):
            for key in self.MANAGER_ONLY:
                data[key] = None
        return data

    def get_topics(self, team: Team) -> list[str]:
        return [topic.name for topic in team.topics.all()]


class TeamInputSerializer(serializers.Serializer):
    """Shape only; services validate meaning (time zone, windows, holidays) with readable messages."""

    slug = serializers.CharField(max_length=40, required=False)
    name = CleanCharField(max_length=120, required=False)
    timezone = serializers.CharField(max_length=64, required=False)
    coverage = serializers.JSONField(required=False)
    holidays = serializers.JSONField(required=False)
    holiday_country = serializers.CharField(max_length=8, required=False, allow_blank=True)
    holiday_subdivision = serializers.CharField(max_length=16, required=False, allow_blank=True)
    response_target_minutes = serializers.IntegerField(min_value=1, max_value=60 * 24 * 30, required=False)
    response_guarantee_minutes = serializers.IntegerField(min_value=1, max_value=60 * 24 * 90, required=False)
    resolution_target_minutes = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    support_budget_percent = serializers.IntegerField(min_value=1, max_value=100, required=False)
    low_hanging_fruit_hours = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=0, required=False
    )
    webhook_url = serializers.URLField(required=False, allow_blank=True)
    handoff_notifies_requester = serializers.BooleanField(required=False)
    reference_prefix = serializers.CharField(max_length=12, required=False)
    topics = serializers.ListField(child=CleanCharField(max_length=80), required=False)
    mail_enabled = serializers.BooleanField(required=False)
    mail_host = serializers.CharField(max_length=255, required=False, allow_blank=True)
    mail_port = serializers.IntegerField(min_value=1, max_value=65535, required=False)
    mail_use_ssl = serializers.BooleanField(required=False)
    mail_username = serializers.CharField(max_length=255, required=False, allow_blank=True)
    # Write only: replaces the stored password ("" removes it); no response ever contains it.
    mail_password = serializers.CharField(
        max_length=255, required=False, allow_blank=True, trim_whitespace=False, write_only=True
    )
    mail_folder = serializers.CharField(max_length=255, required=False, allow_blank=True)
    alerts_to = serializers.ChoiceField(choices=["primary", "secondary"], required=False)
    schedule_horizon_days = serializers.IntegerField(min_value=7, max_value=366, required=False)
    session_minutes_per_week = serializers.IntegerField(min_value=0, max_value=24 * 60, required=False)
    session_length_minutes = serializers.IntegerField(min_value=5, max_value=240, required=False)
    session_notice_minutes = serializers.IntegerField(min_value=0, max_value=14 * 24 * 60, required=False)
    session_video_url = serializers.URLField(max_length=500, required=False, allow_blank=True)

    def validate(self, attrs):
        unknown = set(self.initial_data) - set(self.fields)
        if unknown:
            raise serializers.ValidationError(f"Unknown field(s): {', '.join(sorted(unknown))}.")
        return attrs


def _teams_queryset(user):
    return teams_for_user(user=user).prefetch_related(
        Prefetch("topics", queryset=Topic.objects.order_by("name"))
    )


class TeamListView(APIView):
    @extend_schema(responses=TeamOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        user = request.user
        managed = (
            set(Team.objects.values_list("pk", flat=True))
            if user.is_superuser
            else set(
                Member.objects.filter(user=user, role=Member.Role.MANAGER, is_active=True).values_list(
                    "team_id", flat=True
                )
            )
        )
        return paginate(
            request,
            _teams_queryset(user).order_by("name"),
            TeamOutputSerializer,
            view=self,
            context={"request": request, "managed_team_ids": managed},
        )

    @extend_schema(request=TeamInputSerializer, responses={201: TeamOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = TeamInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if "name" not in serializer.validated_data:
            raise serializers.ValidationError({"name": ["A team needs a name."]})
        team = services.team_create(creator=request.user, data=serializer.validated_data)
        return Response(TeamOutputSerializer(team).data, status=status.HTTP_201_CREATED)


class TeamDetailView(APIView):
    @extend_schema(responses=TeamOutputSerializer)
    def get(self, request: Request, slug: str) -> Response:
        team = team_get_for_user(user=request.user, slug=slug)
        return Response(TeamOutputSerializer(team, context={"request": request}).data)

    @extend_schema(request=TeamInputSerializer, responses=TeamOutputSerializer)
    def patch(self, request: Request, slug: str) -> Response:
        team = team_get_for_user(user=request.user, slug=slug)
        serializer = TeamInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        team = services.team_update(team=team, data=serializer.validated_data, actor=request.user)
        return Response(TeamOutputSerializer(team).data)


class MemberOutputSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username")
    email = serializers.EmailField(source="user.email")
    name = serializers.CharField(source="display_name")

    class Meta:
        model = Member
        fields = ["id", "username", "email", "name", "percent_time", "role"]


class MemberCreateSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    email = serializers.EmailField(required=False, allow_blank=True)
    name = CleanCharField(max_length=300, required=False, allow_blank=True)
    percent_time = serializers.IntegerField(min_value=1, max_value=100)
    role = serializers.ChoiceField(choices=Member.Role.choices, default=Member.Role.DEVELOPER)


class MemberUpdateSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False)
    email = serializers.EmailField(required=False)
    name = CleanCharField(max_length=300, required=False)
    percent_time = serializers.IntegerField(min_value=1, max_value=100, required=False)
    role = serializers.ChoiceField(choices=Member.Role.choices, required=False)


class MemberIdSerializer(serializers.Serializer):
    id = serializers.IntegerField()


class MemberListView(APIView):
    @extend_schema(responses=MemberOutputSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        team = team_get_for_user(user=request.user, slug=slug)
        return paginate(request, members_of(team=team), MemberOutputSerializer, view=self)

    @extend_schema(request=MemberCreateSerializer, responses={201: MemberOutputSerializer})
    def post(self, request: Request, slug: str) -> Response:
        team = team_get_for_user(user=request.user, slug=slug)
        serializer = MemberCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member = services.member_add(team=team, actor=request.user, **serializer.validated_data)
        return Response(MemberOutputSerializer(member).data, status=status.HTTP_201_CREATED)

    # PATCH and DELETE on the collection take the member's id in the body (SPEC 4 lists them here).
    @extend_schema(
        request=MemberUpdateSerializer,
        responses=MemberOutputSerializer,
        operation_id="teams_members_partial_update_by_id_in_body",
    )
    def patch(self, request: Request, slug: str) -> Response:
        return MemberDetailView().patch_member(request, slug, request.data.get("id"))

    @extend_schema(
        request=MemberIdSerializer, responses={204: None}, operation_id="teams_members_destroy_by_id_in_body"
    )
    def delete(self, request: Request, slug: str) -> Response:
        return MemberDetailView().delete_member(request, slug, request.data.get("id"))


class MemberDetailView(APIView):
    @extend_schema(responses=MemberOutputSerializer)
    def get(self, request: Request, slug: str, member_id: int) -> Response:
        team = team_get_for_user(user=request.user, slug=slug)
        return Response(MemberOutputSerializer(_member_in(team, member_id)).data)

    @extend_schema(request=MemberUpdateSerializer, responses=MemberOutputSerializer)
    def patch(self, request: Request, slug: str, member_id: int) -> Response:
        return self.patch_member(request, slug, member_id)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, member_id: int) -> Response:
        return self.delete_member(request, slug, member_id)

    def patch_member(self, request: Request, slug: str, member_id) -> Response:
        team = team_get_for_user(user=request.user, slug=slug)
        member = _member_in(team, member_id)
        serializer = MemberUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if k != "id"}
        # The service decides who may change what (managers: role and time; the person: name and email).
        member = services.member_update(member=member, data=data, actor=request.user)
        return Response(MemberOutputSerializer(member).data)

    def delete_member(self, request: Request, slug: str, member_id) -> Response:
        team = team_get_for_user(user=request.user, slug=slug)
        member = _member_in(team, member_id)  # another team's member is 404 for everyone, as in patch
        services.member_remove(member=member, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _member_in(team: Team, member_id) -> Member:
    try:
        member_id = int(member_id)
    except (TypeError, ValueError):
        raise NotFoundError("Give the member's id.") from None
    member = members_of(team=team).filter(pk=member_id).first()
    if member is None:
        raise NotFoundError(f"No member {member_id} in {team.name}.")
    return member


class MemberRevokeFeedsView(APIView):
    """POST: a manager revokes every calendar feed a member holds for this team (a leaked link)."""

    @extend_schema(
        request=None,
        responses=inline_serializer("FeedsRevoked", {"revoked": serializers.IntegerField()}),
    )
    def post(self, request: Request, slug: str, member_id: int) -> Response:
        team = team_get_for_user(user=request.user, slug=slug)
        member = _member_in(team, member_id)
        return Response({"revoked": services.feeds_revoke_by_manager(member=member, actor=request.user)})
