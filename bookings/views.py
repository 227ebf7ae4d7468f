"""Pages: the public booking page and the learner's private manage page (no account), the hosts' list
of sessions where they record the outcome, and the entitlement report."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from inquiries.throttle import intake_allowed
from reports.views import _page
from shifts.selectors import teams_for_user
from supportops.errors import DomainError, NotFoundError

from . import services
from .models import Booking
from .selectors import session_get_by_token, session_get_for_user, sessions_for_user
from .slots import HORIZON, free_slots, week_start
from .timeparse import parse_instant


def _week_days(*, team, monday: dt.date, now: dt.datetime) -> list[dict]:
    tz = zoneinfo.ZoneInfo(team.timezone)
    begin = dt.datetime.combine(monday, dt.time(), tzinfo=tz)
    end = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(), tzinfo=tz)
    days = {monday + dt.timedelta(days=i): [] for i in range(7)}
    for slot in free_slots(team=team, start=begin, end=end, now=now):
        local = slot.starts_at.astimezone(tz)
        days[local.date()].append(
            {
                "value": local.isoformat(),
                "label": f"{local:%H:%M}",
                "end": f"{slot.ends_at.astimezone(tz):%H:%M}",
            }
        )
    return [{"date": day, "slots": slots} for day, slots in days.items()]


def book(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        team = services.team_offering_sessions(slug=slug)
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    tz = zoneinfo.ZoneInfo(team.timezone)
    now = timezone.now()
    this_monday = week_start(day=now.astimezone(tz).date())
    last_monday = week_start(day=(now + HORIZON).astimezone(tz).date())
    try:
        monday = week_start(day=dt.date.fromisoformat(request.GET.get("week", "")))
    except ValueError:
        monday = None
    form = {"name": "", "email": "", "agenda": "", "starts_at": ""}
    error, status = "", 200
    if request.method == "POST":
        form = {key: request.POST.get(key, "") for key in form}
        if not intake_allowed(request):
            return render(request, "public/throttled.html", {"team": team}, status=429)
        if request.POST.get("website"):
            error, status = "This submission looks automated and was not accepted.", 400
        else:
            try:
                booking = services.booking_create(
                    team=team,
                    name=form["name"],
                    email=form["email"],
                    starts_at=parse_instant(
                        form["starts_at"], field="starts_at", tz=team.timezone, required=True
                    ),
                    agenda=form["agenda"],
                )
            except DomainError as exc:
                error, status = exc.message, exc.status_code
            else:
                return redirect(reverse("booking-manage", args=[booking.manage_token]) + "?welcome=1")
        if monday is None and form["starts_at"]:
            try:
                chosen = parse_instant(form["starts_at"], field="starts_at", tz=team.timezone)
                monday = week_start(day=chosen.astimezone(tz).date()) if chosen else None
            except DomainError:
                monday = None
    if monday is None:
        monday = this_monday
    monday = min(max(monday, this_monday), last_monday)
    days = _week_days(team=team, monday=monday, now=now)
    context = {
        "team": team,
        "days": days,
        "has_slots": any(day["slots"] for day in days),
        "monday": monday,
        "prev_week": monday - dt.timedelta(days=7) if monday > this_monday else None,
        "next_week": monday + dt.timedelta(days=7) if monday < last_monday else None,
        "form": form,
        "error": error,
    }
    return render(request, "bookings/book.html", context, status=status)


def manage(request: HttpRequest, token: str) -> HttpResponse:
    try:
        booking = session_get_by_token(token=token)
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    error, status = "", 200
    if request.method == "POST" and request.POST.get("action") == "cancel":
        try:
            services.booking_cancel(booking=booking)
        except DomainError as exc:
            error, status = exc.message, exc.status_code
        else:
            return redirect(reverse("booking-manage", args=[token]) + "?cancelled=1")
        booking.refresh_from_db()
    can_cancel = booking.status == Booking.Status.BOOKED and booking.starts_at > timezone.now()
    context = {
        "booking": booking,
        "team": booking.team,
        "can_cancel": can_cancel,
        "welcome": request.GET.get("welcome") == "1",
        "error": error,
    }
    response = render(request, "bookings/manage.html", context, status=status)
    # The token in the URL is a credential: keep it out of other sites' Referer headers.
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
def host_sessions(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    mine_only = request.GET.get("all") != "1"
    sessions = sessions_for_user(user=request.user).filter(starts_at__gte=now - dt.timedelta(days=14))
    if mine_only:
        sessions = sessions.filter(host__user=request.user)
    sessions = sessions.order_by("starts_at")[:200]
    teams = list(teams_for_user(user=request.user).filter(session_minutes_per_week__gt=0))
    return render(
        request,
        "bookings/host_sessions.html",
        {"sessions": sessions, "now": now, "mine_only": mine_only, "teams": teams},
    )


@login_required
@require_POST
def host_session_record(request: HttpRequest, session_id: int) -> HttpResponse:
    try:
        booking = session_get_for_user(user=request.user, session_id=session_id)
        minutes = request.POST.get("minutes", "").strip()
        services.booking_record(
            booking=booking,
            actor=request.user,
            status=request.POST.get("status") or None,
            minutes=int(minutes) if minutes.isdigit() else None,
            note=request.POST.get("note"),
        )
        messages.success(request, "Session recorded.")
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    except DomainError as exc:  # Forbidden too: the host's page says why
        messages.error(request, exc.message)
    return redirect("host-sessions")


def _report(request: HttpRequest, context: dict) -> dict:
    from .reports import sessions_report

    return {"report": sessions_report(team=context["team"], period=context["period"])}


sessions_report_page = _page("sessions", _report)
