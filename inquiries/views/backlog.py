"""The improvement backlog page: low-hanging fruit and product issues fed from inquiries."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from shifts.selectors import team_get_for_user, teams_for_user
from supportops.errors import DomainError

from .. import services
from ..models import Improvement
from ..selectors import improvement_get_for_user, improvements_for_user, inquiry_get_for_user
from ._common import not_found_as_404


@login_required
def backlog(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        post = request.POST
        try:
            team = team_get_for_user(user=request.user, slug=post.get("team", ""))
            source = (
                inquiry_get_for_user(user=request.user, reference=post["source_inquiry"], team_slug=team.slug)
                if post.get("source_inquiry")
                else None
            )
            services.improvement_create(
                team=team,
                actor=request.user,
                title=post.get("title", ""),
                kind=post.get("kind", ""),
                estimate_hours=post.get("estimate_hours") or None,
                url=post.get("url", ""),
                source_inquiry=source,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Added to the backlog.")
        return redirect("backlog")
    show = request.GET.get("show", "open")
    items = improvements_for_user(user=request.user).order_by("kind", "estimate_hours", "-created_at")
    if show == "open":
        items = items.filter(status__in=[Improvement.Status.OPEN, Improvement.Status.IN_PROGRESS])
    return render(
        request,
        "inquiries/backlog.html",
        {
            "items": items[:500],
            "teams": teams_for_user(user=request.user).order_by("name"),
            "kinds": Improvement.Kind.choices,
            "statuses": Improvement.Status.choices,
            "show": show,
        },
    )


@login_required
@require_POST
@not_found_as_404
def backlog_update(request: HttpRequest, improvement_id: int) -> HttpResponse:
    improvement = improvement_get_for_user(user=request.user, improvement_id=improvement_id)
    try:
        services.improvement_update(
            improvement=improvement, actor=request.user, data={"status": request.POST.get("status", "")}
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("backlog")
