from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from supportops.errors import InvalidInput

from .inbox import inbox_page
from .models import Notification
from .services import notifications_mark_read


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.filter(recipient=request.user).select_related("inquiry", "team")
    try:
        page = inbox_page(notifications, cursor=request.GET.get("cursor") or None)
    except InvalidInput:  # a mangled link: the newest page, as the inquiry list does
        page = inbox_page(notifications, cursor=None)
    return render(request, "inbox.html", {"page": page})


@login_required
@require_POST
def inbox_mark_read(request: HttpRequest) -> HttpResponse:
    notifications_mark_read(user=request.user)
    return redirect("inbox")
