"""Test personas and helpers shared by every app's tests.

alice   a student, our usual protagonist
bob     the member who will later harass alice
carol   a teacher, alice's friend-to-be
mia     a moderator; ada an admin; sam a support agent
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haven.members import actions as member_actions
from haven.members.models import Member
from haven.members.roles import ADMIN, MODERATOR, SUPPORT_AGENT

PASSWORD = "correct-horse-battery-9"
pytest_plugins = ["haven.core.tests.browser"]


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploads made by tests (the API fuzz test uploads real images) stay in tmp."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _private_cache(settings):
    """Each test gets an empty in-process cache, so rate-limit counters never leak
    between tests or between parallel workers (test_ratelimit covers Redis)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


@pytest.fixture(autouse=True)
def _flag_weights(settings):
    """The personas are brand-new accounts, whose flags weigh HAVEN_FLAG_NEWCOMER_WEIGHT
    (0.1 shipped). Tests about the hide threshold, reporter accuracy and the queue count
    their flags as members' (1.0); haven/safety/tests/test_flag_weighting.py tests the
    shipped weighting of newcomers, connected accounts and track records."""
    settings.HAVEN_FLAG_NEWCOMER_WEIGHT = 1.0


def make_member(
    username: str, *, kind: str = "student", native=("en",), learning=("es",), **extra
) -> Member:
    member = member_actions.sign_up(
        username=username,
        email=f"{username}@example.org",
        password=PASSWORD,
        display_name=username.capitalize(),
        kind=kind,
        native_languages=list(native),
        learning_languages=list(learning),
    )
    if extra:
        Member.objects.filter(pk=member.pk).update(**extra)
        member.refresh_from_db()
    return member


def establish(member: Member, *, days: int = 30) -> Member:
    """Make `member` an established account, whose flags weigh their reporter accuracy:
    joined `days` ago, email verified, and with something written on Haven."""
    from haven.community.actions import share

    share(actor=member, text="Hello, Haven.")
    now = timezone.now()
    Member.objects.filter(pk=member.pk).update(
        date_joined=now - timedelta(days=days), email_verified_at=now
    )
    member.refresh_from_db()
    return member


def _staff(username: str, role: str) -> Member:
    member = make_member(username, is_staff=True)
    group, _ = Group.objects.get_or_create(name=role)
    member.groups.add(group)
    return member


@pytest.fixture
def alice(db) -> Member:
    return make_member("alice", native=("en",), learning=("ja",))


@pytest.fixture
def bob(db) -> Member:
    return make_member("bob", native=("fr",), learning=("en",))


@pytest.fixture
def carol(db) -> Member:
    return make_member("carol", kind="teacher", native=("es",), learning=("en",))


@pytest.fixture
def mia(db) -> Member:
    return _staff("mia", MODERATOR)


@pytest.fixture
def ada(db) -> Member:
    return _staff("ada", ADMIN)


@pytest.fixture
def sam(db) -> Member:
    return _staff("sam", SUPPORT_AGENT)


class ApiClient:
    """A JSON client for /api/v1 acting as one member through a bearer token."""

    def __init__(self, member: Member | None = None) -> None:
        self.client = Client()
        self.headers: dict[str, str] = {}
        if member is not None:
            _, secret = member_actions.create_token(actor=member, name="tests")
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {secret}"

    def _call(self, method: str, path: str, data=None, **extra):
        kwargs = {**self.headers, **extra}
        url = "/api/v1" + path
        if method == "get":
            return self.client.get(url, data or {}, **kwargs)
        body = data if isinstance(data, str) else json.dumps(data if data is not None else {})
        return getattr(self.client, method)(url, body, content_type="application/json", **kwargs)

    def get(self, path: str, params=None, **extra):
        return self._call("get", path, params, **extra)

    def post(self, path: str, data=None, **extra):
        return self._call("post", path, data, **extra)

    def patch(self, path: str, data=None, **extra):
        return self._call("patch", path, data, **extra)

    def put(self, path: str, data=None, **extra):
        return self._call("put", path, data, **extra)

    def delete(self, path: str, **extra):
        return self._call("delete", path, None, **extra)


@pytest.fixture
def api() -> Callable[[Member | None], ApiClient]:
    """`api(alice)` gives a client acting as alice; `api()` a signed-out one."""
    return ApiClient


@pytest.fixture
def web(client) -> Callable[[Member], Client]:
    """`web(alice)` gives a browser-like client signed in as alice (session + CSRF)."""

    def signed_in(member: Member) -> Client:
        browser = Client()
        browser.force_login(member)
        return browser

    return signed_in


@pytest.fixture
def count_queries():
    """`with count_queries() as q: ...` then `len(q)`: how many SQL queries ran."""
    return lambda: CaptureQueriesContext(connection)
