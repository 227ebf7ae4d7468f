"""GET /api/v1/teams/{slug}/audit/: the team's audit log, for its managers."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shifts.selectors import team_get_for_user, user_manages
from supportops.pagination import paginate

from .models import AuditEntry
from .selectors import audit_entries_for_team


class AuditEntryOutputSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_name")
    object = serializers.SerializerMethodField()

    class Meta:
        model = AuditEntry
        fields = ["id", "at", "actor", "action", "object", "old", "new"]

    def get_object(self, entry: AuditEntry) -> dict:
        return {"type": entry.object_type, "id": entry.object_id, "repr": entry.object_repr}


class AuditListView(APIView):
    @extend_schema(responses=AuditEntryOutputSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        team = team_get_for_user(user=request.user, slug=slug)
        if not user_manages(user=request.user, team=team):
            raise PermissionDenied(f"Only managers of {team.name} can read its audit log.")
        return paginate(request, audit_entries_for_team(team=team), AuditEntryOutputSerializer, view=self)
