"""The shared cache (Redis when REDIS_URL is set) that degrades instead of breaking.

When Redis can't be reached, every cache call falls back to this process's memory:
reads miss what Redis held, writes stay local, and the counters behind rate limits
count per process instead of across app servers. The first failure logs a warning
(once a minute while it lasts); for the next few seconds Redis isn't tried at all,
so an outage costs requests nothing but the lost sharing. Short socket timeouts keep
one slow attempt from stalling a page. /readyz reports the cache as down meanwhile.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

OUTAGE = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_AFTER = 5.0  # seconds without trying Redis after it failed
WARN_EVERY = 60.0
DEFAULT_OPTIONS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.5}
CALLS = ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "decr",
         "set_many", "delete_many", "clear")  # fmt: skip


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params) -> None:
        params = {**params, "OPTIONS": {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self.local = LocMemCache("haven-redis-fallback", {"TIMEOUT": params.get("TIMEOUT", 300)})
        self._skip_until = 0.0
        self._warned_at = float("-inf")

    def _down(self, error: Exception) -> None:
        now = time.monotonic()
        self._skip_until = now + RETRY_AFTER
        if now - self._warned_at >= WARN_EVERY:
            self._warned_at = now
            log.warning(
                "Redis unreachable (%s): the cache and rate limits use this process's "
                "memory until it is back",
                error,
            )

    def ping(self) -> None:
        """Raise unless Redis answers now (for /readyz; the fallback doesn't count)."""
        self._cache.get_client(write=True).ping()


def _resilient(name: str):
    redis_call = getattr(RedisCache, name)

    def call(self, *args, **kwargs):
        if time.monotonic() >= self._skip_until:
            try:
                return redis_call(self, *args, **kwargs)
            except OUTAGE as error:
                self._down(error)
        return getattr(self.local, name)(*args, **kwargs)

    call.__name__ = name
    return call


for _name in CALLS:
    setattr(ResilientRedisCache, _name, _resilient(_name))
