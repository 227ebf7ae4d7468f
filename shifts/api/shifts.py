"""Shifts, overrides and who is on call (SPEC 4)."""

import datetime as dt
import zoneinfo

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from supportops.errors import InvalidInput
from supportops.pagination import paginate

from .. import services
from ..filters import ShiftFilter
from ..models import Member
from ..selectors import oncall, shift_get_for_user, shifts_for_user, team_get_for_user
from .serializers import MemberBriefSerializer, ShiftOutputSerializer


class ShiftListView(APIView):
    @extend_schema(responses=ShiftOutputSerializer(many=True), parameters=[ShiftFilter])
    def get(self, request: Request) -> Response:
        filterset = ShiftFilter(request.query_params, queryset=shifts_for_user(user=request.user))
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


def parse_at(raw: str | None, *, tz: str) -> dt.datetime:
    if not raw:
        return timezone.now()
    # A "+" in a query string arrives as a space: "2025-06-03T10:00:00 02:00".
    text = raw.strip().replace(" ", "+") if " " in raw.strip() else raw.strip()
    try:
        value = parse_datetime(text)
    except ValueError:
        value = None
    if value is None:
        raise InvalidInput(f"at must be an ISO 8601 date-time, e.g. 2025-06-03T10:00:00+02:00, not {raw!r}.")
    if timezone.is_naive(value):
        value = value.replace(tzinfo=zoneinfo.ZoneInfo(tz))  # a wall time in the team's zone
    return value


class OncallView(APIView):
    @extend_schema(parameters=[OpenApiParameter("at", str, description="ISO 8601 instant; default now")])
    def get(self, request: Request, slug: str) -> Response:
        team = team_get_for_user(user=request.user, slug=slug)
        at = parse_at(request.query_params.get("at"), tz=team.timezone)
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
