"""Sessions API (SPEC 4): public slots and booking without an account; members list and record them."""

import zoneinfo

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from inquiries.throttle import PublicIntakeThrottle
from supportops.errors import InvalidInput
from supportops.pagination import paginate

from .. import services
from ..filters import SessionFilter
from ..models import Booking
from ..selectors import session_get_for_user, sessions_for_user
from ..slots import free_slots
from ..timeparse import parse_instant
from .serializers import (
    PublicBookingInputSerializer,
    PublicBookingOutputSerializer,
    SessionOutputSerializer,
    SessionPatchSerializer,
    SlotSerializer,
)


class PublicSlotsView(APIView):
    """Slots bookable now: [{starts_at, ends_at}] in the team's zone (offsets included)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    pagination_class = None  # a bare array (SPEC 4), at most 14 days of slots

    @extend_schema(
        parameters=[
            OpenApiParameter("team", str, required=True),
            OpenApiParameter("from", str, description="date or instant with offset; default now"),
            OpenApiParameter("to", str, description="date (exclusive) or instant; default 14 days ahead"),
        ],
        responses=SlotSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        slug = (request.query_params.get("team") or "").strip()
        if not slug:
            raise InvalidInput("Pick a team: ?team=<slug>.", field="team")
        team = services.team_offering_sessions(slug=slug)
        start = parse_instant(request.query_params.get("from"), field="from", tz=team.timezone)
        end = parse_instant(request.query_params.get("to"), field="to", tz=team.timezone)
        if start and end and end <= start:
            raise InvalidInput("to must be after from.", field="to")
        tz = zoneinfo.ZoneInfo(team.timezone)
        return Response([slot.as_dict(tz) for slot in free_slots(team=team, start=start, end=end)])


class PublicBookingView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicIntakeThrottle]
    throttle_scope = "public_booking"

    @extend_schema(request=PublicBookingInputSerializer, responses={201: PublicBookingOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = PublicBookingInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        team = services.team_offering_sessions(slug=data["team"])
        booking = services.booking_create(
            team=team,
            name=data["name"],
            email=data["email"],
            starts_at=parse_instant(data["starts_at"], field="starts_at", tz=team.timezone, required=True),
            agenda=data.get("agenda", ""),
        )
        return Response(PublicBookingOutputSerializer(booking).data, status=status.HTTP_201_CREATED)


class SessionListView(APIView):
    @extend_schema(
        responses=SessionOutputSerializer(many=True),
        parameters=[
            OpenApiParameter("team", str, description="Team slug"),
            OpenApiParameter("host", int, description="Member id of the host"),
            OpenApiParameter("status", str, enum=[s.value for s in Booking.Status]),
            OpenApiParameter("starts_after", str, description="ISO 8601 instant with offset"),
        ],
    )
    def get(self, request: Request) -> Response:
        filterset = SessionFilter(request.query_params, queryset=sessions_for_user(user=request.user))
        if not filterset.is_valid():
            raise serializers.ValidationError(filterset.errors)
        return paginate(request, filterset.qs.order_by("starts_at", "id"), SessionOutputSerializer, view=self)


class SessionDetailView(APIView):
    @extend_schema(responses=SessionOutputSerializer)
    def get(self, request: Request, session_id: int) -> Response:
        booking = session_get_for_user(user=request.user, session_id=session_id)
        return Response(SessionOutputSerializer(booking).data)

    @extend_schema(request=SessionPatchSerializer, responses=SessionOutputSerializer)
    def patch(self, request: Request, session_id: int) -> Response:
        booking = session_get_for_user(user=request.user, session_id=session_id)
        serializer = SessionPatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        unknown = set(request.data) - set(SessionPatchSerializer().fields)
        if unknown:
            raise InvalidInput(f"Unknown field(s): {', '.join(sorted(unknown))}; use status, minutes, note.")
        data = serializer.validated_data
        booking = services.booking_record(
            booking=booking,
            actor=request.user,
            status=data.get("status"),
            minutes=data.get("minutes"),
            note=data.get("note"),
        )
        booking = session_get_for_user(user=request.user, session_id=booking.pk)
        return Response(SessionOutputSerializer(booking).data)
