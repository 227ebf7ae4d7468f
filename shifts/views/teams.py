"""Team pages: the list of my teams and a team's settings and members (managers edit, members read)."""

import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from security.cleaning import clean_line
from supportops.errors import DomainError, InvalidInput

from .. import services
from ..coverage import WEEKDAYS
from ..models import Member
from ..selectors import members_of, team_get_for_user, teams_for_user, user_manages
from .team_forms import TeamFormInvalid, coverage_from_form, coverage_rows, team_data_from_form


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


ZONES = sorted(zoneinfo.available_timezones() - {"Factory", "localtime"})


def _hours(minutes: int | None) -> str:
    """Minutes as hours for the page: 240 -> "4", 90 -> "1.5", None -> ""."""
    if minutes is None:
        return ""
    return f"{minutes / 60:g}"


def _values_from_team(team) -> dict:
    return {
        "name": team.name,
        "timezone": team.timezone,
        "holidays": ", ".join(team.holidays),
        "holiday_country": team.holiday_country,
        "holiday_subdivision": team.holiday_subdivision,
        "response_target_hours": _hours(team.response_target_minutes),
        "response_guarantee_hours": _hours(team.response_guarantee_minutes),
        "resolution_target_hours": _hours(team.resolution_target_minutes),
        "support_budget_percent": team.support_budget_percent,
        "schedule_horizon_days": team.schedule_horizon_days,
        "low_hanging_fruit_hours": team.low_hanging_fruit_hours,
        "webhook_url": team.webhook_url,
        "handoff_notifies_requester": team.handoff_notifies_requester,
        "topics": "\n".join(team.topics.values_list("name", flat=True)),
        "session_minutes_per_week": team.session_minutes_per_week,
        "session_length_minutes": team.session_length_minutes,
        "session_notice_minutes": team.session_notice_minutes,
        "session_video_url": team.session_video_url,
        "mail_enabled": team.mail_enabled,
        "mail_host": team.mail_host,
        "mail_port": team.mail_port,
        "mail_use_ssl": team.mail_use_ssl,
        "mail_username": team.mail_username,
        "mail_folder": team.mail_folder,
    }


def _settings_page(request: HttpRequest, team, *, values=None, errors=None, coverage=None, status=200):
    if values is None:
        values = _values_from_team(team)
    context = {
        "team": team,
        "v": values,
        "errors": errors or {},
        "zones": ZONES,
        "members": members_of(team=team),
        "can_manage": user_manages(user=request.user, team=team),
        "coverage_rows": coverage or coverage_rows(team.coverage),
        "weekdays": WEEKDAYS,
        "roles": Member.Role.choices,
    }
    return render(request, "shifts/team_settings.html", context, status=status)


@login_required
def team_settings(request: HttpRequest, slug: str) -> HttpResponse:
    return _settings_page(request, _team_or_404(request, slug))


def _manager_action(request: HttpRequest, slug: str):
    """The services decide who may change a team (Forbidden); the settings form asks first only so a
    developer is told that, not shown field errors for a form they cannot send."""
    team = _team_or_404(request, slug)
    if not user_manages(user=request.user, team=team):
        messages.error(request, f"Only managers of {team.name} can change it.")
        return team, False
    return team, True


@login_required
@require_POST
def team_settings_save(request: HttpRequest, slug: str) -> HttpResponse:
    team, allowed = _manager_action(request, slug)
    if not allowed:
        return redirect("team-settings", slug=slug)
    errors: dict[str, str] = {}
    data: dict = {}
    try:
        data = team_data_from_form(request.POST)
    except TeamFormInvalid as exc:
        errors.update(exc.errors)
    try:
        data["coverage"] = coverage_from_form(request.POST)
    except DomainError as exc:
        errors.setdefault("coverage", exc.message)
    if not errors:
        try:
            services.team_update(team=team, data=data, actor=request.user)
        except DomainError as exc:
            errors[exc.field or "form"] = exc.message
    if errors:
        # Keep every typed value and mark every bad field; nothing was saved.
        values = {key: request.POST.get(key, "") for key in _values_from_team(team)}
        for flag in ("handoff_notifies_requester", "mail_enabled", "mail_use_ssl"):
            values[flag] = request.POST.get(flag) == "on"
        coverage = [
            {"weekday": day, "name": WEEKDAYS[day], "text": request.POST.get(f"coverage_{day}", "")}
            for day in range(7)
        ]
        messages.error(request, "Nothing was saved: please correct the marked fields.")
        return _settings_page(request, team, values=values, errors=errors, coverage=coverage, status=400)
    messages.success(request, "Team settings saved.")
    return redirect("team-settings", slug=slug)


@login_required
@require_POST
def member_add(request: HttpRequest, slug: str) -> HttpResponse:
    team = _team_or_404(request, slug)
    # The service checks the manager's rights (Forbidden is a DomainError: a message).
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
    team = member.team
    # The services check the manager's rights (Forbidden is a DomainError: a message).
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
    try:
        revoked = services.feeds_revoke_by_manager(member=member, actor=request.user)
    except DomainError as exc:  # Forbidden: not a manager of the team
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Revoked {revoked} calendar feed(s) of {member.display_name}.")
    return redirect("team-settings", slug=slug)


def _int(value: str | None, field: str) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise InvalidInput(f"{field} must be a whole number, not {value!r}.", field=field) from None
