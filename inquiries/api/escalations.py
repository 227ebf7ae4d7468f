"""The enlisted member answers an escalation (SPEC 4)."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import services
from ..selectors import escalation_get_for_user
from .serializers import EscalationOutputSerializer, ReasonSerializer


class EscalationAcceptView(APIView):
    @extend_schema(request=ReasonSerializer, responses=EscalationOutputSerializer)
    def post(self, request: Request, escalation_id: int) -> Response:
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        escalation = escalation_get_for_user(user=request.user, escalation_id=escalation_id)
        escalation = services.escalation_accept(
            escalation=escalation, actor=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(EscalationOutputSerializer(escalation).data)


class EscalationDeclineView(APIView):
    @extend_schema(request=ReasonSerializer, responses=EscalationOutputSerializer)
    def post(self, request: Request, escalation_id: int) -> Response:
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        escalation = escalation_get_for_user(user=request.user, escalation_id=escalation_id)
        escalation = services.escalation_decline(
            escalation=escalation, actor=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(EscalationOutputSerializer(escalation).data)
