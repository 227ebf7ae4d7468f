"""The inquiry list, one inquiry's page, and logging a new inquiry as a member."""

import datetime as dt
import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from shifts.selectors import members_of, team_get_for_user, teams_for_user
from supportops.errors import DomainError, InvalidInput

from .. import services
from ..filters import STATUS_CHOICES, InquiryFilter
from ..models import EffortLog, Escalation, Inquiry
from ..selectors import (
    escalations_of,
    events_of,
    inquiries_for_user,
    inquiry_get_for_user,
    similar_inquiries,
    team_topics,
    thread,
)
from ._common import not_found_as_404

PAGE_SIZE = 50


@login_required
def inquiry_list(request: HttpRequest) -> HttpResponse:
    teams = list(teams_for_user(user=request.user).order_by("name"))
    filterset = InquiryFilter(request.GET, queryset=inquiries_for_user(user=request.user), request=request)
    queryset = (filterset.qs if filterset.is_valid() else Inquiry.objects.none()).order_by(
        "-received_at", "-id"
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "inquiries/list.html",
        {
            "page": page,
            "filterset": filterset,
            "teams": teams,
            "statuses": STATUS_CHOICES,
            "priorities": Inquiry.Priority.choices,
            "params": request.GET,
            "query": query.urlencode(),
            "now": timezone.now(),
        },
    )


@login_required
@not_found_as_404
def inquiry_detail(request: HttpRequest, reference: str) -> HttpResponse:
    inquiry = inquiry_get_for_user(user=request.user, reference=reference, team_slug=request.GET.get("team"))
    members = list(members_of(team=inquiry.team))
    my_pending = [
        e
        for e in escalations_of(inquiry=inquiry)
        if e.status == Escalation.Status.PENDING and e.member.user_id == request.user.pk
    ]
    return render(
        request,
        "inquiries/detail.html",
        {
            "inquiry": inquiry,
            "thread": thread(inquiry=inquiry),
            "events": events_of(inquiry=inquiry),
            "escalations": escalations_of(inquiry=inquiry),
            "postmortems": inquiry.postmortems.order_by("-created_at"),
            "my_pending_escalations": my_pending,
            "efforts": EffortLog.objects.filter(inquiry=inquiry).select_related("member__user"),
            "members": members,
            "topics": inquiry.team.topics.all(),
            "similar": similar_inquiries(inquiry=inquiry) if inquiry.is_open else [],
            "resolution_kinds": Inquiry.ResolutionKind.choices,
            "priorities": Inquiry.Priority.choices,
            "reproducible_choices": Inquiry.Reproducible.choices,
            "tracking_url": services.tracking_url(inquiry),
            "now": timezone.now(),
        },
    )


def _received_at(raw: str, team) -> dt.datetime | None:
    if not raw:
        return None
    try:
        naive = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"{raw!r} is not a date and time.", field="received_at") from None
    if timezone.is_aware(naive):
        return naive
    return naive.replace(tzinfo=zoneinfo.ZoneInfo(team.timezone))


@login_required
def inquiry_new(request: HttpRequest) -> HttpResponse:
    teams = list(teams_for_user(user=request.user).order_by("name"))
    form = request.POST if request.method == "POST" else {}
    error = None
    if request.method == "POST":
        try:
            team = team_get_for_user(user=request.user, slug=request.POST.get("team", ""))
            channel = request.POST.get("channel", Inquiry.Channel.API)
            if channel not in (Inquiry.Channel.API, Inquiry.Channel.REDIRECT, Inquiry.Channel.IMPORT):
                raise InvalidInput("Choose how the inquiry reached you.", field="channel")
            inquiry = services.inquiry_create(
                team=team,
                channel=channel,
                subject=request.POST.get("subject", ""),
                body=request.POST.get("body", ""),
                requester_name=request.POST.get("requester_name", ""),
                requester_email=request.POST.get("requester_email", ""),
                topic=request.POST.get("topic") or None,
                priority=request.POST.get("priority") or None,
                received_at=_received_at(request.POST.get("received_at", ""), team)
                if channel == Inquiry.Channel.IMPORT
                else None,
                actor=request.user,
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, f"{inquiry.reference} logged and assigned.")
            return redirect("inquiry-detail", reference=inquiry.reference)
    return render(
        request,
        "inquiries/new.html",
        {
            "teams": teams,
            "topics": team_topics(teams=teams),
            "form": form,
            "error": error,
            "priorities": Inquiry.Priority.choices,
        },
        status=error.status_code if error else 200,
    )
