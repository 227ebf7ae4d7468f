"""The team's audit log page, for its managers."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from shifts.selectors import team_get_for_user, user_manages
from supportops.errors import DomainError

from .selectors import audit_entries_for_team


@login_required
def team_audit(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        team = team_get_for_user(user=request.user, slug=slug)
    except DomainError as exc:
        raise Http404(exc.message) from None
    if not user_manages(user=request.user, team=team):
        return render(request, "audit/forbidden.html", {"team": team}, status=403)
    page = Paginator(audit_entries_for_team(team=team), 100).get_page(request.GET.get("page"))
    return render(request, "audit/team_audit.html", {"team": team, "page": page})
