"""Private iCal feeds: the token is the credential, so no login; revoked or unknown tokens are 404."""

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from ..ical import render_feed
from ..selectors import feed_get_by_token, feed_shifts


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = feed_get_by_token(token=token)
    if feed is None:
        raise Http404("No such calendar feed.")
    shifts = list(feed_shifts(feed=feed, since=timezone.now() - dt.timedelta(days=90)))
    response = HttpResponse(
        render_feed(feed=feed, shifts=shifts), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, max-age=300"
    return response
