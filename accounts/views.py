"""The profile page: who I am, which zone I read times in, which notices reach me by email, my API token."""

import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework.authtoken.models import Token

from .models import Profile
from .selectors import viewer_timezone
from .services import EMAIL_NOTICE_KINDS, ProfileInvalid, api_token_create, api_token_revoke, profile_update

ZONES = sorted(zoneinfo.available_timezones() - {"Factory", "localtime"})


def _context(request, *, values=None, errors=None, new_token=None):
    profile = Profile.objects.filter(user=request.user).first()
    token = Token.objects.filter(user=request.user).first()
    values = values or {
        "first_name": request.user.first_name,
        "last_name": request.user.last_name,
        "email": request.user.email,
        "timezone": profile.timezone if profile else "",
        "email_muted_kinds": profile.email_muted_kinds if profile else [],
    }
    return {
        "values": values,
        "errors": errors or {},
        "zones": ZONES,
        "effective_zone": viewer_timezone(user=request.user),
        "notice_kinds": EMAIL_NOTICE_KINDS.items(),
        "token": token,
        "new_token": new_token,
    }


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    if request.method == "POST":
        values = {
            "first_name": request.POST.get("first_name", ""),
            "last_name": request.POST.get("last_name", ""),
            "email": request.POST.get("email", ""),
            "timezone": request.POST.get("timezone", ""),
            "email_muted_kinds": [k for k in EMAIL_NOTICE_KINDS if request.POST.get(f"email_{k}") != "on"],
        }
        try:
            profile_update(user=request.user, data=values)
        except ProfileInvalid as exc:
            # Keep everything typed and mark every bad field.
            return render(
                request,
                "accounts/profile.html",
                _context(request, values=values, errors=exc.errors),
                status=400,
            )
        messages.success(request, "Profile saved.")
        return redirect("profile")
    return render(request, "accounts/profile.html", _context(request))


@login_required
@require_POST
def token_create(request):
    token = api_token_create(user=request.user)
    # Shown once, on this response only.
    return render(request, "accounts/profile.html", _context(request, new_token=token.key))


@login_required
@require_POST
def token_revoke(request):
    if api_token_revoke(user=request.user):
        messages.success(request, "Your API token was revoked. Scripts using it now get 401.")
    else:
        messages.info(request, "You had no API token.")
    return redirect("profile")
