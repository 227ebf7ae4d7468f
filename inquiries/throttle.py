"""Limits on public intake: per client (settings.PUBLIC_INTAKE_RATE, e.g. "20/hour") and a global budget
per team on top (settings.PUBLIC_INTAKE_TEAM_RATE), so many clients cannot flood one team either.

Clients are told apart by security.client_ip (TRUSTED_PROXY_COUNT): a made-up X-Forwarded-For widens
nothing. Both counters are hit in one round trip (security.ratelimit.hit_pair), before the submission is
validated, the team's only once the client is within its own limit; the team's counter is keyed by its
slug (the web form's URL, the API's `team` field), so it needs no database read. A cache outage must not
stop intake (SPEC 5): when the cache cannot be reached, submissions are allowed."""

import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from rest_framework.exceptions import ParseError, Throttled
from rest_framework.throttling import BaseThrottle

from security.client_ip import client_ip
from security.ratelimit import Rate, hit, hit_or_allow, hit_pair

logger = logging.getLogger(__name__)
TEAM_BUDGET_MESSAGE = (
    "This team has received too many questions in a short time. Please try again later, "
    "or write to the team by email."
)


SLUG = re.compile(r"[-a-zA-Z0-9_]{1,40}")


def intake_allowed(request: HttpRequest) -> bool:
    """The per-client limit alone (forms with no team budget, e.g. bookings): one counter hit."""
    return hit_or_allow("intake", client_ip(request), Rate.parse(settings.PUBLIC_INTAKE_RATE)).allowed


@dataclass(frozen=True)
class IntakeVerdict:
    client_allowed: bool
    team_allowed: bool
    retry_after: int | None


def intake_check(request: HttpRequest, team_slug: object) -> IntakeVerdict:
    """Count one submission against the client's limit and, if within it, against the team's budget
    (one cache round trip). Anything that is not a slug (the API's raw `team` field) counts for the
    client only: validation refuses it next."""
    client = ("intake", client_ip(request), Rate.parse(settings.PUBLIC_INTAKE_RATE))
    team_rate = Rate.parse(settings.PUBLIC_INTAKE_TEAM_RATE)
    try:
        if not (isinstance(team_slug, str) and SLUG.fullmatch(team_slug)):
            own = hit("intake", client[1], client[2])
            return IntakeVerdict(own.allowed, True, own.retry_after)
        own, team = hit_pair(client, ("intake-team", team_slug, team_rate))
    except Exception:  # noqa: BLE001 - a cache outage must not stop intake
        logger.warning("intake limits unavailable; allowing the submission")
        return IntakeVerdict(True, True, None)
    if not own.allowed:
        return IntakeVerdict(False, True, own.retry_after)
    return IntakeVerdict(True, team is None or team.allowed, team.retry_after if team else None)


class PublicIntakeThrottle(BaseThrottle):
    """The public API's limits, the same counters as the web form's: the client's, then the team's
    budget (answered with TEAM_BUDGET_MESSAGE), in one round trip before the view runs."""

    def allow_request(self, request, view) -> bool:
        try:
            data = request.data
        except ParseError:  # counted for the client first; then the same 400 as without a throttle
            verdict = intake_check(request, None)
            self._retry_after = verdict.retry_after
            if verdict.client_allowed:
                raise
            return False
        verdict = intake_check(request, data.get("team") if isinstance(data, dict) else None)
        self._retry_after = verdict.retry_after
        if not verdict.team_allowed:
            raise Throttled(wait=verdict.retry_after, detail=TEAM_BUDGET_MESSAGE)
        return verdict.client_allowed

    def wait(self) -> float | None:
        return getattr(self, "_retry_after", None)
