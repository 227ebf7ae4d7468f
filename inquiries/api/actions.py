"""Transitions on one inquiry, as POST actions (SPEC 4)."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from supportops.pagination import paginate

from .. import services
from ..selectors import events_of
from ._common import fresh, inquiry_for
from .serializers import (
    AssignSerializer,
    BodySerializer,
    EffortInputSerializer,
    EffortOutputSerializer,
    EscalateSerializer,
    EscalationOutputSerializer,
    EventOutputSerializer,
    InquiryOutputSerializer,
    MessageOutputSerializer,
    ResolveSerializer,
)


def _valid(serializer_class, request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class RespondView(APIView):
    @extend_schema(request=BodySerializer, responses=InquiryOutputSerializer)
    def post(self, request: Request, reference: str) -> Response:
        data = _valid(BodySerializer, request)
        inquiry = services.inquiry_respond(
            inquiry=inquiry_for(request, reference), actor=request.user, body=data["body"]
        )
        return Response(InquiryOutputSerializer(fresh(request, inquiry)).data)


class NoteView(APIView):
    @extend_schema(request=BodySerializer, responses={201: MessageOutputSerializer})
    def post(self, request: Request, reference: str) -> Response:
        data = _valid(BodySerializer, request)
        note = services.inquiry_add_note(
            inquiry=inquiry_for(request, reference), actor=request.user, body=data["body"]
        )
        return Response(MessageOutputSerializer(note).data, status=status.HTTP_201_CREATED)


class WaitView(APIView):
    @extend_schema(request=None, responses=InquiryOutputSerializer)
    def post(self, request: Request, reference: str) -> Response:
        inquiry = services.inquiry_wait(inquiry=inquiry_for(request, reference), actor=request.user)
        return Response(InquiryOutputSerializer(fresh(request, inquiry)).data)


class ReopenView(APIView):
    @extend_schema(request=None, responses=InquiryOutputSerializer)
    def post(self, request: Request, reference: str) -> Response:
        inquiry = services.inquiry_reopen(inquiry=inquiry_for(request, reference), actor=request.user)
        return Response(InquiryOutputSerializer(fresh(request, inquiry)).data)


class ResolveView(APIView):
    @extend_schema(request=ResolveSerializer, responses=InquiryOutputSerializer)
    def post(self, request: Request, reference: str) -> Response:
        data = _valid(ResolveSerializer, request)
        inquiry = services.inquiry_resolve(
            inquiry=inquiry_for(request, reference), actor=request.user, **data
        )
        return Response(InquiryOutputSerializer(fresh(request, inquiry)).data)


class AssignView(APIView):
    @extend_schema(request=AssignSerializer, responses=InquiryOutputSerializer)
    def post(self, request: Request, reference: str) -> Response:
        data = _valid(AssignSerializer, request)
        inquiry = services.inquiry_assign(
            inquiry=inquiry_for(request, reference), actor=request.user, member=data["member"]
        )
        return Response(InquiryOutputSerializer(fresh(request, inquiry)).data)


class EscalateView(APIView):
    @extend_schema(request=EscalateSerializer, responses={201: EscalationOutputSerializer})
    def post(self, request: Request, reference: str) -> Response:
        data = _valid(EscalateSerializer, request)
        escalation = services.inquiry_escalate(
            inquiry=inquiry_for(request, reference),
            actor=request.user,
            member=data["member"],
            reason=data["reason"],
        )
        return Response(EscalationOutputSerializer(escalation).data, status=status.HTTP_201_CREATED)


class EffortView(APIView):
    @extend_schema(request=EffortInputSerializer, responses={201: EffortOutputSerializer})
    def post(self, request: Request, reference: str) -> Response:
        data = _valid(EffortInputSerializer, request)
        log = services.effort_log(
            inquiry=inquiry_for(request, reference),
            actor=request.user,
            minutes=data["minutes"],
            note=data["note"],
        )
        return Response(EffortOutputSerializer(log).data, status=status.HTTP_201_CREATED)


class EventListView(APIView):
    @extend_schema(responses=EventOutputSerializer(many=True))
    def get(self, request: Request, reference: str) -> Response:
        inquiry = inquiry_for(request, reference)
        return paginate(request, events_of(inquiry=inquiry), EventOutputSerializer, view=self)


class AcceptHeldReplyView(APIView):
    """A member accepts an email reply held as unverified (issue 10, item 9) as the requester's."""

    @extend_schema(request=None, responses=InquiryOutputSerializer)
    def post(self, request: Request, reference: str, inbound_id: int) -> Response:
        from ..mail_intake import inbound_email_accept

        inquiry = inquiry_for(request, reference)
        inbound_email_accept(inquiry=inquiry, inbound_id=inbound_id, actor=request.user)
        return Response(InquiryOutputSerializer(fresh(request, inquiry)).data)
