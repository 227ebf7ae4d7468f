"""Form posts from the inquiry page. Each calls one service and comes back to the page (post/redirect/get)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from supportops.errors import DomainError, InvalidInput

from .. import services
from ..models import Inquiry
from ..selectors import escalation_get_for_user, inquiry_get_for_user
from ._common import not_found_as_404


def _int(value: str | None, field: str) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise InvalidInput(f"Choose a {field}.", field=field) from None


def _seen_event(value: str | None) -> int | None:
    """The newest timeline event the member saw when they filled in the form (stale-form guard)."""
    return int(value) if value and value.isdigit() else None


def _bool(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def _respond(request, inquiry):
    services.inquiry_respond(inquiry=inquiry, actor=request.user, body=request.POST.get("body", ""))
    if request.POST.get("then") == "wait":
        # "Send and set waiting": the reply asks the requester something; the clock pauses until they answer.
        inquiry.refresh_from_db()
        services.inquiry_wait(inquiry=inquiry, actor=request.user)
        return "Reply sent; waiting on the requester."
    return "Reply sent to the requester."


def _note(request, inquiry):
    services.inquiry_add_note(inquiry=inquiry, actor=request.user, body=request.POST.get("body", ""))
    return "Internal note added."


def _wait(request, inquiry):
    services.inquiry_wait(inquiry=inquiry, actor=request.user)
    return "Waiting on the requester."


def _resolve(request, inquiry):
    post = request.POST
    services.inquiry_resolve(
        inquiry=inquiry,
        actor=request.user,
        kind=post.get("kind", ""),
        seen_event=_seen_event(post.get("seen_event")),
        note=post.get("note", ""),
        reply=post.get("reply", ""),
        product_issue_url=post.get("product_issue_url", ""),
        known_issue=post.get("known_issue") or None,
        constructive_correction=post.get("constructive_correction"),
        comprehensive_solution=post.get("comprehensive_solution"),
    )
    return "Resolved."


def _reopen(request, inquiry):
    services.inquiry_reopen(inquiry=inquiry, actor=request.user)
    return "Reopened."


def _assign(request, inquiry):
    services.inquiry_update(
        inquiry=inquiry, actor=request.user, data={"assignee": _int(request.POST.get("member"), "member")}
    )
    return "Assigned."


def _escalate(request, inquiry):
    services.inquiry_escalate(
        inquiry=inquiry,
        actor=request.user,
        member=_int(request.POST.get("member"), "member"),
        reason=request.POST.get("reason", ""),
    )
    return "Escalated."


def _effort(request, inquiry):
    services.effort_log(
        inquiry=inquiry,
        actor=request.user,
        minutes=_int(request.POST.get("minutes"), "number of minutes"),
        note=request.POST.get("note", ""),
    )
    return "Effort logged."


def _triage(request, inquiry):
    post = request.POST
    data = {
        "priority": post.get("priority", inquiry.priority),
        "urgency": _date(post.get("urgency", "")),
        "actionable": _bool(post.get("actionable")),
        "reproducible": post.get("reproducible", inquiry.reproducible),
        "topic": post.get("topic") or None,
        "serious": post.get("serious") == "on",
    }
    services.inquiry_update(inquiry=inquiry, actor=request.user, data=data)
    return "Triage saved."


def _handoff(request, inquiry):
    data = {"keep": request.POST.get("keep") == "on", "handoff_note": request.POST.get("handoff_note", "")}
    services.inquiry_update(inquiry=inquiry, actor=request.user, data=data)
    return "Handoff preferences saved."


def _solution(request, inquiry):
    data = {
        "constructive_correction": request.POST.get("constructive_correction", ""),
        "comprehensive_solution": request.POST.get("comprehensive_solution", ""),
    }
    services.inquiry_update(inquiry=inquiry, actor=request.user, data=data)
    return "Saved."


def _link_known(request, inquiry):
    """The confirmed form of the page (?link_known=REF): resolving, with the reply the member kept."""
    post = request.POST
    target = post.get("known_issue", "")
    if post.get("confirm") != "yes":
        raise InvalidInput(
            f"Linking {target} as the known issue resolves {inquiry.reference}: confirm it first."
        )
    services.inquiry_resolve(
        inquiry=inquiry,
        actor=request.user,
        kind=Inquiry.ResolutionKind.KNOWN_ISSUE,
        known_issue=target,
        seen_event=_seen_event(post.get("seen_event")) or 0,
        reply=post.get("reply", "") if post.get("send_reply") == "on" else "",
        note=post.get("note") or f"Known issue: {target}",
    )
    return f"Resolved as a known issue of {target}."


def _improvement(request, inquiry):
    post = request.POST
    services.improvement_create(
        team=inquiry.team,
        actor=request.user,
        title=post.get("title", ""),
        kind=post.get("kind", ""),
        estimate_hours=post.get("estimate_hours") or None,
        url=post.get("url", ""),
        source_inquiry=inquiry,
    )
    return "Added to the backlog."


def _accept_reply(request, inquiry):
    from ..mail_intake import inbound_email_accept

    inbound_email_accept(
        inquiry=inquiry, inbound_id=_int(request.POST.get("inbound"), "held email"), actor=request.user
    )
    return f"Accepted as {inquiry.requester_name}'s reply."


def _date(raw: str) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"{raw!r} is not a date (YYYY-MM-DD).", field="urgency") from None


ACTIONS = {
    "respond": _respond,
    "note": _note,
    "wait": _wait,
    "resolve": _resolve,
    "reopen": _reopen,
    "assign": _assign,
    "escalate": _escalate,
    "effort": _effort,
    "triage": _triage,
    "handoff": _handoff,
    "solution": _solution,
    "link-known": _link_known,
    "improvement": _improvement,
    "accept-reply": _accept_reply,
}


@login_required
@require_POST
@not_found_as_404
def inquiry_action(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404(f"No action {action!r}.")
    inquiry = inquiry_get_for_user(user=request.user, reference=reference, team_slug=request.GET.get("team"))
    try:
        messages.success(request, handler(request, inquiry))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("inquiry-detail", reference=inquiry.reference)


@login_required
@require_POST
@not_found_as_404
def escalation_answer(request: HttpRequest, escalation_id: int, answer: str) -> HttpResponse:
    escalation = escalation_get_for_user(user=request.user, escalation_id=escalation_id)
    reason = request.POST.get("reason", "")
    try:
        if answer == "accept":
            services.escalation_accept(escalation=escalation, actor=request.user, reason=reason)
            messages.success(request, f"You accepted the escalation of {escalation.inquiry.reference}.")
        elif answer == "decline":
            services.escalation_decline(escalation=escalation, actor=request.user, reason=reason)
            messages.success(request, f"You declined the escalation of {escalation.inquiry.reference}.")
        else:
            raise Http404("Answer accept or decline.")
    except DomainError as exc:
        messages.error(request, exc.message)
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("inquiry-detail", reference=escalation.inquiry.reference)
