"""Rotations and scheduling (SPEC 4)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from supportops.pagination import paginate

from .. import services
from ..selectors import rotation_get_for_user, rotations_of, team_get_for_user
from .serializers import RotationOutputSerializer, ShiftOutputSerializer


class RotationInputSerializer(serializers.Serializer):
    role = serializers.CharField(required=False)
    shift_length_minutes = serializers.IntegerField()
    handoff_time = serializers.TimeField(input_formats=["%H:%M", "%H:%M:%S"])
    starts_on = serializers.DateField()
    members = serializers.ListField(child=serializers.IntegerField(), required=False)

    def validate(self, attrs):
        unknown = set(self.initial_data) - set(self.fields)
        if unknown:
            raise serializers.ValidationError(f"Unknown field(s): {', '.join(sorted(unknown))}.")
        return attrs


class ScheduleInputSerializer(serializers.Serializer):
    until = serializers.DateField()


class RotationListView(APIView):
    @extend_schema(responses=RotationOutputSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        team = team_get_for_user(user=request.user, slug=slug)
        return paginate(request, rotations_of(team=team), RotationOutputSerializer, view=self)

    @extend_schema(request=RotationInputSerializer, responses={201: RotationOutputSerializer})
    def post(self, request: Request, slug: str) -> Response:
        team = team_get_for_user(user=request.user, slug=slug)
        serializer = RotationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rotation = services.rotation_create(team=team, actor=request.user, **serializer.validated_data)
        return Response(RotationOutputSerializer(rotation).data, status=status.HTTP_201_CREATED)


class RotationDetailView(APIView):
    @extend_schema(responses=RotationOutputSerializer)
    def get(self, request: Request, slug: str, rotation_id: int) -> Response:
        team = team_get_for_user(user=request.user, slug=slug)
        rotation = rotation_get_for_user(user=request.user, team=team, rotation_id=rotation_id)
        return Response(RotationOutputSerializer(rotation).data)

    @extend_schema(request=RotationInputSerializer, responses=RotationOutputSerializer)
    def patch(self, request: Request, slug: str, rotation_id: int) -> Response:
        team = team_get_for_user(user=request.user, slug=slug)
        rotation = rotation_get_for_user(user=request.user, team=team, rotation_id=rotation_id)
        serializer = RotationInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        rotation = services.rotation_update(
            rotation=rotation, actor=request.user, data=serializer.validated_data
        )
        return Response(RotationOutputSerializer(rotation).data)


class RotationScheduleView(APIView):
    @extend_schema(request=ScheduleInputSerializer, responses={201: ShiftOutputSerializer(many=True)})
    def post(self, request: Request, slug: str, rotation_id: int) -> Response:
        team = team_get_for_user(user=request.user, slug=slug)
        rotation = rotation_get_for_user(user=request.user, team=team, rotation_id=rotation_id)
        serializer = ScheduleInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        shifts = services.rotation_schedule(
            rotation=rotation, until=serializer.validated_data["until"], actor=request.user
        )
        for shift in shifts:
            shift.team = team
        return Response(ShiftOutputSerializer(shifts, many=True).data, status=status.HTTP_201_CREATED)
