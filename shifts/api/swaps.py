"""Swaps: a member offers a shift, the counterpart accepts or declines (SPEC 4)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from supportops.errors import InvalidInput
from supportops.pagination import paginate

from .. import services
from ..models import Member, Shift
from ..selectors import shift_get_for_user, swap_get_for_user, swaps_for_user
from .serializers import SwapOutputSerializer


class SwapInputSerializer(serializers.Serializer):
    shift = serializers.IntegerField()
    counterpart = serializers.IntegerField()
    counterpart_shift = serializers.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class DecisionInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class SwapListView(APIView):
    @extend_schema(responses=SwapOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        swaps = swaps_for_user(user=request.user)
        if state := request.query_params.get("status"):
            swaps = swaps.filter(status=state)
        return paginate(request, swaps, SwapOutputSerializer, view=self)

    @extend_schema(request=SwapInputSerializer, responses={201: SwapOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = SwapInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        shift = shift_get_for_user(user=request.user, shift_id=data["shift"])
        counterpart = (
            Member.objects.filter(pk=data["counterpart"], team=shift.team).select_related("user").first()
        )
        if counterpart is None:
            raise InvalidInput(f"No member {data['counterpart']} in {shift.team.name}.", field="counterpart")
        other: Shift | None = None
        if data.get("counterpart_shift"):
            other = shift_get_for_user(user=request.user, shift_id=data["counterpart_shift"])
        swap = services.swap_request(
            shift=shift,
            counterpart=counterpart,
            counterpart_shift=other,
            note=data["note"],
            actor=request.user,
        )
        return Response(SwapOutputSerializer(swap).data, status=status.HTTP_201_CREATED)


class SwapAcceptView(APIView):
    @extend_schema(request=None, responses=SwapOutputSerializer)
    def post(self, request: Request, swap_id: int) -> Response:
        swap = services.swap_accept(
            swap=swap_get_for_user(user=request.user, swap_id=swap_id), actor=request.user
        )
        return Response(SwapOutputSerializer(swap).data)


class SwapDeclineView(APIView):
    @extend_schema(request=DecisionInputSerializer, responses=SwapOutputSerializer)
    def post(self, request: Request, swap_id: int) -> Response:
        serializer = DecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        swap = services.swap_decline(
            swap=swap_get_for_user(user=request.user, swap_id=swap_id),
            actor=request.user,
            reason=serializer.validated_data["reason"],
        )
        return Response(SwapOutputSerializer(swap).data)


class SwapCancelView(APIView):
    @extend_schema(request=None, responses=SwapOutputSerializer)
    def post(self, request: Request, swap_id: int) -> Response:
        swap = services.swap_cancel(
            swap=swap_get_for_user(user=request.user, swap_id=swap_id), actor=request.user
        )
        return Response(SwapOutputSerializer(swap).data)
