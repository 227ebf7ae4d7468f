from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..selectors import dashboard_data, queue_context


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "inquiries/dashboard.html", dashboard_data(user=request.user))


@login_required
def dashboard_queue(request: HttpRequest) -> HttpResponse:
    """The "my queue" fragment, refreshed by static/js/dashboard.js."""
    return render(request, "inquiries/_queue.html", queue_context(user=request.user))
