"""Postmortems API: the list, one postmortem, and its review workflow as POST actions (SPEC 3.7, 4)."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shifts.selectors import team_get_for_user
from supportops.pagination import paginate

from .. import services
from ..models import Postmortem, Recommendation
from ..selectors import (
    inquiries_by_reference,
    postmortem_get_for_user,
    postmortem_resources,
    postmortems_for_user,
)
from .serializers import (
    DiscussSerializer,
    PostmortemCreateSerializer,
    PostmortemDetailSerializer,
    PostmortemOutputSerializer,
    PostmortemUpdateSerializer,
)


def valid(serializer_class, request: Request, *, partial: bool = False) -> dict:
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def detail_response(request: Request, postmortem_id: int, *, code: int = status.HTTP_200_OK) -> Response:
    """Re-read with the list's annotations, then the nested rows and who spent the effort."""
    postmortem = postmortem_get_for_user(user=request.user, postmortem_id=postmortem_id)
    context = {"request": request, "resources": postmortem_resources(postmortem=postmortem)}
    return Response(PostmortemDetailSerializer(postmortem, context=context).data, status=code)


def _list_queryset(request: Request):
    queryset = postmortems_for_user(user=request.user).prefetch_related(
        "milestones",
        Prefetch("recommendations", queryset=Recommendation.objects.select_related("owner__user")),
    )
    params = request.query_params
    if params.get("team"):
        queryset = queryset.filter(team__slug=params["team"])
    if params.get("status"):
        if params["status"] not in Postmortem.Status.values:
            choices = ", ".join(Postmortem.Status.values)
            raise serializers.ValidationError({"status": [f"Unknown status; use one of {choices}."]})
        queryset = queryset.filter(status=params["status"])
    if params.get("inquiry"):
        queryset = queryset.filter(inquiries__reference__iexact=params["inquiry"])
    return queryset.order_by("-created_at", "-id")


class PostmortemListView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("team", str, description="team slug"),
            OpenApiParameter("status", str, enum=Postmortem.Status.values),
            OpenApiParameter("inquiry", str, description="an inquiry reference the postmortem covers"),
        ],
        responses=PostmortemOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        return paginate(request, _list_queryset(request), PostmortemOutputSerializer, view=self)

    @extend_schema(request=PostmortemCreateSerializer, responses={201: PostmortemDetailSerializer})
    def post(self, request: Request) -> Response:
        data = valid(PostmortemCreateSerializer, request)
        team = team_get_for_user(user=request.user, slug=data["team"])
        inquiries = inquiries_by_reference(user=request.user, team=team, references=data["inquiries"])
        postmortem = services.postmortem_create(
            team=team,
            actor=request.user,
            inquiries=inquiries,
            title=data.get("title", ""),
            summary=data.get("summary", ""),
            impact=data.get("impact", ""),
            root_causes=data.get("root_causes", ""),
        )
        return detail_response(request, postmortem.pk, code=status.HTTP_201_CREATED)


class PostmortemDetailView(APIView):
    @extend_schema(responses=PostmortemDetailSerializer)
    def get(self, request: Request, postmortem_id: int) -> Response:
        return detail_response(request, postmortem_id)

    @extend_schema(request=PostmortemUpdateSerializer, responses=PostmortemDetailSerializer)
    def patch(self, request: Request, postmortem_id: int) -> Response:
        postmortem = postmortem_get_for_user(user=request.user, postmortem_id=postmortem_id)
        data = dict(valid(PostmortemUpdateSerializer, request, partial=True))
        references = data.pop("inquiries", None)
        inquiries = (
            inquiries_by_reference(user=request.user, team=postmortem.team, references=references)
            if references is not None
            else None
        )
        services.postmortem_edit(postmortem=postmortem, actor=request.user, data=data, inquiries=inquiries)
        return detail_response(request, postmortem.pk)


class SubmitView(APIView):
    @extend_schema(request=None, responses=PostmortemDetailSerializer)
    def post(self, request: Request, postmortem_id: int) -> Response:
        postmortem = postmortem_get_for_user(user=request.user, postmortem_id=postmortem_id)
        services.postmortem_submit(postmortem=postmortem, actor=request.user)
        return detail_response(request, postmortem.pk)


class DiscussView(APIView):
    @extend_schema(request=DiscussSerializer, responses=PostmortemDetailSerializer)
    def post(self, request: Request, postmortem_id: int) -> Response:
        postmortem = postmortem_get_for_user(user=request.user, postmortem_id=postmortem_id)
        data = valid(DiscussSerializer, request)
        services.postmortem_discuss(
            postmortem=postmortem, actor=request.user, meeting_date=data["meeting_date"]
        )
        return detail_response(request, postmortem.pk)


class CloseView(APIView):
    @extend_schema(request=None, responses=PostmortemDetailSerializer)
    def post(self, request: Request, postmortem_id: int) -> Response:
        postmortem = postmortem_get_for_user(user=request.user, postmortem_id=postmortem_id)
        services.postmortem_close(postmortem=postmortem, actor=request.user)
        return detail_response(request, postmortem.pk)


class ReopenView(APIView):
    @extend_schema(request=None, responses=PostmortemDetailSerializer)
    def post(self, request: Request, postmortem_id: int) -> Response:
        postmortem = postmortem_get_for_user(user=request.user, postmortem_id=postmortem_id)
        services.postmortem_reopen(postmortem=postmortem, actor=request.user)
        return detail_response(request, postmortem.pk)
