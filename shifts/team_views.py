"""Team pages: the list of my teams and a team's settings and members (managers edit, members read)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from security.cleaning import clean_line
from supportops.errors import DomainError, InvalidInput

from . import services
from .coverage import WEEKDAYS
from .models import Member
from .selectors import members_of, team_get_for_user, teams_for_user, user_manages
from .team_forms import coverage_from_form, coverage_rows, team_data_from_form


def _team_or_404(request: HttpRequest, slug: str):
    try:
        return team_get_for_user(user=request.user, slug=slug)
    except DomainError as exc:
        raise Http404(exc.message) from None


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    teams = teams_for_user(user=request.user).annotate(
        active_members=Count("members", filter=Q(members__is_active=True), distinct=True)
    )
    return render(request, "shifts/team_list.html", {"teams": teams})


@login_required
def team_settings(request: HttpRequest, slug: str) -> HttpResponse:
    team = _team_or_404(request, slug)
    context = {
        "team": team,
        "members": members_of(team=team),
        "can_manage": user_manages(user=request.user, team=team),
        "coverage_rows": coverage_rows(team.coverage),
        "topics_text": "\n".join(team.topics.values_list("name", flat=True)),
        "holidays_text": ", ".join(team.holidays),
        "weekdays": WEEKDAYS,
        "roles": Member.Role.choices,
    }
    return render(request, "shifts/team_settings.html", context)


def _manager_action(request: HttpRequest, slug: str):
    team = _team_or_404(request, slug)
    if not user_manages(user=request.user, team=team):
        messages.error(request, f"Only managers of {team.name} can change it.")
        return team, False
    return team, True


@login_required
@require_POST
def team_settings_save(request: HttpRequest, slug: str) -> HttpResponse:
    team, allowed = _manager_action(request, slug)
    if allowed:
        try:
            data = team_data_from_form(request.POST)
            data["coverage"] = coverage_from_form(request.POST)
            services.team_update(team=team, data=data, actor=request.user)
            messages.success(request, "Team settings saved.")
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect("team-settings", slug=slug)


@login_required
@require_POST
def member_add(request: HttpRequest, slug: str) -> HttpResponse:
    team, allowed = _manager_action(request, slug)
    if allowed:
        try:
            member = services.member_add(
                team=team,
                username=request.POST.get("username", "").strip(),
                email=request.POST.get("email", "").strip(),
                name=clean_line(request.POST.get("name", "")),
                percent_time=_int(request.POST.get("percent_time"), "percent_time"),
                role=request.POST.get("role", "developer"),
                actor=request.user,
            )
            messages.success(request, f"{member.display_name} joined {team.name}.")
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect("team-settings", slug=slug)


@login_required
@require_POST
def member_change(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    # Another team's member is 404, whoever asks, before any role check answers for it.
    member = members_of(team=_team_or_404(request, slug)).filter(pk=member_id).first()
    if member is None:
        raise Http404("No such member in this team.")
    team, allowed = _manager_action(request, slug)
    if allowed:
        try:
            if request.POST.get("action") == "remove":
                services.member_remove(member=member, actor=request.user)
                messages.success(request, f"{member.display_name} left {team.name}.")
            else:
                services.member_update(
                    member=member,
                    actor=request.user,
                    data={
                        "percent_time": _int(request.POST.get("percent_time"), "percent_time"),
                        "role": request.POST.get("role", member.role),
                    },
                )
                messages.success(request, f"{member.display_name} updated.")
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect("team-settings", slug=slug)


@login_required
@require_POST
def member_revoke_feeds(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    member = members_of(team=_team_or_404(request, slug)).filter(pk=member_id).first()
    if member is None:
        raise Http404("No such member in this team.")
    team, allowed = _manager_action(request, slug)
    if allowed:
        revoked = services.feeds_revoke_by_manager(member=member, actor=request.user)
        messages.success(request, f"Revoked {revoked} calendar feed(s) of {member.display_name}.")
    return redirect("team-settings", slug=slug)


def _int(value: str | None, field: str) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise InvalidInput(f"{field} must be a whole number, not {value!r}.", field=field) from None
