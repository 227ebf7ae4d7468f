"""Shifts, overrides and who is on call (SPEC 4)."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from supportops.errors import InvalidInput
from supportops.openapi import filter_parameters
from supportops.pagination import paginate
from supportops.times import TEAM_LOCAL_TIME, team_datetime

from .. import services
from ..filters import ShiftFilter
from ..models import Member
from ..selectors import oncall, shift_get_for_user, shifts_for_user, team_get_for_user
from .serializers import MemberBriefSerializer, ShiftOutputSerializer

TIME_FILTERS = ("starts_after", "ends_before")
SHIFT_FILTER_PARAMETERS = filter_parameters(
    ShiftFilter,
    descriptions={
        "team": "Team (slug); its time zone reads times given without an offset",
        "starts_after": f"Shifts starting at or after. {TEAM_LOCAL_TIME} (UTC when no team is given.)",
        "ends_before": f"Shifts ending at or before. {TEAM_LOCAL_TIME} (UTC when no team is given.)",
    },
)


def _times_in_team_zone(request: Request):
    """The query parameters with offset-less times made explicit in the `team`'s zone."""
    params = request.query_params
    if not any(params.get(name) for name in TIME_FILTERS):
        return params
    slug = params.get("team")
    tz = team_get_for_user(user=request.user, slug=slug).timezone if slug else "UTC"
    params = params.copy()
    for name in TIME_FILTERS:
        if params.get(name):
            params[name] = team_datetime(params[name], tz=tz, field=name).isoformat()
    return params


class ShiftListView(APIView):
    @extend_schema(responses=ShiftOutputSerializer(many=True), parameters=SHIFT_FILTER_PARAMETERS)
    def get(self, request: Request) -> Response:
        filterset = ShiftFilter(_times_in_team_zone(request), queryset=shifts_for_user(user=request.user))
        if not filterset.is_valid():
            raise serializers.ValidationError(filterset.errors)
        return paginate(request, filterset.qs.order_by("starts_at", "role"), ShiftOutputSerializer, view=self)


class OverrideInputSerializer(serializers.Serializer):
    member = serializers.IntegerField()


class ShiftOverrideView(APIView):
    @extend_schema(request=OverrideInputSerializer, responses=ShiftOutputSerializer)
    def post(self, request: Request, shift_id: int) -> Response:
        shift = shift_get_for_user(user=request.user, shift_id=shift_id)
        serializer = OverrideInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member_id = serializer.validated_data["member"]
        # Only the shift's team: a member of another team must not even be named in the error.
        member = Member.objects.filter(pk=member_id, team=shift.team).select_related("user", "team").first()
        if member is None:
            raise InvalidInput(f"No member {member_id} in {shift.team.name}.", field="member")
        shift = services.shift_override(shift=shift, member=member, actor=request.user)
        return Response(ShiftOutputSerializer(shift).data)


class OncallOutputSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    primary = MemberBriefSerializer(allow_null=True)
    secondary = MemberBriefSerializer(allow_null=True)
    shift = ShiftOutputSerializer(allow_null=True, help_text="The primary shift at `at`.")
    next = ShiftOutputSerializer(allow_null=True, help_text="The next primary shift after `at`.")


class OncallView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("at", OpenApiTypes.DATETIME, description=f"Default now. {TEAM_LOCAL_TIME}")
        ],
        responses=OncallOutputSerializer,
    )
    def get(self, request: Request, slug: str) -> Response:
        team = team_get_for_user(user=request.user, slug=slug)
        at = team_datetime(
            request.query_params.get("at"), tz=team.timezone, field="at", default=timezone.now()
        )
        now = oncall(team=team, at=at)

        def shift_data(shift):
            return ShiftOutputSerializer(shift).data if shift else None

        def member_data(member):
            return MemberBriefSerializer(member).data if member else None

        return Response(
            {
                "at": at.isoformat(),
                "primary": member_data(now["primary"]),
                "secondary": member_data(now["secondary"]),
                "shift": shift_data(now["shift"]),
                "next": shift_data(now["next"]),
            }
        )
