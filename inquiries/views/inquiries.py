"""The inquiry list, one inquiry's page, and logging a new inquiry as a member."""

import datetime as dt
import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from shifts.models import Member, Topic
from shifts.selectors import members_of, team_get_for_user, teams_for_user
from supportops.errors import DomainError, InvalidInput

from .. import services
from ..filters import STATUS_CHOICES, InquiryFilter
from ..listing import inquiry_list_for_user, keyset_page, keyset_page_sorted, sort_parse
from ..models import CannedReply, EffortLog, Escalation, Inquiry, SavedView
from ..references import reference_filter
from ..selectors import (
    escalations_of,
    events_of,
    inquiry_get_for_user,
    similar_inquiries,
    team_topics,
    thread,
)
from ..services.bulk import BULK_LIMIT, inquiries_bulk, saved_view_create
from ._common import not_found_as_404

PAGE_SIZE = 50

# The sortable columns: (?sort= value ascending, descending, the one a first click gives).
SORT_COLUMNS = {
    "received": ("oldest", "newest", "newest"),
    "due": ("due", "-due", "due"),
    "priority": ("priority", "-priority", "priority"),
    "status": ("status", "-status", "status"),
    "updated": ("updated", "-updated", "-updated"),
    "requester": ("requester", "-requester", "requester"),
}


# The same orders in the filter form (on a phone the list is cards, without column headers).
SORT_CHOICES = [
    ("newest", "Newest first"),
    ("oldest", "Oldest first"),
    ("due", "Response due, soonest first"),
    ("-due", "Response due, latest first"),
    ("priority", "Priority, critical first"),
    ("-priority", "Priority, low first"),
    ("status", "Status, new first"),
    ("-status", "Status, resolved first"),
    ("-updated", "Changed most recently first"),
    ("updated", "Changed longest ago first"),
    ("requester", "Requester, A to Z"),
    ("-requester", "Requester, Z to A"),
]


def _sort_links(query, current: str) -> dict[str, dict]:
    """Per column header: the link a click follows (the other direction when sorted by it already) and
    the arrow showing the current order."""
    links = {}
    for column, (up, down, first) in SORT_COLUMNS.items():
        target = (down if current == up else up) if current in (up, down) else first
        params = query.copy()
        params["sort"] = target
        arrow = "▲" if current == up else "▼" if current == down else ""
        links[column] = {"query": params.urlencode(), "arrow": arrow, "active": bool(arrow)}
    return links


@login_required
def inquiry_list(request: HttpRequest) -> HttpResponse:
    """The list a desk works from: open inquiries by default, filters, sorting by a column (newest first by
    default), saved views and bulk actions. `status=all` shows every status."""
    teams = list(teams_for_user(user=request.user).order_by("name"))
    params = request.GET.copy()
    if "status" not in params:
        params["status"] = "open"
    if params.get("status") == "all":
        params.pop("status")
    filterset = InquiryFilter(
        params, queryset=inquiry_list_for_user(user=request.user, teams=teams), request=request
    )
    valid = filterset.is_valid()
    queryset = filterset.qs if valid else Inquiry.objects.none()
    search = filterset.split_search() if valid else None
    column_sort = sort_parse(request.GET.get("sort"))
    ascending = request.GET.get("sort") == "oldest"
    current_sort = request.GET.get("sort") if column_sort or ascending else "newest"

    def page_at(cursor: str | None):
        if column_sort:
            sort, descending = column_sort
            return keyset_page_sorted(
                queryset, sort=sort, descending=descending, cursor=cursor, size=PAGE_SIZE, search=search
            )
        return keyset_page(queryset, cursor=cursor, size=PAGE_SIZE, ascending=ascending, search=search)

    try:
        page = page_at(request.GET.get("cursor") or None)
    except InvalidInput:
        page = page_at(None)
    query = request.GET.copy()
    query.pop("cursor", None)
    query.pop("page", None)
    pager = (
        ("Oldest", "Older", "Newer")
        if ascending
        else ("First", "Previous", "Next")
        if column_sort
        else ("Newest", "Newer", "Older")
    )
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
            "topics": Topic.objects.filter(team__in=teams)
            .select_related("team")
            .order_by("team__name", "name"),
            "members": Member.objects.filter(team__in=teams, is_active=True)
            .select_related("user", "team")
            .order_by("team__name", "user__first_name"),
            "resolution_kinds": Inquiry.ResolutionKind.choices,
            "saved_views": SavedView.objects.filter(user=request.user),
            "params": params,
            "status_param": request.GET.get("status", "open"),
            "ascending": ascending,
            "query": query.urlencode(),
            "sorts": _sort_links(query, current_sort),
            "sort_choices": SORT_CHOICES,
            "current_sort": current_sort,
            "pager": pager,
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def inquiry_bulk(request: HttpRequest) -> HttpResponse:
    refs = request.POST.getlist("refs")
    rows = list(inquiry_list_for_user(user=request.user).filter(reference__in=refs[: BULK_LIMIT + 1]))
    action = request.POST.get("action", "")
    try:
        result = inquiries_bulk(
            inquiries=rows,
            actor=request.user,
            action=action,
            data={
                "member": request.POST.get("member") or None,
                "kind": request.POST.get("kind", ""),
                "note": request.POST.get("note", ""),
            },
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        verb = "Assigned" if action == "assign" else "Resolved"
        if result.done:
            messages.success(request, f"{verb}: {', '.join(result.done)}.")
        for reference, reason in result.refused.items():
            messages.error(request, f"{reference} not changed: {reason}")
    return redirect(_back_to_list(request))


@login_required
@require_POST
def saved_view_add(request: HttpRequest) -> HttpResponse:
    try:
        view = saved_view_create(
            user=request.user, name=request.POST.get("name", ""), query=request.POST.get("query", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_back_to_list(request))
    messages.success(request, f"View “{view.name}” saved.")
    return redirect(f"{reverse('inquiry-list')}?{view.query}")


@login_required
@require_POST
def saved_view_remove(request: HttpRequest, view_id: int) -> HttpResponse:
    deleted, _ = SavedView.objects.filter(user=request.user, pk=view_id).delete()
    if not deleted:
        raise Http404
    messages.success(request, "View removed.")
    return redirect("inquiry-list")


def _back_to_list(request: HttpRequest) -> str:
    query = request.POST.get("query", "")
    return f"{reverse('inquiry-list')}?{query}" if query else reverse("inquiry-list")


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
        Inquiry.objects.filter(reference_filter(reference), team_id=inquiry.team_id)
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
