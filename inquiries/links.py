"""Links to inquiries, for any app: the page's path and the requester's tracking URL."""

import re

from django.conf import settings
from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse

from .models import Inquiry

# References (ADS-42) and tracking tokens (URL-safe base64) are made of these: `quote` leaves them as they
# are and the routes' `<str:…>` takes them, so the reversed path is the route's with the value put in.
_PLAIN = re.compile(r"[A-Za-z0-9_-]+")
_MARK = "supportopslinkvalue"
_routes: dict[tuple, str] = {}


def _forget_routes(**kwargs) -> None:
    _routes.clear()


setting_changed.connect(_forget_routes)


def _reverse_one(name: str, value: str) -> str:
    """`reverse(name, args=[value])` for a route with one `<str:…>` part: Django's answer for a marker,
    made once per route, script prefix and URL conf, with the value put in (public intake builds two
    links per submission, and reverse() walked the resolver for each); any other value goes to reverse."""
    if not _PLAIN.fullmatch(value):
        return reverse(name, args=[value])
    key = (name, get_script_prefix(), get_urlconf())
    route = _routes.get(key)
    if route is None:
        route = _routes[key] = reverse(name, args=[_MARK])
    return route.replace(_MARK, value, 1)


def inquiry_path(inquiry: Inquiry) -> str:
    return _reverse_one("inquiry-detail", inquiry.reference)


def tracking_url_for_token(token: str) -> str:
    return settings.SITE_URL + _reverse_one("track", token)


def tracking_url(inquiry: Inquiry) -> str:
    return tracking_url_for_token(inquiry.tracking_token)
