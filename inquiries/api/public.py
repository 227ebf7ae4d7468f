"""Public intake without an account: the JSON twin of /ask/<team>/ (SPEC 4)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shifts.selectors import team_by_slug
from supportops.errors import NotFoundError

from .. import services
from ..models import Inquiry
from ..throttle import PublicIntakeThrottle
from .serializers import PublicInquirySerializer


class PublicInquiryCreateView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicIntakeThrottle]

    @extend_schema(
        request=PublicInquirySerializer,
        responses={
            201: inline_serializer(
                "PublicInquiryCreated",
                {"reference": serializers.CharField(), "tracking_url": serializers.URLField()},
            )
        },
    )
    def post(self, request: Request) -> Response:
        serializer = PublicInquirySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        team = team_by_slug(slug=data["team"])
        if team is None:
            raise NotFoundError(f"No team {data['team']!r} takes questions here.")
        inquiry = services.inquiry_create(
            team=team,
            subject=data["subject"],
            body=data["body"],
            requester_name=data["name"],
            requester_email=data["email"],
            topic=data.get("topic"),
            channel=Inquiry.Channel.WEB,
        )
        return Response(
            {"reference": inquiry.reference, "tracking_url": services.tracking_url(inquiry)},
            status=status.HTTP_201_CREATED,
        )
