"""The meeting agenda: Markdown by default, `{"markdown": ...}` for clients that ask for JSON."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shifts.selectors import team_get_for_user

from ..agenda import postmortem_agenda


class MarkdownRenderer(BaseRenderer):
    media_type = "text/markdown"
    format = "md"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if isinstance(data, dict):  # an error: say it in words
            data = f"Error: {data.get('detail', data)}\n"
        return str(data).encode(self.charset)


class AgendaView(APIView):
    renderer_classes = [MarkdownRenderer, JSONRenderer]

    @extend_schema(
        parameters=[OpenApiParameter("team", str, required=True, description="team slug")],
        responses={
            (200, "text/markdown"): OpenApiResponse(response=str, description="the agenda as Markdown"),
            (200, "application/json"): OpenApiResponse(
                response={"type": "object", "properties": {"markdown": {"type": "string"}}}
            ),
        },
    )
    def get(self, request: Request) -> Response:
        slug = request.query_params.get("team", "")
        if not slug:
            raise serializers.ValidationError({"team": ["Give the team: ?team=<slug>."]})
        team = team_get_for_user(user=request.user, slug=slug)
        text = postmortem_agenda(team=team)
        if request.accepted_renderer.format == "json":
            return Response({"markdown": text})
        response = Response(text)
        response["Content-Disposition"] = f'inline; filename="postmortem-agenda-{team.slug}.md"'
        return response
