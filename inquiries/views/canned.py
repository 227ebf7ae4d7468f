"""Managers keep each team's canned replies; every member inserts them when replying."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from shifts.selectors import team_get_for_user, user_manages
from supportops.errors import DomainError, NotFoundError

from ..models import CannedReply
from ..services.canned import canned_reply_create, canned_reply_delete


def _managed_team(request, slug):
    try:
        team = team_get_for_user(user=request.user, slug=slug)
    except NotFoundError:
        raise Http404 from None
    return team, user_manages(user=request.user, team=team)


@login_required
@require_http_methods(["GET", "POST"])
def canned_replies(request: HttpRequest, slug: str) -> HttpResponse:
    team, manages = _managed_team(request, slug)
    values = {"title": "", "body": ""}
    error = None
    if request.method == "POST":
        if not manages:
            return render(request, "reports/forbidden.html", {"team": team}, status=403)
        values = {"title": request.POST.get("title", ""), "body": request.POST.get("body", "")}
        try:
            canned_reply_create(team=team, **values)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, f"Canned reply “{values['title'].strip()}” added.")
            return redirect("canned-replies", slug=team.slug)
    return render(
        request,
        "inquiries/canned.html",
        {
            "team": team,
            "manages": manages,
            "replies": CannedReply.objects.filter(team=team),
            "values": values,
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def canned_reply_remove(request: HttpRequest, slug: str, reply_id: int) -> HttpResponse:
    team, manages = _managed_team(request, slug)
    reply = CannedReply.objects.filter(team=team, pk=reply_id).first()
    if reply is None:
        raise Http404
    if not manages:
        return render(request, "reports/forbidden.html", {"team": team}, status=403)
    canned_reply_delete(reply=reply)
    messages.success(request, f"Canned reply “{reply.title}” removed.")
    return redirect("canned-replies", slug=team.slug)
