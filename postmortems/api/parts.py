"""A postmortem's timeline milestones and recommendations (action items)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from inquiries.api.serializers import ImprovementOutputSerializer
from supportops.times import in_team_zone

from .. import services
from ..selectors import milestone_get, postmortem_get_for_user, recommendation_get
from .postmortems import valid
from .serializers import (
    BacklogItemSerializer,
    MilestoneInputSerializer,
    MilestoneOutputSerializer,
    RecommendationInputSerializer,
    RecommendationOutputSerializer,
)


def _in_team_zone(data: dict, postmortem) -> dict:
    data = dict(data)
    if data.get("at") is not None:
        data["at"] = in_team_zone(data["at"], tz=postmortem.team.timezone)
    return data


class MilestoneListView(APIView):
    pagination_class = None  # a postmortem's whole timeline, in order

    @extend_schema(responses=MilestoneOutputSerializer(many=True))
    def get(self, request: Request, postmortem_id: int) -> Response:
        postmortem = postmortem_get_for_user(user=request.user, postmortem_id=postmortem_id)
        return Response(MilestoneOutputSerializer(postmortem.milestones.all(), many=True).data)

    @extend_schema(request=MilestoneInputSerializer, responses={201: MilestoneOutputSerializer})
    def post(self, request: Request, postmortem_id: int) -> Response:
        postmortem = postmortem_get_for_user(user=request.user, postmortem_id=postmortem_id)
        data = _in_team_zone(valid(MilestoneInputSerializer, request), postmortem)
        missing = [name for name in ("at", "description") if name not in data]
        if missing:
            raise serializers.ValidationError({name: ["This field is required."] for name in missing})
        milestone = services.milestone_add(postmortem=postmortem, actor=request.user, **data)
        return Response(MilestoneOutputSerializer(milestone).data, status=status.HTTP_201_CREATED)


class MilestoneDetailView(APIView):
    @extend_schema(request=MilestoneInputSerializer, responses=MilestoneOutputSerializer)
    def patch(self, request: Request, postmortem_id: int, milestone_id: int) -> Response:
        postmortem = postmortem_get_for_user(user=request.user, postmortem_id=postmortem_id)
        milestone = milestone_get(postmortem=postmortem, milestone_id=milestone_id)
        data = _in_team_zone(valid(MilestoneInputSerializer, request, partial=True), postmortem)
        milestone = services.milestone_update(milestone=milestone, actor=request.user, data=dict(data))
        return Response(MilestoneOutputSerializer(milestone).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, postmortem_id: int, milestone_id: int) -> Response:
        postmortem = postmortem_get_for_user(user=request.user, postmortem_id=postmortem_id)
        services.milestone_delete(
            milestone=milestone_get(postmortem=postmortem, milestone_id=milestone_id), actor=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class RecommendationListView(APIView):
    pagination_class = None  # every action item of one postmortem

    @extend_schema(responses=RecommendationOutputSerializer(many=True))
    def get(self, request: Request, postmortem_id: int) -> Response:
        postmortem = postmortem_get_for_user(user=request.user, postmortem_id=postmortem_id)
        rows = postmortem.recommendations.select_related("owner__user")
        return Response(RecommendationOutputSerializer(rows, many=True).data)

    @extend_schema(request=RecommendationInputSerializer, responses={201: RecommendationOutputSerializer})
    def post(self, request: Request, postmortem_id: int) -> Response:
        postmortem = postmortem_get_for_user(user=request.user, postmortem_id=postmortem_id)
        data = valid(RecommendationInputSerializer, request)
        recommendation = services.recommendation_add(
            postmortem=postmortem, actor=request.user, data=dict(data)
        )
        return Response(RecommendationOutputSerializer(recommendation).data, status=status.HTTP_201_CREATED)


class RecommendationDetailView(APIView):
    @extend_schema(request=RecommendationInputSerializer, responses=RecommendationOutputSerializer)
    def patch(self, request: Request, postmortem_id: int, recommendation_id: int) -> Response:
        postmortem = postmortem_get_for_user(user=request.user, postmortem_id=postmortem_id)
        recommendation = recommendation_get(postmortem=postmortem, recommendation_id=recommendation_id)
        data = valid(RecommendationInputSerializer, request, partial=True)
        recommendation = services.recommendation_update(
            recommendation=recommendation, actor=request.user, data=dict(data)
        )
        return Response(RecommendationOutputSerializer(recommendation).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, postmortem_id: int, recommendation_id: int) -> Response:
        postmortem = postmortem_get_for_user(user=request.user, postmortem_id=postmortem_id)
        recommendation = recommendation_get(postmortem=postmortem, recommendation_id=recommendation_id)
        services.recommendation_delete(recommendation=recommendation, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RecommendationBacklogView(APIView):
    @extend_schema(request=BacklogItemSerializer, responses={201: ImprovementOutputSerializer})
    def post(self, request: Request, postmortem_id: int, recommendation_id: int) -> Response:
        postmortem = postmortem_get_for_user(user=request.user, postmortem_id=postmortem_id)
        recommendation = recommendation_get(postmortem=postmortem, recommendation_id=recommendation_id)
        data = valid(BacklogItemSerializer, request)
        improvement = services.recommendation_make_backlog_item(
            recommendation=recommendation, actor=request.user, **data
        )
        return Response(ImprovementOutputSerializer(improvement).data, status=status.HTTP_201_CREATED)
