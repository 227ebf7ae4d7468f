"""Absences (SPEC 4)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from supportops.errors import InvalidInput
from supportops.pagination import paginate
from supportops.times import TeamLocalDateTimeField, in_team_zone

from .. import services
from ..models import Absence
from ..selectors import absence_get_for_user, absences_for_user, member_get_for_user
from .serializers import AbsenceOutputSerializer


class AbsenceInputSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    starts_at = TeamLocalDateTimeField()
    ends_at = TeamLocalDateTimeField()
    reason = serializers.ChoiceField(choices=Absence.Reason.choices, default=Absence.Reason.VACATION)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class AbsenceListView(APIView):
    @extend_schema(
        responses=AbsenceOutputSerializer(many=True),
        parameters=[
            OpenApiParameter("team", OpenApiTypes.STR, description="Team (slug)"),
            OpenApiParameter("member", OpenApiTypes.INT, description="Member id"),
        ],
    )
    def get(self, request: Request) -> Response:
        absences = absences_for_user(user=request.user)
        if team := request.query_params.get("team"):
            absences = absences.filter(member__team__slug=team)
        if member := request.query_params.get("member"):
            if not member.isdigit():
                raise InvalidInput("member must be a member id.", field="member")
            absences = absences.filter(member_id=int(member))
        return paginate(request, absences.order_by("starts_at"), AbsenceOutputSerializer, view=self)

    @extend_schema(request=AbsenceInputSerializer, responses={201: AbsenceOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = AbsenceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        member = member_get_for_user(user=request.user, member_id=data.pop("member"))
        for name in ("starts_at", "ends_at"):
            data[name] = in_team_zone(data[name], tz=member.team.timezone)
        absence = services.absence_create(member=member, actor=request.user, **data)
        return Response(AbsenceOutputSerializer(absence).data, status=status.HTTP_201_CREATED)


class AbsenceDetailView(APIView):
    @extend_schema(responses=AbsenceOutputSerializer)
    def get(self, request: Request, absence_id: int) -> Response:
        return Response(
            AbsenceOutputSerializer(absence_get_for_user(user=request.user, absence_id=absence_id)).data
        )

    @extend_schema(responses={204: None})
    def delete(self, request: Request, absence_id: int) -> Response:
        absence = absence_get_for_user(user=request.user, absence_id=absence_id)
        services.absence_delete(absence=absence, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
