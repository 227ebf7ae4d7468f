"""Form posts from the postmortem page: each calls one service and comes back (post/redirect/get)."""

import datetime as dt
import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from supportops.errors import DomainError, InvalidInput
from supportops.pages import not_found_as_404

from .. import services
from ..models import Postmortem
from ..selectors import inquiries_by_reference, milestone_get, postmortem_get_for_user, recommendation_get


def _local(raw: str, postmortem: Postmortem) -> dt.datetime:
    """A datetime-local value is the team's wall-clock time."""
    try:
        naive = dt.datetime.fromisoformat(raw or "")
    except ValueError:
        raise InvalidInput(f"{raw!r} is not a date and time.", field="at") from None
    if naive.tzinfo is not None:
        return naive
    return naive.replace(tzinfo=zoneinfo.ZoneInfo(postmortem.team.timezone))


def _edit(request, pm):
    fields = ("title", "summary", "impact", "root_causes", "resources_note")
    data = {name: request.POST[name] for name in fields if name in request.POST}
    services.postmortem_update(postmortem=pm, actor=request.user, data=data)
    return "Saved."


def _link(request, pm):
    references = request.POST.get("reference", "").replace(",", " ").split()
    if not references:
        raise InvalidInput("Give an inquiry reference, e.g. ADS-12.", field="inquiries")
    for inquiry in inquiries_by_reference(user=request.user, team=pm.team, references=references):
        services.postmortem_link_inquiry(postmortem=pm, actor=request.user, inquiry=inquiry)
    return f"Linked {', '.join(r.upper() for r in references)}; its milestones joined the timeline."


def _unlink(request, pm):
    [inquiry] = inquiries_by_reference(
        user=request.user, team=pm.team, references=[request.POST.get("reference", "")]
    )
    services.postmortem_unlink_inquiry(postmortem=pm, actor=request.user, inquiry=inquiry)
    return f"Unlinked {inquiry.reference}."


def _milestone_add(request, pm):
    services.milestone_add(
        postmortem=pm,
        actor=request.user,
        at=_local(request.POST.get("at", ""), pm),
        description=request.POST.get("description", ""),
    )
    return "Milestone added."


def _milestone_edit(request, pm):
    milestone = milestone_get(postmortem=pm, milestone_id=request.POST.get("milestone"))
    data = {"description": request.POST.get("description", "")}
    if request.POST.get("at"):
        data["at"] = _local(request.POST["at"], pm)
    services.milestone_update(milestone=milestone, actor=request.user, data=data)
    return "Milestone saved."


def _milestone_delete(request, pm):
    milestone = milestone_get(postmortem=pm, milestone_id=request.POST.get("milestone"))
    services.milestone_delete(milestone=milestone, actor=request.user)
    return "Milestone removed."


def _recommendation_data(request) -> dict:
    post = request.POST
    data = {}
    for name in ("description", "owner", "due_date", "status"):
        if name in post:
            data[name] = post[name] or None if name in ("owner", "due_date") else post[name]
    return data


def _recommendation_add(request, pm):
    services.recommendation_add(postmortem=pm, actor=request.user, data=_recommendation_data(request))
    return "Recommendation added."


def _recommendation_edit(request, pm):
    recommendation = recommendation_get(postmortem=pm, recommendation_id=request.POST.get("recommendation"))
    services.recommendation_update(
        recommendation=recommendation, actor=request.user, data=_recommendation_data(request)
    )
    return "Recommendation saved."


def _recommendation_delete(request, pm):
    recommendation = recommendation_get(postmortem=pm, recommendation_id=request.POST.get("recommendation"))
    services.recommendation_delete(recommendation=recommendation, actor=request.user)
    return "Recommendation removed."


def _backlog(request, pm):
    recommendation = recommendation_get(postmortem=pm, recommendation_id=request.POST.get("recommendation"))
    services.recommendation_make_backlog_item(
        recommendation=recommendation,
        actor=request.user,
        kind=request.POST.get("kind", ""),
        estimate_hours=request.POST.get("estimate_hours") or None,
        url=request.POST.get("url", ""),
    )
    return "Added to the improvement backlog."


def _submit(request, pm):
    services.postmortem_submit(postmortem=pm, actor=request.user)
    return "Submitted for review; the team's managers were told."


def _discuss(request, pm):
    services.postmortem_discuss(
        postmortem=pm, actor=request.user, meeting_date=request.POST.get("meeting_date")
    )
    return "Marked as discussed."


def _close(request, pm):
    services.postmortem_close(postmortem=pm, actor=request.user)
    return "Closed."


def _reopen(request, pm):
    services.postmortem_reopen(postmortem=pm, actor=request.user)
    return "Back to draft."


ACTIONS = {
    "edit": _edit,
    "link": _link,
    "unlink": _unlink,
    "milestone-add": _milestone_add,
    "milestone-edit": _milestone_edit,
    "milestone-delete": _milestone_delete,
    "recommendation-add": _recommendation_add,
    "recommendation-edit": _recommendation_edit,
    "recommendation-delete": _recommendation_delete,
    "backlog": _backlog,
    "submit": _submit,
    "discuss": _discuss,
    "close": _close,
    "reopen": _reopen,
}


@login_required
@require_POST
@not_found_as_404
def postmortem_action(request: HttpRequest, postmortem_id: int, action: str) -> HttpResponse:
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404(f"No action {action!r}.")
    postmortem = postmortem_get_for_user(user=request.user, postmortem_id=postmortem_id)
    try:
        messages.success(request, handler(request, postmortem))
    except (DomainError, PermissionDenied) as exc:
        messages.error(request, getattr(exc, "message", None) or str(exc))
    anchor = request.POST.get("anchor", "")
    url = f"/postmortems/{postmortem.pk}/"
    return redirect(f"{url}#{anchor}" if anchor.isidentifier() else url)
