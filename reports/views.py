"""Report pages for managers: pickers, tables, inline SVG charts, a CSV link each (SPEC 3.8)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from supportops.errors import InvalidInput, NotFoundError

from . import charts, selectors
from .access import ManagersOnly, managed_teams, report_team_get, team_load_teams
from .api import plan_from
from .period import period_parse

REPORTS = [
    ("load", "Load balance", "Shifts against the fair share, work done, time on direct support"),
    ("response-times", "Response times", "Attainment of the response target and guarantee, by week"),
    ("cost", "Support cost", "Primary coverage hours as a share of the team's capacity; a planner"),
    ("topics", "Recurring topics", "What keeps coming back, and what is worth automating"),
    ("team-load", "Team load", "Inquiries per member-FTE per week across your teams"),
    ("sessions", "Sessions", "One-to-one sessions: learners served and entitlement used per week"),
]


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "reports/forbidden.html", {"message": message}, status=403)


def _context(request: HttpRequest, name: str) -> dict:
    """Team and period from the query string; raises the domain errors the callers map."""
    teams = list(managed_teams(user=request.user))
    if not teams:
        raise ManagersOnly("Reports are for team managers; you do not manage a team.")
    slug = request.GET.get("team") or teams[0].slug
    team = report_team_get(user=request.user, slug=slug)
    period = period_parse(start=request.GET.get("start"), end=request.GET.get("end"), tz_name=team.timezone)
    query = {"team": team.slug, "start": period.start.isoformat(), "end": period.end.isoformat()}
    return {
        "teams": teams,
        "team": team,
        "period": period,
        "query": urlencode(query),
        "reports": REPORTS,
        "current": name,
        "csv_url": reverse(f"api-report-{name}") + "?" + urlencode({**query, "format": "csv"}),
    }


def _page(name: str, build: Callable[[HttpRequest, dict], dict]):
    @login_required
    def view(request: HttpRequest) -> HttpResponse:
        try:
            context = _context(request, name)
        except NotFoundError as exc:
            raise Http404(exc.message) from None
        except ManagersOnly as exc:
            return _forbidden(request, exc.message)
        except InvalidInput as exc:
            teams = list(managed_teams(user=request.user))
            context = {"teams": teams, "reports": REPORTS, "current": name, "error": exc.message}
            return render(request, "reports/index.html", context, status=400)
        context.update(build(request, context))
        return render(request, f"reports/{name.replace('-', '_')}.html", context)

    view.__name__ = f"report_{name.replace('-', '_')}"
    return view


@login_required
def index(request: HttpRequest) -> HttpResponse:
    teams = list(managed_teams(user=request.user))
    if not teams:
        return _forbidden(request, "Reports are for team managers; you do not manage a team.")
    team = next((t for t in teams if t.slug == request.GET.get("team")), teams[0])
    try:
        period = period_parse(
            start=request.GET.get("start"), end=request.GET.get("end"), tz_name=team.timezone
        )
    except InvalidInput as exc:
        return render(
            request,
            "reports/index.html",
            {"teams": teams, "reports": REPORTS, "error": exc.message},
            status=400,
        )
    query = urlencode({"team": team.slug, "start": period.start.isoformat(), "end": period.end.isoformat()})
    return render(
        request,
        "reports/index.html",
        {"teams": teams, "team": team, "period": period, "query": query, "reports": REPORTS},
    )


def _load(request: HttpRequest, context: dict) -> dict:
    report = selectors.load_balance(team=context["team"], period=context["period"])
    rows = report["rows"]
    labels = [r["name"] for r in rows]
    return {
        "report": report,
        "share_chart": charts.bar_chart(
            "Share of time on direct support",
            list(zip(labels, [r["support_share_percent"] for r in rows], strict=True)),
            unit="%",
            reference=report["support_budget_percent"],
            reference_label=f"budget {report['support_budget_percent']}%",
            alerts=[r["over_budget"] for r in rows],
        ),
        "shift_chart": charts.bar_chart(
            "Primary shifts served (tick: fair share)",
            list(zip(labels, [r["primary_shifts"] for r in rows], strict=True)),
            marks=[r["fair_share"] for r in rows],
            alerts=[abs(r["deviation"]) > 1.5 for r in rows],
        ),
    }


def _response_times(request: HttpRequest, context: dict) -> dict:
    report = selectors.response_times(team=context["team"], period=context["period"])
    rows = report["rows"]
    return {
        "report": report,
        "target_chart": charts.bar_chart(
            "% responded within target, by week",
            [(r["iso_week"], r["within_target_percent"]) for r in rows],
            unit="%",
            scale_max=100,
            alerts=[(r["within_target_percent"] or 0) < 90 for r in rows],
        ),
        "median_chart": charts.bar_chart(
            "Median business minutes to first response (tick: 90th percentile)",
            [(r["iso_week"], r["median_business_minutes"]) for r in rows],
            marks=[r["p90_business_minutes"] for r in rows],
            reference=report["response_target_minutes"],
            reference_label=f"target {report['response_target_minutes']} min",
        ),
    }


def _cost(request: HttpRequest, context: dict) -> dict:
    report = selectors.support_cost(team=context["team"], period=context["period"])
    plan, plan_error = None, ""
    plan_input = {
        key: request.GET.get(key, "")
        for key in ("members", "percent_time", "percent_times", "start_time", "end_time")
    }
    plan_days = request.GET.getlist("days")
    if request.GET.get("plan"):
        try:
            plan = plan_from(
                {
                    "members": plan_input["members"],
                    "percent_time": plan_input["percent_time"],
                    "percent_times": plan_input["percent_times"],
                    "days": plan_days,
                    "start": plan_input["start_time"] or "09:00",
                    "end": plan_input["end_time"] or "17:00",
                }
            )
        except InvalidInput as exc:
            plan_error = exc.message
    return {
        "report": report,
        "plan": plan,
        "plan_error": plan_error,
        "plan_input": plan_input,
        "plan_days": plan_days or ["0", "1", "2", "3", "4"],
        "weekdays": list(enumerate(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])),
        "cost_chart": charts.bar_chart(
            "Support cost by week (% of capacity)",
            [
                (r["iso_week"] + (" (so far)" if r["partial"] else ""), r["cost_percent"])
                for r in report["rows"]
            ],
            unit="%",
        ),
    }


def _topics(request: HttpRequest, context: dict) -> dict:
    report = selectors.recurring_topics(team=context["team"], period=context["period"])
    rows = report["rows"][:20]
    return {
        "report": report,
        "count_chart": charts.bar_chart(
            "Inquiries by topic",
            [(r["topic"], r["count"]) for r in rows],
            alerts=[r["automation_candidate"] for r in rows],
        ),
        "effort_chart": charts.bar_chart(
            "Effort by topic (hours)", [(r["topic"], r["effort_hours"]) for r in rows], unit=" h"
        ),
    }


def _team_load(request: HttpRequest, context: dict) -> dict:
    teams = team_load_teams(user=request.user)
    report = selectors.team_load(teams=teams, period=context["period"])
    rows = report["rows"]
    return {
        "report": report,
        "load_chart": charts.bar_chart(
            "Inquiries per member-FTE per week",
            [(r["name"], r["load"]) for r in rows],
            alerts=[r["overloaded"] for r in rows],
        ),
    }


load = _page("load", _load)
response_times = _page("response-times", _response_times)
cost = _page("cost", _cost)
topics = _page("topics", _topics)
team_load = _page("team-load", _team_load)


@login_required
def health_fragment(request):
    """Team health for the teams the viewer manages (the dashboard loads it after the page)."""
    from .health import team_health

    return render(request, "reports/_health.html", {"health": team_health(user=request.user)})
