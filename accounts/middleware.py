"""Every page shows times in the viewer's zone (their profile, else their team's)."""

import zoneinfo

from django.utils import timezone

from .selectors import viewer_timezone


class ViewerTimezoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            try:
                zone = zoneinfo.ZoneInfo(viewer_timezone(user=user))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                zone = None
            if zone is not None:
                timezone.activate(zone)
                request.viewer_timezone = zone.key
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class FriendlyNotFoundMiddleware:
    """The friendly 404 page also when DEBUG is on (the demo runs with DEBUG), outside the API.

    With DEBUG, Django answers an unknown URL with its technical 404 page, which lists every URL pattern:
    confusing for a learner following an old link. Only that page is replaced; 404s the app renders
    itself, and everything under /api/ (JSON), pass untouched.
    """

    TECHNICAL_MARKER = b"DEBUG = True"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 404
            and not request.path.startswith("/api/")
            and response.get("Content-Type", "").startswith("text/html")
            and not getattr(response, "streaming", False)
            and self.TECHNICAL_MARKER in response.content
        ):
            from django.shortcuts import render

            return render(request, "404.html", status=404)
        return response
