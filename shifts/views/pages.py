"""Rotation and calendar pages: plain forms posting to views that call the services."""

import datetime as dt
import zoneinfo
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from supportops.errors import DomainError, NotFoundError

from .. import services
from ..models import Absence, CalendarFeed, Member, Rotation, Shift, Swap
from ..selectors import (
    members_of,
    membership_of,
    oncall,
    rotations_of,
    shift_get_for_user,
    swap_get_for_user,
    team_get_for_user,
    teams_for_user,
    user_manages,
)
from ..services import overrides


def _team(request: HttpRequest):
    teams = list(teams_for_user(user=request.user))
    slug = request.GET.get("team") or request.POST.get("team") or (teams[0].slug if teams else None)
    try:
        return teams, (team_get_for_user(user=request.user, slug=slug) if slug else None)
    except NotFoundError as exc:
        raise Http404(exc.message) from None


def _busy_by_member(team, start, end) -> dict[int, list[tuple[dt.datetime, dt.datetime, str | None]]]:
    """Each member's absences (role None) and shifts (their role) overlapping [start, end)."""
    out: dict[int, list[tuple[dt.datetime, dt.datetime, str | None]]] = {}
    for member_id, a_start, a_end in Absence.objects.filter(
        member__team=team, starts_at__lt=end, ends_at__gt=start
    ).values_list("member_id", "starts_at", "ends_at"):
        out.setdefault(member_id, []).append((a_start, a_end, None))
    for member_id, s_start, s_end, role in Shift.objects.filter(
        team=team, starts_at__lt=end, ends_at__gt=start
    ).values_list("member_id", "starts_at", "ends_at", "role"):
        out.setdefault(member_id, []).append((s_start, s_end, role))
    return out


def _free(member_id: int, start: dt.datetime, end: dt.datetime, role: str, busy: dict) -> bool:
    """Not absent then and not serving the other role then (SPEC 3.2: never both roles at once)."""
    return not any(
        b_start < end and start < b_end and b_role != role
        for b_start, b_end, b_role in busy.get(member_id, [])
    )


def _colleague_options(
    team, shifts: list[Shift], *, trades: bool, members: list[Member] | None = None
) -> None:
    """Per shift still to come: the colleagues who could take it (not its member, not absent and not on the
    other role then) and, with `trades`, the colleagues' later shifts of the same role that its member
    could take in return. A shift in progress can still be overridden (`cover_options`), but only a
    shift that has not started can be swapped or offered for cover (`started`)."""
    now = timezone.now()
    future = [s for s in shifts if s.ends_at > now]
    if not future:
        return
    members = members if members is not None else list(members_of(team=team))
    busy = _busy_by_member(team, min(s.starts_at for s in future), max(s.ends_at for s in future))
    for shift in future:
        shift.started = shift.starts_at <= now
        shift.cover_options = [
            m
            for m in members
            if m.pk != shift.member_id and _free(m.pk, shift.starts_at, shift.ends_at, shift.role, busy)
        ]
        shift.trade_options = []
        if trades and not shift.started:
            shift.trade_options = [
                other
                for other in future
                if other.role == shift.role
                and other.starts_at > now
                and other.member_id != shift.member_id
                and other.pk != shift.pk
                and _free(other.member_id, shift.starts_at, shift.ends_at, shift.role, busy)
                and _free(shift.member_id, other.starts_at, other.ends_at, other.role, busy)
            ][:40]


@login_required
def rotations_page(request: HttpRequest) -> HttpResponse:
    teams, team = _team(request)
    if team is None:
        return render(request, "shifts/rotations.html", {"teams": teams})
    now = timezone.now()
    tz = zoneinfo.ZoneInfo(team.timezone)
    members = list(members_of(team=team))
    shifts = list(
        Shift.objects.filter(team=team, ends_at__gt=now)
        .select_related("member__user")
        .order_by("starts_at")[:60]
    )
    _colleague_options(team, shifts, trades=True, members=members)
    context = {
        "teams": teams,
        "team": team,
        "tz": tz,
        "me": membership_of(user=request.user, team=team),
        "manages": user_manages(user=request.user, team=team),
        "rotations": rotations_of(team=team),
        "members": members,
        "oncall": oncall(team=team, at=now),
        "shifts": shifts,
        "absences": Absence.objects.filter(member__team=team, ends_at__gt=now).select_related("member__user"),
        "swaps": Swap.objects.filter(team=team, status=Swap.Status.PENDING).select_related(
            "requester__user", "counterpart__user", "shift", "counterpart_shift"
        ),
        "roles": Rotation.Role.choices,
        "reasons": Absence.Reason.choices,
        "default_until": (timezone.localdate() + dt.timedelta(days=28)).isoformat(),
    }
    return render(request, "shifts/rotations.html", context)


