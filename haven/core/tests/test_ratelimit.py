"""Rate limits: 429 with Retry-After, counted in the shared cache (Redis in production)."""

import os
import uuid

import pytest
from django.test import Client

from haven.conftest import PASSWORD
from haven.core.ratelimit import RateLimited, limit

pytestmark = pytest.mark.django_db


def test_sign_in_attempts_are_limited_with_retry_after(alice, api):
    client = api()
    for _ in range(10):
        response = client.post("/auth/token", {"username": "alice", "password": "wrong"})
        assert response.status_code == 400
    response = client.post("/auth/token", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 300


def test_web_sign_in_is_limited_too(alice):
    browser = Client()
    for _ in range(10):
        browser.post("/signin", {"username": "alice", "password": "wrong"})
    response = browser.post("/signin", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in browser.session


def test_sign_ups_from_one_address_are_limited(api):
    client = api()
    statuses = []
    for i in range(21):
        body = {
            "username": f"new{i:03d}",
            "email": f"n{i}@example.org",
            "password": "long-enough-pass-1",
        }
        statuses.append(client.post("/auth/signup", body).status_code)
    assert statuses[:20] == [201] * 20
    assert statuses[20] == 429


def test_a_wrong_http_method_answers_in_the_error_format(alice, api):
    response = api(alice).put("/feed", {})
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


def test_limits_are_shared_through_redis(settings):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI", "").lower() == "true":
            raise
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    settings.CACHES = {
        "default": {
            "BACKEND": "haven.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
        }
    }
    key = uuid.uuid4().hex  # unique: other runs may share this Redis
    for _ in range(3):
        limit("test", key, max_hits=3, window=60, message="slow down")
    with pytest.raises(RateLimited) as refused:
        limit("test", key, max_hits=3, window=60, message="slow down")
    assert refused.value.status == 429
    assert 1 <= int(refused.value.headers["Retry-After"]) <= 60


def _ip(remote: str, forwarded: str | None = None) -> str:
    from django.test import RequestFactory

    from haven.core.ratelimit import client_ip

    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **extra))


def test_x_forwarded_for_is_ignored_unless_proxies_are_trusted(settings):
    settings.TRUSTED_PROXIES = ""
    assert _ip("203.0.113.9", "198.51.100.1") == "203.0.113.9"


def test_a_proxy_count_reads_the_hop_the_nearest_proxy_saw(settings):
    settings.TRUSTED_PROXIES = "1"
    assert _ip("10.0.0.2", "198.51.100.7") == "198.51.100.7"
    # A client's own forged entries sit to the left and are not believed.
    assert _ip("10.0.0.2", "1.2.3.4, 198.51.100.7") == "198.51.100.7"
    assert _ip("10.0.0.2") == "10.0.0.2"  # nothing forwarded: the peer itself
    settings.TRUSTED_PROXIES = "2"
    assert _ip("10.0.0.2", "1.2.3.4, 198.51.100.7, 10.0.0.9") == "198.51.100.7"


def test_proxy_networks_are_walked_from_the_right(settings):
    settings.TRUSTED_PROXIES = "10.0.0.0/8, fd00::/8"
    assert _ip("10.0.0.2", "1.2.3.4, 198.51.100.7, 10.1.1.1") == "198.51.100.7"
    assert _ip("fd00::1", "2001:db8::5") == "2001:db8::5"
    # A peer that is not one of our proxies: its X-Forwarded-For is the client's invention.
    assert _ip("203.0.113.9", "198.51.100.7") == "203.0.113.9"
    assert _ip("10.0.0.2", "not-an-address") == "10.0.0.2"


def test_behind_a_proxy_visitors_no_longer_share_one_sign_up_allowance(api, settings):
    settings.TRUSTED_PROXIES = "1"
    client = api()

    def sign_up(i: int, visitor: str):
        body = {
            "username": f"visitor{i}",
            "email": f"v{i}@example.org",
            "password": "a-long-enough-pass-7",
            "display_name": "V",
            "native_languages": ["en"],
        }
        return client.post(
            "/auth/signup", body, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=visitor
        )

    for i in range(20):
        assert sign_up(i, "198.51.100.1").status_code == 201
    assert sign_up(20, "198.51.100.1").status_code == 429
    assert sign_up(21, "198.51.100.2").status_code == 201  # another visitor, same proxy


def test_strangers_guessing_from_many_addresses_slow_but_never_lock_a_member(alice, api, settings):
    settings.HAVEN_SIGN_IN_PER_USERNAME = 5
    client = api()
    wrong = {"username": "alice", "password": "wrong"}
    # Alice signs in once from her own browser, which is then a known device.
    browser = Client()
    assert browser.post("/signin", {"username": "alice", "password": PASSWORD}).status_code == 302
    browser.post("/signout")
    for i in range(4):  # with her sign-in, the ceiling of 5; each address under its lock
        assert client.post("/auth/token", wrong, REMOTE_ADDR=f"198.51.100.{i}").status_code == 400
    # Past the per-username ceiling a new address gets one attempt, then a short wait.
    assert client.post("/auth/token", wrong, REMOTE_ADDR="198.51.100.50").status_code == 400
    slowed = client.post("/auth/token", wrong, REMOTE_ADDR="198.51.100.51")
    assert slowed.status_code == 429
    assert int(slowed["Retry-After"]) <= 10
    assert "Wait a few seconds" in slowed.json()["error"]["message"]
    # Her known browser is not slowed by the strangers' guesses.
    response = browser.post("/signin", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in browser.session


def test_the_per_address_lock_stops_one_address_only(alice, api):
    client = api()
    for _ in range(10):
        client.post("/auth/token", {"username": "alice", "password": "wrong"})
    locked = client.post("/auth/token", {"username": "alice", "password": PASSWORD})
    assert locked.status_code == 429
    elsewhere = client.post(
        "/auth/token", {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="198.51.100.9"
    )
    assert elsewhere.status_code == 201
