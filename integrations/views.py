"""The inbound endpoint /hooks/<token>/ and the managers' integration pages."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt

from shifts.models import Team
from shifts.selectors import team_get_for_user, user_manages
from supportops.errors import DomainError

from . import services
from .models import Integration
from .selectors import hook_url, integration_get, integrations_of, recent_deliveries

logger = logging.getLogger(__name__)


@csrf_exempt
def hook(request: HttpRequest, token: str) -> HttpResponse:
    """No session, no CSRF: the token in the URL (and the secret, if set) is the credential."""
    if request.method != "POST":
        return JsonResponse(
            {"detail": "POST the webhook's JSON here."}, status=405, headers={"Allow": "POST"}
        )
    try:
        # The body is read by us, not the form parser; DATA_UPLOAD_MAX_MEMORY_SIZE still caps it.
        body = request.body
        answer = services.delivery_receive(token=token, headers=dict(request.headers), body=body)
    except Exception:  # noqa: BLE001 - the sender must get an answer it can act on, never a 500 page.
        logger.exception("hook delivery could not be read")
        return JsonResponse({"detail": "The delivery could not be read; it was not stored."}, status=400)
    return JsonResponse(answer.body, status=answer.status)


# ---------------------------------------------------------------- pages (managers)


def _managed_team(request: HttpRequest, slug: str) -> Team:
    try:
        team = team_get_for_user(user=request.user, slug=slug)
    except DomainError as exc:
        raise Http404(exc.message) from None
    if not user_manages(user=request.user, team=team):
        raise PermissionDenied(f"Only managers of {team.name} can see and change its integrations.")
    return team


def _integration(request: HttpRequest, slug: str, integration_id: int) -> tuple[Team, Integration]:
    try:
        team = team_get_for_user(user=request.user, slug=slug)
        integration = integration_get(team=team, integration_id=integration_id)
    except DomainError as exc:
        raise Http404(exc.message) from None
    return _managed_team(request, slug), integration


def _form_data(request: HttpRequest, *, creating: bool) -> dict:
    post = request.POST
    data: dict = {
        "name": post.get("name", ""),
        "api_url": post.get("api_url", ""),
        "labels": post.get("labels", ""),
        "auto_resolve": post.get("auto_resolve") == "on",
        "active": post.get("active") == "on" or creating,
    }
    if creating:
        data["kind"] = post.get("kind", "")
    # Empty secret fields keep what is stored; a "clear" box removes it.
    for field in ("secret", "access_token"):
        if post.get(field):
            data[field] = post[field]
        elif post.get(f"{field}_clear") == "on":
            data[field] = ""
    return data


@login_required
def integration_list(request: HttpRequest, slug: str) -> HttpResponse:
    team = _managed_team(request, slug)
    if request.method == "POST":
        try:
            integration = services.integration_create(
                team=team, data=_form_data(request, creating=True), actor=request.user
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("integration-list", slug=slug)
        messages.success(request, f"{integration.name} is connected: give its URL to the sender.")
        return redirect("integration-edit", slug=slug, integration_id=integration.pk)
    context = {
        "team": team,
        "integrations": [(i, hook_url(i)) for i in integrations_of(team=team)],
        "kinds": Integration.Kind.choices,
    }
    return render(request, "integrations/list.html", context)


@login_required
def integration_edit(request: HttpRequest, slug: str, integration_id: int) -> HttpResponse:
    team, integration = _integration(request, slug, integration_id)
    if request.method == "POST":
        try:
            services.integration_update(
                integration=integration, data=_form_data(request, creating=False), actor=request.user
            )
            messages.success(request, f"{integration.name} saved.")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("integration-edit", slug=slug, integration_id=integration.pk)
    context = {
        "team": team,
        "integration": integration,
        "url": hook_url(integration),
        "deliveries": recent_deliveries(integration=integration),
    }
    return render(request, "integrations/edit.html", context)


@login_required
def integration_confirm(request: HttpRequest, slug: str, integration_id: int, action: str) -> HttpResponse:
    """Rotate and delete ask first (GET shows what will happen), then act on POST."""
    team, integration = _integration(request, slug, integration_id)
    if action not in ("rotate", "delete"):
        raise Http404("No such action.")
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, "Nothing changed: confirm first.")
            return redirect("integration-edit", slug=slug, integration_id=integration.pk)
        if action == "rotate":
            services.integration_rotate(integration=integration, actor=request.user)
            messages.success(request, "New URL made; the old one stops working now. Update the sender.")
            return redirect("integration-edit", slug=slug, integration_id=integration.pk)
        services.integration_delete(integration=integration, actor=request.user)
        messages.success(request, f"{integration.name} deleted; its URL stops working now.")
        return redirect("integration-list", slug=slug)
    return render(
        request, "integrations/confirm.html", {"team": team, "integration": integration, "action": action}
    )