def _act(request: HttpRequest, action) -> HttpResponse:
    try:
        text = action()
        messages.success(request, text)
    except DomainError as exc:  # Forbidden included: the page says why
        messages.error(request, exc.message)
    except ValueError as exc:
        messages.error(request, f"Invalid input: {exc}")
    except KeyError as exc:
        messages.error(request, f"Fill in {str(exc).strip(chr(39))}.")
    except ObjectDoesNotExist:
        messages.error(request, "That member, shift, swap or absence is not in this team (any more).")
    back = request.POST.get("next", "")
    # Only ever redirect within this site: `next` comes from the form and could be forged.
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/rotations/"
    return redirect(f"{back}?{urlencode({'team': request.POST.get('team', '')})}")


def _member(team, raw) -> Member:
    return Member.objects.select_related("user", "team").get(team=team, pk=int(raw))


@login_required
@require_POST
def rotation_save(request: HttpRequest) -> HttpResponse:
    _, team = _team(request)

    def act():
        data = {
            "role": request.POST["role"],
            "shift_length_minutes": int(request.POST["shift_length_minutes"]),
            "handoff_time": dt.time.fromisoformat(request.POST["handoff_time"]),
            "starts_on": dt.date.fromisoformat(request.POST["starts_on"]),
            "members": [int(m) for m in request.POST.getlist("members")],
        }
        if request.POST.get("rotation"):
            rotation = rotations_of(team=team).get(pk=int(request.POST["rotation"]))
            services.rotation_update(rotation=rotation, actor=request.user, data=data)
            return "Rotation saved."
        services.rotation_create(team=team, actor=request.user, **data)
        return "Rotation created."

    return _act(request, act)


@login_required
@require_POST
def rotation_schedule(request: HttpRequest) -> HttpResponse:
    _, team = _team(request)

    def act():
        rotation = rotations_of(team=team).get(pk=int(request.POST["rotation"]))
        until = dt.date.fromisoformat(request.POST["until"])
        made = services.rotation_schedule(rotation=rotation, until=until, actor=request.user)
        return f"Scheduled until {until}: {len(made)} shift(s) made or moved."

    return _act(request, act)


@login_required
@require_POST
def absence_add(request: HttpRequest) -> HttpResponse:
    _, team = _team(request)

    def act():
        tz = zoneinfo.ZoneInfo(team.timezone)
        member = _member(team, request.POST["member"])
        start = dt.datetime.fromisoformat(request.POST["starts_at"]).replace(tzinfo=tz)
        end = dt.datetime.fromisoformat(request.POST["ends_at"]).replace(tzinfo=tz)
        services.absence_create(
            member=member, starts_at=start, ends_at=end, actor=request.user, reason=request.POST["reason"]
        )
        return f"Absence recorded for {member.display_name}."

    return _act(request, act)


@login_required
@require_POST
def absence_remove(request: HttpRequest) -> HttpResponse:
    _, team = _team(request)

    def act():
        absence = Absence.objects.select_related("member__team").get(
            member__team=team, pk=int(request.POST["absence"])
        )
        services.absence_delete(absence=absence, actor=request.user)
        return "Absence removed."

    return _act(request, act)


@login_required
@require_POST
def shift_override(request: HttpRequest) -> HttpResponse:
    """Two steps: the form shows who will be told; the confirmed form overrides."""
    _, team = _team(request)
    if request.POST.get("confirmed") != "yes":
        try:
            shift = shift_get_for_user(user=request.user, shift_id=int(request.POST["shift"]))
            member = _member(team, request.POST["member"])
        except (KeyError, ValueError, ObjectDoesNotExist, DomainError):
            messages.error(request, "That member or shift is not in this team (any more).")
            return redirect(f"/rotations/?{urlencode({'team': team.slug if team else ''})}")
        if shift.member.user_id != request.user.pk and not user_manages(user=request.user, team=shift.team):
            messages.error(request, "Only the shift's member or a manager can override it.")
            return redirect(f"/rotations/?{urlencode({'team': team.slug})}")
        context = {
            "team": team,
            "shift": shift,
            "member": member,
            "tz": zoneinfo.ZoneInfo(team.timezone),
            "notified": overrides.notified_for_override(shift=shift, member=member),
            "next": request.POST.get("next", "/rotations/"),
        }
        return render(request, "shifts/override_confirm.html", context)

    def act():
        shift = shift_get_for_user(user=request.user, shift_id=int(request.POST["shift"]))
        member = _member(team, request.POST["member"])
        services.shift_override(shift=shift, member=member, actor=request.user)
        return f"The shift now belongs to {member.display_name}."

    return _act(request, act)


