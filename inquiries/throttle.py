"""Limits on public intake: per client (settings.PUBLIC_INTAKE_RATE, e.g. "20/hour") and a global budget
per team on top (settings.PUBLIC_INTAKE_TEAM_RATE), so many clients cannot flood one team either.

Clients are told apart by security.client_ip (TRUSTED_PROXY_COUNT): a made-up X-Forwarded-For widens
nothing. A cache outage must not stop intake (SPEC 5): when the cache cannot be reached, submissions are
allowed."""

from django.conf import settings
from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle

from security.client_ip import client_ip
from security.ratelimit import Rate, hit_or_allow

TEAM_BUDGET_MESSAGE = (
    "This team has received too many questions in a short time. Please try again later, "
    "or write to the team by email."
)


def intake_allowed(request: HttpRequest) -> bool:
    """The web form's per-client limit: one counter hit per submission."""
    return hit_or_allow("intake", client_ip(request), Rate.parse(settings.PUBLIC_INTAKE_RATE)).allowed


def team_intake_allowed(team) -> bool:
    """The team-wide budget shared by every client (web form and API)."""
    return hit_or_allow("intake-team", str(team.pk), Rate.parse(settings.PUBLIC_INTAKE_TEAM_RATE)).allowed


class CounterThrottle(BaseThrottle):
    """A DRF throttle on a fixed-window counter (one cache round trip), keyed by security.client_ip.

    DRF's own SimpleRateThrottle trusts X-Forwarded-For whenever it is present (NUM_PROXIES unset) and
    reads then writes a list of timestamps (two round trips); this does neither."""

    scope = "default"

    def get_rate(self) -> str:
        raise NotImplementedError

    def get_ident(self, request) -> str:
        return client_ip(request)

    def allow_request(self, request, view) -> bool:
        result = hit_or_allow(self.scope, self.get_ident(request), Rate.parse(self.get_rate()))
        self._retry_after = result.retry_after
        return result.allowed

    def wait(self) -> float | None:
        return getattr(self, "_retry_after", None)


class PublicIntakeThrottle(CounterThrottle):
    """The public API's per-client limit, the same counter as the web form's."""

    scope = "intake"

    def get_rate(self) -> str:
        return settings.PUBLIC_INTAKE_RATE
