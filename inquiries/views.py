from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from shifts.selectors import next_shift, shift_at, teams_for_user


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    teams = [
        {"team": team, "now": shift_at(team=team, at=now), "next": next_shift(team=team, after=now)}
        for team in teams_for_user(user=request.user)
    ]
    return render(request, "inquiries/dashboard.html", {"teams": teams})
