"""Per-IP limits on public intake (settings.PUBLIC_INTAKE_RATE, e.g. "20/hour").

A cache outage must not stop intake (SPEC 5): when the cache cannot be reached, submissions are allowed."""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from rest_framework.throttling import ScopedRateThrottle

logger = logging.getLogger(__name__)
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def intake_rate() -> tuple[int, int]:
    """(requests, seconds) of settings.PUBLIC_INTAKE_RATE."""
    count, period = settings.PUBLIC_INTAKE_RATE.split("/")
    return int(count), PERIODS[period.strip()[0]]


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def intake_allowed(request: HttpRequest) -> bool:
    """A fixed-window counter per IP for the web form: one atomic increment per submission."""
    limit, period = intake_rate()
    key = f"intake:web:{client_ip(request)}:{int(time.time() // period)}"
    try:
        cache.add(key, 0, timeout=period + 5)
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period + 5)
        count = 1
    except Exception:  # noqa: BLE001 - a cache outage must not stop intake
        logger.warning("intake throttle unavailable; allowing the submission")
        return True
    return count <= limit


class PublicIntakeThrottle(ScopedRateThrottle):
    """DRF's scoped throttle (scope `public_intake`), reading the rate from settings at request time."""

    def get_rate(self) -> str:
        return settings.PUBLIC_INTAKE_RATE

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception:  # noqa: BLE001 - a cache outage must not stop intake
            logger.warning("intake throttle unavailable; allowing the request")
            return True