@login_required
@require_POST
def swap_request(request: HttpRequest) -> HttpResponse:
    _, team = _team(request)

    def act():
        shift = shift_get_for_user(user=request.user, shift_id=int(request.POST["shift"]))
        # A swap trades two shifts; asking someone to cover hands one shift over. Either way the
        # colleague accepts first.
        if request.POST.get("counterpart_shift"):
            theirs = shift_get_for_user(user=request.user, shift_id=int(request.POST["counterpart_shift"]))
            counterpart = _member(team, theirs.member_id)
        else:
            theirs, counterpart = None, _member(team, request.POST["counterpart"])
        swap = services.swap_request(
            shift=shift, counterpart=counterpart, counterpart_shift=theirs, actor=request.user
        )
        if swap.status == Swap.Status.ACCEPTED:
            return "Swap arranged."
        what = "swap" if theirs else "cover"
        return f"Asked {counterpart.display_name} to {what}; the shift changes hands when they accept."

    return _act(request, act)


@login_required
@require_POST
def swap_decide(request: HttpRequest) -> HttpResponse:
    def act():
        swap = swap_get_for_user(user=request.user, swap_id=int(request.POST["swap"]))
        if request.POST.get("decision") == "accept":
            services.swap_accept(swap=swap, actor=request.user)
            return "Swap accepted."
        services.swap_decline(swap=swap, actor=request.user, reason=request.POST.get("reason", ""))
        return "Swap declined."

    return _act(request, act)


@login_required
@require_POST
def swap_cancel(request: HttpRequest) -> HttpResponse:
    def act():
        swap = swap_get_for_user(user=request.user, swap_id=int(request.POST["swap"]))
        services.swap_cancel(swap=swap, actor=request.user)
        return "Swap cancelled."

    return _act(request, act)


@login_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    teams, team = _team(request)
    if team is None:
        return render(request, "shifts/calendar.html", {"teams": teams})
    # Days and times in the viewer's zone (their profile, else their team's: ViewerTimezoneMiddleware);
    # each shift also shows the team's clock when it differs (supportops.templatetags.zones).
    tz = timezone.get_current_timezone()
    view = "month" if request.GET.get("view") == "month" else "week"
    try:
        anchor = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        anchor = timezone.localdate(timezone=tz)
    if view == "week":
        first = anchor - dt.timedelta(days=anchor.weekday())
        days = [first + dt.timedelta(days=i) for i in range(7)]
        prev, nxt = first - dt.timedelta(days=7), first + dt.timedelta(days=7)
    else:
        first = anchor.replace(day=1)
        start = first - dt.timedelta(days=first.weekday())
        days = [start + dt.timedelta(days=i) for i in range(42)]
        prev = (first - dt.timedelta(days=1)).replace(day=1)
        nxt = (first + dt.timedelta(days=32)).replace(day=1)
    begin = dt.datetime.combine(days[0], dt.time(), tzinfo=tz)
    end = dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    shifts = Shift.objects.filter(team=team, starts_at__lt=end, ends_at__gt=begin).select_related(
        "member__user"
    )
    absences = Absence.objects.filter(member__team=team, starts_at__lt=end, ends_at__gt=begin).select_related(
        "member__user"
    )
    by_day: dict[dt.date, dict] = {d: {"date": d, "shifts": [], "absences": []} for d in days}
    for shift in shifts:
        day = timezone.localtime(shift.starts_at, tz).date()
        if day in by_day:
            by_day[day]["shifts"].append(shift)
    for absence in absences:
        day = max(days[0], timezone.localtime(absence.starts_at, tz).date())
        last = min(days[-1], timezone.localtime(absence.ends_at - dt.timedelta(microseconds=1), tz).date())
        while day <= last:
            by_day[day]["absences"].append(absence)
            day += dt.timedelta(days=1)
    me = membership_of(user=request.user, team=team)
    now = timezone.now()
    _colleague_options(team, [s for day in by_day.values() for s in day["shifts"]], trades=False)
    feeds = CalendarFeed.objects.filter(owner=request.user, team=team, revoked_at__isnull=True)
    context = {
        "teams": teams,
        "team": team,
        "tz": tz,
        "view": view,
        "weeks": [list(by_day.values())[i : i + 7] for i in range(0, len(days), 7)],
        "month": first if view == "month" else None,
        "prev": prev,
        "next": nxt,
        "me": me,
        "manages": user_manages(user=request.user, team=team),
        "now": now,
        "feeds": feeds,
    }
    return render(request, "shifts/calendar.html", context)


@login_required
@require_POST
def feed_add(request: HttpRequest) -> HttpResponse:
    _, team = _team(request)

    def act():
        member = membership_of(user=request.user, team=team) if request.POST.get("kind") == "mine" else None
        services.feed_create(owner=request.user, team=team, member=member)
        return "Calendar feed created: copy its link into your calendar application."

    return _act(request, act)


@login_required
@require_POST
def feed_remove(request: HttpRequest) -> HttpResponse:
    def act():
        feed = CalendarFeed.objects.get(owner=request.user, pk=int(request.POST["feed"]))
        services.feed_revoke(feed=feed, actor=request.user)
        return "Feed revoked: its link no longer works."

    return _act(request, act)
