"""Fixed-window counters for throttles, one cache round trip per hit.

On Redis, INCR and EXPIRE go in one pipeline (one round trip); other caches (local memory, database:
tests and the embedded default) use add + incr. `hit_pair` counts two limits (a client's, then a shared
budget) in one round trip as well: a script that counts the second only when the first allows (EVALSHA
through supportops.redis_command, the script loaded when the server does not know it). A cache
outage must not stop intake (SPEC 5): callers treat an error as "allowed"."""

import hashlib
import logging
import time
from dataclasses import dataclass

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import NoScriptError

from supportops.redis_command import command

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


# KEYS: the first and second counters; ARGV: their TTLs and the first one's limit.
_PAIR_SCRIPT = """
local first = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1], 'NX')
if first > tonumber(ARGV[3]) then return {first, 0} end
local second = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[2], 'NX')
return {first, second}
"""
_PAIR_SHA = hashlib.sha1(_PAIR_SCRIPT.encode()).hexdigest()  # what Redis names the script by


def _key(scope: str, ident: str, rate: Rate, now: float) -> tuple[str, int, int]:
    window = int(now // rate.period)
    retry_after = max(1, int((window + 1) * rate.period - now))
    return f"rl:{scope}:{ident}:{window}", rate.period + 5, retry_after


def hit(scope: str, ident: str, rate: Rate) -> Hit:
    """Count one request of `ident` in the current window of `rate`; raises on a cache outage."""
    key, ttl, retry_after = _key(scope, ident, rate, time.time())
    return Hit(count=_incr(key, ttl), limit=rate.limit, retry_after=retry_after)


def hit_pair(first: tuple[str, str, Rate], second: tuple[str, str, Rate]) -> tuple[Hit, Hit | None]:
    """Count `first` (scope, ident, rate), and `second` only if `first` allows: a client over its own
    limit does not use up the budget it shares with everyone. One round trip on Redis; raises on a cache
    outage. The second Hit is None when it was not counted."""
    now = time.time()
    key1, ttl1, retry1 = _key(*first, now)
    key2, ttl2, retry2 = _key(*second, now)
    rate1, rate2 = first[2], second[2]
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        # The keys are made of a scope, an address or a slug and a number: nothing for Django's
        # memcached-compatibility warnings to check (make_and_validate_key).
        full1, full2 = backend.make_key(key1), backend.make_key(key2)
        # Django makes a redis-py client object per call (on a shared connection pool); making one
        # cost more than the round trip: keep it with this thread's cache backend.
        cache_client = backend._cache
        client = getattr(cache_client, "_ratelimit_client", None)
        if client is None:
            client = cache_client._ratelimit_client = cache_client.get_client(full1, write=True)
        call = ("EVALSHA", _PAIR_SHA, 2, full1, full2, ttl1, ttl2, rate1.limit)
        try:
            count1, count2 = command(client, *call)
        except NoScriptError:  # a server that has not seen the script yet (or was flushed): load it once
            command(client, "SCRIPT", "LOAD", _PAIR_SCRIPT)
            count1, count2 = command(client, *call)
    else:
        count1 = _incr(key1, ttl1)
        count2 = _incr(key2, ttl2) if count1 <= rate1.limit else 0
    one = Hit(count=int(count1), limit=rate1.limit, retry_after=retry1)
    return one, (Hit(count=int(count2), limit=rate2.limit, retry_after=retry2) if one.allowed else None)


def hit_or_allow(scope: str, ident: str, rate: Rate) -> Hit:
    """`hit`, but a cache outage allows the request (logged)."""
    try:
        return hit(scope, ident, rate)
    except Exception:  # noqa: BLE001 - a cache outage must not stop intake
        logger.warning("rate limit %s unavailable; allowing the request", scope)
        return Hit(count=0, limit=rate.limit, retry_after=0)
