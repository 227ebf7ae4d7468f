"""Request id and HTTP metrics, for every request (first in MIDDLEWARE, so they see every answer)."""

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .context import request_id_from, request_id_var
from .metrics import observe_request

UNMATCHED = "<unmatched>"


class RequestIdMiddleware:
    """Honour a sane incoming X-Request-ID, else make one; log lines of this request carry it, and the
    answer returns it (gunicorn's access log reads it from there)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.META.get("HTTP_X_REQUEST_ID"))  # X-Request-ID
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


class MetricsMiddleware:
    """Counts and times requests by the resolver's route pattern (`inquiries/<str:reference>/`), never
    the raw path: bounded label values, and no tokens in the metrics."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.route is not None:
            route = "/" + match.route.replace("^", "").replace("$", "")  # anchors of re_path routes
        elif request.path.startswith(settings.STATIC_URL):
            route = settings.STATIC_URL + "*"  # served by whitenoise before URL resolution
        else:
            route = UNMATCHED
        observe_request(
            route=route,
            method=request.method or "",
            status=response.status_code,
            seconds=time.perf_counter() - started,
        )
        return response
