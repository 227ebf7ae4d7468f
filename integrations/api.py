"""Integrations API (SPEC 4): `teams/{slug}/integrations/`, `…/{id}/`, `…/{id}/rotate/` — managers only."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shifts.models import Team
from shifts.selectors import team_get_for_user, user_manages
from supportops.pagination import paginate

from . import services
from .models import Integration
from .selectors import hook_url, integration_get, integrations_of


class IntegrationOutputSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    secret_set = serializers.SerializerMethodField()
    access_token_set = serializers.SerializerMethodField()

    class Meta:
        model = Integration
        fields = [
            "id",
            "kind",
            "name",
            "url",
            "secret_set",
            "access_token_set",
            "api_url",
            "labels",
            "auto_resolve",
            "active",
            "last_received_at",
            "last_error",
            "last_error_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_url(self, integration: Integration) -> str:
        return hook_url(integration)

    # The secret and the token themselves are never output: only whether one is stored.
    def get_secret_set(self, integration: Integration) -> bool:
        return bool(integration.secret)

    def get_access_token_set(self, integration: Integration) -> bool:
        return bool(integration.access_token)


class IntegrationInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Integration.Kind.choices, required=False)
    name = serializers.CharField(max_length=120, required=False)
    secret = serializers.CharField(
        max_length=500, required=False, allow_blank=True, trim_whitespace=False, write_only=True
    )
    access_token = serializers.CharField(
        max_length=500, required=False, allow_blank=True, trim_whitespace=False, write_only=True
    )
    api_url = serializers.URLField(max_length=300, required=False)
    labels = serializers.ListField(child=serializers.CharField(max_length=100), required=False, max_length=50)
    auto_resolve = serializers.BooleanField(required=False)
    active = serializers.BooleanField(required=False)

    def validate(self, attrs):
        unknown = set(self.initial_data) - set(self.fields)
        if unknown:
            raise serializers.ValidationError(f"Unknown field(s): {', '.join(sorted(unknown))}.")
        return attrs


def _managed_team(request: Request, slug: str) -> Team:
    team = team_get_for_user(user=request.user, slug=slug)
    if not user_manages(user=request.user, team=team):
        raise PermissionDenied(f"Only managers of {team.name} can see and change its integrations.")
    return team


def _managed_integration(request: Request, slug: str, integration_id: int) -> Integration:
    # Another team's id is 404 for everyone, before any role check answers for it.
    integration = integration_get(
        team=team_get_for_user(user=request.user, slug=slug), integration_id=integration_id
    )
    _managed_team(request, slug)
    return integration


class IntegrationListView(APIView):
    @extend_schema(responses=IntegrationOutputSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        team = _managed_team(request, slug)
        return paginate(request, integrations_of(team=team), IntegrationOutputSerializer, view=self)

    @extend_schema(request=IntegrationInputSerializer, responses={201: IntegrationOutputSerializer})
    def post(self, request: Request, slug: str) -> Response:
        team = _managed_team(request, slug)
        serializer = IntegrationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        integration = services.integration_create(
            team=team, data=serializer.validated_data, actor=request.user
        )
        return Response(IntegrationOutputSerializer(integration).data, status=status.HTTP_201_CREATED)


class IntegrationDetailView(APIView):
    @extend_schema(responses=IntegrationOutputSerializer)
    def get(self, request: Request, slug: str, integration_id: int) -> Response:
        integration = _managed_integration(request, slug, integration_id)
        return Response(IntegrationOutputSerializer(integration).data)

    @extend_schema(request=IntegrationInputSerializer, responses=IntegrationOutputSerializer)
    def patch(self, request: Request, slug: str, integration_id: int) -> Response:
        integration = _managed_integration(request, slug, integration_id)
        serializer = IntegrationInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        integration = services.integration_update(
            integration=integration, data=serializer.validated_data, actor=request.user
        )
        return Response(IntegrationOutputSerializer(integration).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, integration_id: int) -> Response:
        services.integration_delete(
            integration=_managed_integration(request, slug, integration_id), actor=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class IntegrationRotateView(APIView):
    @extend_schema(request=None, responses=IntegrationOutputSerializer)
    def post(self, request: Request, slug: str, integration_id: int) -> Response:
        integration = services.integration_rotate(
            integration=_managed_integration(request, slug, integration_id), actor=request.user
        )
        return Response(IntegrationOutputSerializer(integration).data)
