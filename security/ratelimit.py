"""Fixed-window counters for throttles, one cache round trip per hit.

On Redis, INCR and EXPIRE go in one pipeline (one round trip); other caches (local memory, database:
tests and the embedded default) use add + incr. A cache outage must not stop intake (SPEC 5): callers
treat an error as "allowed"."""

import logging
import time
from dataclasses import dataclass

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """ "20/hour", "5/m", "1000/day"."""
        count, period = str(text).split("/")
        return cls(int(count), PERIODS[period.strip()[0]])


@dataclass(frozen=True)
class Hit:
    count: int
    limit: int
    retry_after: int

    @property
    def allowed(self) -> bool:
        return self.count <= self.limit


def _incr(key: str, ttl: int) -> int:
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        full_key = backend.make_and_validate_key(key)
        client = backend._cache.get_client(full_key, write=True)
        pipe = client.pipeline(transaction=False)
        pipe.incr(full_key)
        pipe.expire(full_key, ttl, nx=True)
        count, _ = pipe.execute()
        return int(count)
    if backend.add(key, 1, timeout=ttl):
        return 1
    try:
        return backend.incr(key)
    except ValueError:  # expired between add and incr
        backend.set(key, 1, timeout=ttl)
        return 1


def hit(scope: str, ident: str, rate: Rate) -> Hit:
    """Count one request of `ident` in the current window of `rate`; raises on a cache outage."""
    now = time.time()
    window = int(now // rate.period)
    count = _incr(f"rl:{scope}:{ident}:{window}", rate.period + 5)
    retry_after = max(1, int((window + 1) * rate.period - now))
    return Hit(count=count, limit=rate.limit, retry_after=retry_after)


def hit_or_allow(scope: str, ident: str, rate: Rate) -> Hit:
    """`hit`, but a cache outage allows the request (logged)."""
    try:
        return hit(scope, ident, rate)
    except Exception:  # noqa: BLE001 - a cache outage must not stop intake
        logger.warning("rate limit %s unavailable; allowing the request", scope)
        return Hit(count=0, limit=rate.limit, retry_after=0)
