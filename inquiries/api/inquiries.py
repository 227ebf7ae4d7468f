"""Inquiries collection and detail (SPEC 4)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shifts.selectors import team_get_for_user
from supportops.openapi import filter_parameters
from supportops.times import in_team_zone

from .. import services
from ..filters import InquiryFilter
from ..listing import inquiry_list_for_user
from ._common import fresh, inquiry_for
from .pagination import keyset_response
from .serializers import InquiryCreateSerializer, InquiryOutputSerializer, TriageInputSerializer

FILTER_PARAMETERS = filter_parameters(InquiryFilter)


class InquiryListView(APIView):
    @extend_schema(responses=InquiryOutputSerializer(many=True), parameters=FILTER_PARAMETERS)
    def get(self, request: Request) -> Response:
        filterset = InquiryFilter(
            request.query_params, queryset=inquiry_list_for_user(user=request.user), request=request
        )
        if not filterset.is_valid():
            raise serializers.ValidationError(filterset.errors)
        search = filterset.split_search()
        return keyset_response(request, filterset.qs, InquiryOutputSerializer, search=search)

    @extend_schema(request=InquiryCreateSerializer, responses={201: InquiryOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = InquiryCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        team = team_get_for_user(user=request.user, slug=data["team"])
        for name in ("received_at", "responded_at", "resolved_at"):
            if data.get(name) is not None:
                data[name] = in_team_zone(data[name], tz=team.timezone)
        inquiry = services.inquiry_create(
            team=team,
            subject=data["subject"],
            body=data["body"],
            requester_name=data["requester_name"],
            requester_email=data["requester_email"],
            channel=data["channel"],
            topic=data.get("topic"),
            priority=data.get("priority"),
            received_at=data.get("received_at"),
            history={name: data[name] for name in InquiryCreateSerializer.HISTORY if name in data},
            actor=request.user,
        )
        return Response(InquiryOutputSerializer(fresh(request, inquiry)).data, status=status.HTTP_201_CREATED)


class InquiryDetailView(APIView):
    @extend_schema(responses=InquiryOutputSerializer)
    def get(self, request: Request, reference: str) -> Response:
        return Response(InquiryOutputSerializer(inquiry_for(request, reference)).data)

    @extend_schema(request=TriageInputSerializer, responses=InquiryOutputSerializer)
    def patch(self, request: Request, reference: str) -> Response:
        inquiry = inquiry_for(request, reference)
        serializer = TriageInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        inquiry = services.inquiry_update(
            inquiry=inquiry, actor=request.user, data=dict(serializer.validated_data)
        )
        return Response(InquiryOutputSerializer(fresh(request, inquiry)).data)
