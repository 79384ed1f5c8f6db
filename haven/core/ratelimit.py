"""Fixed-window rate limits on the shared cache (Redis in production).

`limit(...)` counts one attempt and raises `RateLimited` (429 with Retry-After)
once `max_hits` attempts fall in the current window. Counters live in the
Django cache, so every app server sees the same numbers when REDIS_URL is set.
"""

from __future__ import annotations

import hashlib
import time
from contextlib import suppress

from django.core.cache import cache

from haven.core.errors import HavenError


class RateLimited(HavenError):
    status = 429
    code = "rate_limited"


def _cache_key(scope: str, key: str, window: int, now: int) -> str:
    # The key may hold raw input (a username): hashed, and hashable whatever it holds.
    digest = hashlib.sha256(f"{scope}:{key}".encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"rl:{scope}:{digest}:{now - now % window}"


def limit(scope: str, key: str, *, max_hits: int, window: int, message: str) -> None:
    now = int(time.time())
    window_start = now - now % window
    cache_key = _cache_key(scope, key, window, now)
    cache.add(cache_key, 0, timeout=window + 1)
    try:
        hits = cache.incr(cache_key)
    except ValueError:  # evicted between add and incr
        cache.set(cache_key, 1, timeout=window + 1)
        hits = 1
    if hits > max_hits:
        retry_after = window_start + window - now
        raise RateLimited(message, headers={"Retry-After": str(max(retry_after, 1))})


def refund(scope: str, key: str, *, window: int) -> None:
    """Give back one attempt counted by `limit` in the current window (an action that
    failed for another reason should not use up the member's allowance)."""
    with suppress(ValueError):  # expired or evicted meanwhile: nothing to give back
        cache.decr(_cache_key(scope, key, window, int(time.time())))


def client_ip(request) -> str:
    """The client's address as the app server sees it (set a proxy to overwrite it)."""
    return request.META.get("REMOTE_ADDR", "")
