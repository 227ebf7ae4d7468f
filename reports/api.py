"""Reports API (SPEC 4): `GET reports/<name>/?team=&start=&end=` as JSON, or CSV with `?format=csv`."""

from __future__ import annotations

from collections.abc import Callable

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shifts.models import Team
from supportops.errors import InvalidInput

from . import selectors
from .access import report_team_get, team_load_teams
from .csv import csv_filename
from .period import Period, period_parse
from .planner import cost_plan, coverage_from_days, percent_times_parse
from .renderers import ReportCSVRenderer

PERIOD_PARAMETERS = [
    OpenApiParameter(
        "start", OpenApiTypes.DATE, description="First day (team's time zone); default 4 weeks ago"
    ),
    OpenApiParameter("end", OpenApiTypes.DATE, description="Last day, inclusive; default today"),
    OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"], description="csv: text/csv"),
]
TEAM_PARAMETER = OpenApiParameter("team", OpenApiTypes.STR, required=True, description="Team slug")


def team_and_period(request: Request) -> tuple[Team, Period]:
    slug = (request.query_params.get("team") or "").strip()
    if not slug:
        raise InvalidInput("Pick a team: ?team=<slug> (one you manage).", field="team")
    team = report_team_get(user=request.user, slug=slug)
    params = request.query_params
    return team, period_parse(start=params.get("start"), end=params.get("end"), tz_name=team.timezone)


def _respond(request: Request, report: dict) -> Response:
    response = Response(report)
    if getattr(request.accepted_renderer, "format", "") == "csv":
        response["Content-Disposition"] = f'attachment; filename="{csv_filename(report)}"'
    return response


class ReportView(APIView):
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, ReportCSVRenderer]


def _report_view(name: str, function: Callable[..., dict], summary: str) -> type[ReportView]:
    # A fresh `get` per view: extend_schema annotates the function object it is given.
    @extend_schema(
        operation_id=f"reports_{name}",
        summary=summary,
        parameters=[TEAM_PARAMETER, *PERIOD_PARAMETERS],
        responses={(200, "application/json"): OpenApiTypes.OBJECT, (200, "text/csv"): OpenApiTypes.STR},
    )
    def get(self, request: Request) -> Response:
        team, period = team_and_period(request)
        return _respond(request, function(team=team, period=period))

    return type(f"{name.title().replace('_', '')}ReportView", (ReportView,), {"get": get, "__doc__": summary})


LoadReportView = _report_view("load", selectors.load_balance, "Load balance per member")
ResponseTimesReportView = _report_view(
    "response_times", selectors.response_times, "Response-time attainment, overall and by week"
)
CostReportView = _report_view("cost", selectors.support_cost, "Support cost: primary hours / capacity")
TopicsReportView = _report_view("topics", selectors.recurring_topics, "Recurring topics and automation")


class TeamLoadReportView(APIView):
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, ReportCSVRenderer]

    @extend_schema(
        operation_id="reports_team_load",
        summary="Inquiries per member-FTE per week across your teams",
        parameters=[
            OpenApiParameter(
                "team", OpenApiTypes.STR, description="Optional: a team whose time zone sets the days"
            ),
            *PERIOD_PARAMETERS,
        ],
        responses={(200, "application/json"): OpenApiTypes.OBJECT, (200, "text/csv"): OpenApiTypes.STR},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        teams = team_load_teams(user=request.user)
        tz_name = "UTC"
        if params.get("team"):
            tz_name = report_team_get(user=request.user, slug=params["team"]).timezone
        period = period_parse(start=params.get("start"), end=params.get("end"), tz_name=tz_name)
        return _respond(request, selectors.team_load(teams=teams, period=period))


class PlanWindowSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(min_value=0, max_value=6)
    start = serializers.CharField()
    end = serializers.CharField()


class PlanInputSerializer(serializers.Serializer):
    percent_times = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=100), required=False, max_length=500
    )
    members = serializers.IntegerField(min_value=1, max_value=500, required=False)
    percent_time = serializers.IntegerField(min_value=1, max_value=100, required=False)
    coverage = PlanWindowSerializer(many=True, required=False)
    days = serializers.ListField(child=serializers.IntegerField(min_value=0, max_value=6), required=False)
    start = serializers.CharField(required=False, default="09:00")
    end = serializers.CharField(required=False, default="17:00")


def plan_from(data) -> dict:
    """The planner's inputs from query parameters or a JSON body: members and coverage."""
    percent_times = percent_times_parse(
        members=data.get("members"),
        percent_time=data.get("percent_time"),
        percent_times=data.get("percent_times"),
    )
    coverage = data.get("coverage")
    if not coverage:
        coverage = coverage_from_days(
            days=data.get("days", "0,1,2,3,4"),
            start=data.get("start") or "09:00",
            end=data.get("end") or "17:00",
        )
    return cost_plan(percent_times=percent_times, coverage=[dict(window) for window in coverage])


class CostPlanView(APIView):
    """What would support cost with these members and this coverage? (no team data is read)"""

    @extend_schema(
        operation_id="reports_cost_plan_get",
        parameters=[
            OpenApiParameter("members", OpenApiTypes.INT),
            OpenApiParameter("percent_time", OpenApiTypes.INT),
            OpenApiParameter("percent_times", OpenApiTypes.STR, description="e.g. 100,100,50"),
            OpenApiParameter("days", OpenApiTypes.STR, description="weekdays 0-6, Monday=0, e.g. 0,1,2"),
            OpenApiParameter("start", OpenApiTypes.STR, description="HH:MM, default 09:00"),
            OpenApiParameter("end", OpenApiTypes.STR, description="HH:MM, default 17:00"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        return Response(plan_from(request.query_params))

    @extend_schema(
        operation_id="reports_cost_plan", request=PlanInputSerializer, responses=OpenApiTypes.OBJECT
    )
    def post(self, request: Request) -> Response:
        serializer = PlanInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(plan_from(serializer.validated_data))
