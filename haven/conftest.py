"""Test personas and helpers shared by every app's tests.

alice   a student, our usual protagonist
bob     the member who will later harass alice
carol   a teacher, alice's friend-to-be
mia     a moderator; ada an admin; sam a support agent
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from contextlib import contextmanager
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


@contextmanager
def _commit_at_end():
    """Run, when the block ends, what it left for after commit (events; tasks with the
    immediate backend: detectors, notifications, emails), and what those leave in turn:
    as a real commit would. Tests run inside a transaction that never commits. Unlike
    Django's captureOnCommitCallbacks, it takes what it runs off the list, so nested
    blocks run each callback once."""
    start = len(connection.run_on_commit)  # read afresh: a rollback replaces the list
    try:
        yield
    finally:
        while len(connection.run_on_commit) > start:
            batch = connection.run_on_commit[start:]
            del connection.run_on_commit[start:]
            for _, callback, robust in batch:
                if not robust:
                    callback()
                    continue
                try:
                    callback()
                except Exception:
                    logging.getLogger(__name__).exception("on_commit callback failed")


@pytest.fixture(autouse=True)
def _requests_commit(monkeypatch):
    """A request through the test client ends as a real one does: its transaction's
    after-commit work runs before the response comes back."""
    request = Client.request

    def committing(self, **kwargs):
        with _commit_at_end():
            return request(self, **kwargs)

    monkeypatch.setattr(Client, "request", committing)


@pytest.fixture
def committed():
    """`with committed(): ...` around actions called directly (not through the test
    client): their after-commit work runs when the block ends."""
    return _commit_at_end


@pytest.fixture
def count_queries():
    """`with count_queries() as q: ...` then `len(q)`: how many SQL queries ran."""
    return lambda: CaptureQueriesContext(connection)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """The SQLite test database is a file, not this process's memory, so that the
    processes a test starts (the task worker) can open it too."""
    from django.conf import settings

    default = settings.DATABASES["default"]
    if default["ENGINE"] == "django.db.backends.sqlite3":
        name = tmp_path_factory.mktemp("db") / "test.sqlite3"
        default.setdefault("TEST", {})["NAME"] = str(name)


def pytest_terminal_summary(terminalreporter) -> None:
    """When the route × persona matrix ran, say how big it is (issue 12 asks for it)."""
    ran = (
        report
        for reports in terminalreporter.stats.values()
        for report in reports
        if "test_route_matrix.py" in getattr(report, "nodeid", "")
    )
    if next(ran, None) is not None:
        from haven.core.tests.test_route_matrix import matrix_size

        terminalreporter.write_line(matrix_size())
