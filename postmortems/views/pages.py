"""Postmortem pages: the list, a new postmortem from selected inquiries, one postmortem, the agenda."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from inquiries.models import Improvement, Inquiry
from inquiries.selectors import inquiries_for_user
from shifts.selectors import members_of, team_get_for_user, teams_for_user, user_manages
from supportops.errors import DomainError, InvalidInput
from supportops.pages import not_found_as_404

from .. import services
from ..agenda import markdown_to_safe_html, postmortem_agenda
from ..models import Postmortem, Recommendation
from ..selectors import (
    changes_of,
    inquiries_by_reference,
    milestones_of,
    postmortem_get_for_user,
    postmortem_resources,
    postmortems_for_user,
    recommendations_of,
)

PAGE_SIZE = 50
NEW_CHOICES = 200


@login_required
def postmortem_list(request: HttpRequest) -> HttpResponse:
    teams = list(teams_for_user(user=request.user).order_by("name"))
    params = request.GET
    queryset = postmortems_for_user(user=request.user)
    if params.get("team"):
        queryset = queryset.filter(team__slug=params["team"])
    if params.get("status") in Postmortem.Status.values:
        queryset = queryset.filter(status=params["status"])
    page = Paginator(queryset.order_by("-created_at", "-id"), PAGE_SIZE).get_page(params.get("page"))
    query = params.copy()
    query.pop("page", None)
    return render(
        request,
        "postmortems/list.html",
        {
            "page": page,
            "teams": teams,
            "statuses": Postmortem.Status.choices,
            "params": params,
            "query": query.urlencode(),
        },
    )


@login_required
def postmortem_new(request: HttpRequest) -> HttpResponse:
    """Choose one or more inquiries of a team; the postmortem starts with their timeline."""
    error = None
    chosen = request.POST.getlist("inquiries") if request.method == "POST" else request.GET.getlist("inquiry")
    if request.method == "POST":
        try:
            team = team_get_for_user(user=request.user, slug=request.POST.get("team", ""))
            postmortem = services.postmortem_create(
                team=team,
                actor=request.user,
                inquiries=inquiries_by_reference(user=request.user, team=team, references=chosen),
                title=request.POST.get("title", ""),
                summary=request.POST.get("summary", ""),
                impact=request.POST.get("impact", ""),
                root_causes=request.POST.get("root_causes", ""),
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(
                request, "Draft postmortem created; the timeline is prefilled from the inquiries."
            )
            return redirect("postmortem-detail", postmortem_id=postmortem.pk)
    teams = list(teams_for_user(user=request.user).order_by("name"))
    slug = request.POST.get("team") or request.GET.get("team") or (teams[0].slug if teams else "")
    team = next((t for t in teams if t.slug == slug), None)
    inquiries = (
        inquiries_for_user(user=request.user)
        .filter(team=team)
        .prefetch_related("postmortems")
        .order_by("-serious", "-received_at", "-id")[:NEW_CHOICES]
        if team
        else Inquiry.objects.none()
    )
    return render(
        request,
        "postmortems/new.html",
        {
            "teams": teams,
            "team": team,
            "inquiries": inquiries,
            "chosen": {c.upper() for c in chosen},
            "form": request.POST,
            "error": error,
        },
        status=error.status_code if error else 200,
    )


@login_required
@not_found_as_404
def postmortem_detail(request: HttpRequest, postmortem_id: int) -> HttpResponse:
    postmortem = postmortem_get_for_user(user=request.user, postmortem_id=postmortem_id)
    return render(
        request,
        "postmortems/detail.html",
        {
            "pm": postmortem,
            "inquiries": postmortem.inquiries.all(),
            "milestones": milestones_of(postmortem=postmortem),
            "recommendations": recommendations_of(postmortem=postmortem),
            "resources": postmortem_resources(postmortem=postmortem),
            "changes": changes_of(postmortem=postmortem),
            "members": members_of(team=postmortem.team),
            "manages": user_manages(user=request.user, team=postmortem.team),
            "rec_statuses": Recommendation.Status.choices,
            "improvement_kinds": Improvement.Kind.choices,
            "closed": postmortem.status == Postmortem.Status.CLOSED,
        },
    )


def _agenda_team(request: HttpRequest):
    slug = request.GET.get("team", "")
    teams = list(teams_for_user(user=request.user).order_by("name"))
    if not slug and len(teams) == 1:
        slug = teams[0].slug
    if not slug:
        raise InvalidInput("Choose a team for the agenda.", field="team")
    return team_get_for_user(user=request.user, slug=slug), teams


@login_required
@not_found_as_404
def agenda(request: HttpRequest) -> HttpResponse:
    teams = list(teams_for_user(user=request.user).order_by("name"))
    if not request.GET.get("team") and len(teams) != 1:
        return render(request, "postmortems/agenda.html", {"teams": teams, "team": None})
    team, teams = _agenda_team(request)
    text = postmortem_agenda(team=team)
    return render(
        request,
        "postmortems/agenda.html",
        {"teams": teams, "team": team, "html": markdown_to_safe_html(text), "markdown": text},
    )


@login_required
@not_found_as_404
def agenda_markdown(request: HttpRequest) -> HttpResponse:
    team, _ = _agenda_team(request)
    response = HttpResponse(postmortem_agenda(team=team), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="postmortem-agenda-{team.slug}.md"'
    return response
