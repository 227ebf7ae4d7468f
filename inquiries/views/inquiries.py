"""The inquiry list, one inquiry's page, and logging a new inquiry as a member."""

import datetime as dt
import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from shifts.selectors import members_of, team_get_for_user, teams_for_user
from supportops.errors import DomainError, InvalidInput

from .. import services
from ..filters import STATUS_CHOICES, InquiryFilter
from ..listing import inquiry_list_for_user, keyset_page
from ..models import CannedReply, EffortLog, Escalation, Inquiry
from ..selectors import (
    escalations_of,
    events_of,
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
    filterset = InquiryFilter(
        request.GET, queryset=inquiry_list_for_user(user=request.user, teams=teams), request=request
    )
    queryset = filterset.qs if filterset.is_valid() else Inquiry.objects.none()
    try:
        page = keyset_page(queryset, cursor=request.GET.get("cursor") or None, size=PAGE_SIZE)
    except InvalidInput:
        page = keyset_page(queryset, cursor=None, size=PAGE_SIZE)
    query = request.GET.copy()
    query.pop("cursor", None)
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
            "channels": Inquiry.Channel.choices,
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
    link_known = _link_known_candidate(request, inquiry)
    events = list(events_of(inquiry=inquiry))
    return render(
        request,
        "inquiries/detail.html",
        {
            "inquiry": inquiry,
            "link_known": link_known,
            "link_known_reply": services.known_issue_reply(inquiry=inquiry, known=link_known)
            if link_known
            else "",
            "thread": thread(inquiry=inquiry),
            "events": events,
            "seen_event": max((event.pk for event in events), default=0),
            "escalations": escalations_of(inquiry=inquiry),
            "postmortems": inquiry.postmortems.order_by("-created_at"),
            "my_pending_escalations": my_pending,
            "efforts": EffortLog.objects.filter(inquiry=inquiry).select_related("member__user"),
            "members": members,
            "topics": inquiry.team.topics.all(),
            "resolution_kinds": Inquiry.ResolutionKind.choices,
            "priorities": Inquiry.Priority.choices,
            "reproducible_choices": Inquiry.Reproducible.choices,
            "tracking_url": services.tracking_url(inquiry),
            "canned_replies": [
                {"title": c.title, "rendered": c.render_for(inquiry)}
                for c in CannedReply.objects.filter(team=inquiry.team)
            ],
            "now": timezone.now(),
        },
    )


def _link_known_candidate(request: HttpRequest, inquiry: Inquiry) -> Inquiry | None:
    """The inquiry the member picked as the known issue (?link_known=REF), to confirm on the page."""
    reference = (request.GET.get("link_known") or "").strip()
    if not reference or not inquiry.is_open:
        return None
    target = (
        Inquiry.objects.filter(team_id=inquiry.team_id, reference__iexact=reference)
        .exclude(pk=inquiry.pk)
        .first()
    )
    if target is None:
        messages.error(request, f"No other inquiry {reference} in {inquiry.team.name}.")
    return target


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
@not_found_as_404
def inquiry_similar(request: HttpRequest, reference: str) -> HttpResponse:
    """The "similar past inquiries" card, fetched after the inquiry page has loaded (it searches the
    team's history, which the page itself need not wait for)."""
    inquiry = inquiry_get_for_user(user=request.user, reference=reference, team_slug=request.GET.get("team"))
    similar = similar_inquiries(inquiry=inquiry) if inquiry.is_open else []
    return render(request, "inquiries/_similar.html", {"inquiry": inquiry, "similar": similar})


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
