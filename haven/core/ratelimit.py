"""Fixed-window rate limits on the shared cache (Redis in production).

`limit(...)` counts one attempt and raises `RateLimited` (429 with Retry-After)
once `max_hits` attempts fall in the current window. Counters live in the
Django cache, so every app server sees the same numbers when REDIS_URL is set.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import time
from contextlib import suppress

from django.conf import settings
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
    try:  # one round trip on every hit but a window's first
        hits = cache.incr(cache_key)
    except ValueError:  # the window's first hit (or its counter was evicted); unless
        # another request started the window meanwhile, this one is its first
        hits = 1 if cache.add(cache_key, 1, timeout=window + 1) else cache.incr(cache_key)
    if hits > max_hits:
        retry_after = window_start + window - now
        raise RateLimited(message, headers={"Retry-After": str(max(retry_after, 1))})


def refund(scope: str, key: str, *, window: int) -> None:
    """Give back one attempt counted by `limit` in the current window (an action that
    failed for another reason should not use up the member's allowance)."""
    with suppress(ValueError):  # expired or evicted meanwhile: nothing to give back
        cache.decr(_cache_key(scope, key, window, int(time.time())))


@functools.cache
def _trusted(setting: str) -> int | tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """TRUSTED_PROXIES: a count of proxies in front of Haven, or their networks."""
    setting = setting.strip()
    if not setting:
        return 0
    if setting.isdigit():
        return int(setting)
    return tuple(ipaddress.ip_network(part.strip()) for part in setting.split(",") if part.strip())


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or behind trusted proxies the address the
    nearest untrusted hop was seen from in X-Forwarded-For.

    Only what trusted proxies appended is believed: a client can write any
    X-Forwarded-For it likes, but each proxy appends the peer it saw, so reading
    from the right and stopping at the first hop that is not a proxy cannot be
    steered by the client."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = _trusted(settings.TRUSTED_PROXIES)
    if not trusted:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()] + [remote]
    if isinstance(trusted, int):
        # The last `trusted` hops are our proxies; the one before them is the client.
        candidates = hops[-(trusted + 1) :]
    else:
        candidates = []
        for hop in reversed(hops):
            candidates.insert(0, hop)
            address = _address(hop)
            if address is None or not any(address in network for network in trusted):
                break
    # The client is the leftmost candidate that is a real address (a proxy never
    # appends garbage; a bad value can only be the client's own invention).
    for address in map(_address, candidates):
        if address is not None:
            return str(address)
    return remote
