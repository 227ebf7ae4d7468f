"""The improvement backlog (SPEC 4)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shifts.selectors import team_get_for_user
from supportops.pagination import paginate

from .. import services
from ..selectors import improvement_get_for_user, improvements_for_user, inquiry_get_for_user
from .serializers import ImprovementInputSerializer, ImprovementOutputSerializer


def _list_queryset(request: Request):
    queryset = improvements_for_user(user=request.user)
    params = request.query_params
    if params.get("team"):
        queryset = queryset.filter(team__slug=params["team"])
    if params.get("kind"):
        queryset = queryset.filter(kind=params["kind"])
    if params.get("status"):
        queryset = queryset.filter(status=params["status"])
    return queryset.order_by("status", "-created_at", "-id")


class ImprovementListView(APIView):
    @extend_schema(responses=ImprovementOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        return paginate(request, _list_queryset(request), ImprovementOutputSerializer, view=self)

    @extend_schema(request=ImprovementInputSerializer, responses={201: ImprovementOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = ImprovementInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        missing = [name for name in ("team", "title", "kind") if not data.get(name)]
        if missing:
            raise serializers.ValidationError({name: ["This field is required."] for name in missing})
        team = team_get_for_user(user=request.user, slug=data["team"])
        source = None
        if data.get("source_inquiry"):
            source = inquiry_get_for_user(
                user=request.user, reference=data["source_inquiry"], team_slug=team.slug
            )
        improvement = services.improvement_create(
            team=team,
            actor=request.user,
            title=data["title"],
            kind=data["kind"],
            estimate_hours=data.get("estimate_hours"),
            url=data.get("url", ""),
            source_inquiry=source,
        )
        return Response(ImprovementOutputSerializer(improvement).data, status=status.HTTP_201_CREATED)

    # PATCH on the collection takes the id in the body, like the members list.
    @extend_schema(
        request=ImprovementInputSerializer,
        responses=ImprovementOutputSerializer,
        operation_id="improvements_partial_update_by_id_in_body",
    )
    def patch(self, request: Request) -> Response:
        return _patch(request, request.data.get("id"))


class ImprovementDetailView(APIView):
    @extend_schema(responses=ImprovementOutputSerializer)
    def get(self, request: Request, improvement_id: int) -> Response:
        improvement = improvement_get_for_user(user=request.user, improvement_id=improvement_id)
        return Response(ImprovementOutputSerializer(improvement).data)

    @extend_schema(request=ImprovementInputSerializer, responses=ImprovementOutputSerializer)
    def patch(self, request: Request, improvement_id: int) -> Response:
        return _patch(request, improvement_id)


def _patch(request: Request, improvement_id) -> Response:
    try:
        improvement_id = int(improvement_id)
    except (TypeError, ValueError):
        raise serializers.ValidationError({"id": ["Give the improvement's id."]}) from None
    improvement = improvement_get_for_user(user=request.user, improvement_id=improvement_id)
    serializer = ImprovementInputSerializer(data=request.data, partial=True)
    serializer.is_valid(raise_exception=True)
    data = {k: v for k, v in serializer.validated_data.items() if k not in ("id", "team", "source_inquiry")}
    improvement = services.improvement_update(improvement=improvement, actor=request.user, data=data)
    return Response(ImprovementOutputSerializer(improvement).data)
