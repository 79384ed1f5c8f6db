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
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
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
