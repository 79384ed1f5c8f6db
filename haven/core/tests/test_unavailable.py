"""The database unreachable for a moment (restarting, failing over): a fast 503 with
Retry-After, in Haven's error shape on the API and as a page on the web; never a 500,
and nothing logged as a server error. Any other database error stays a 500 to fix.
(`make test-load` restarts a real PostgreSQL under load; these run on every database.)"""

from __future__ import annotations

import logging

import psycopg
import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import InterfaceError, OperationalError
from django.test import Client

from haven.community import selectors as community
from haven.core import api as core_api
from haven.core.errors import database_unavailable
from haven.core.tests.api_helpers import assert_error

pytestmark = pytest.mark.django_db


def _django_error(cause: Exception, wrapper: type[Exception] = OperationalError) -> Exception:
    """What Django raises for a psycopg error: its own class, the driver's as cause."""
    try:
        raise cause
    except Exception as driver_error:
        try:
            raise wrapper(str(driver_error)) from driver_error
        except Exception as wrapped:
            return wrapped


LOST = {
    "refused": psycopg.OperationalError(
        'connection failed: connection to server at "127.0.0.1", port 5432 failed: '
        "Connection refused"
    ),
    "dropped": psycopg.OperationalError("consuming input failed: server closed the connection"),
    "shutting down": psycopg.errors.CannotConnectNow("the database system is shutting down"),
    "terminated": psycopg.errors.AdminShutdown("terminating connection due to administrator"),
}


def _raiser(exc: Exception):
    def broken(*_args, **_kwargs):
        raise exc

    return broken


@pytest.fixture
def server_errors(caplog):
    """Every record logged at ERROR or above while the test runs."""
    caplog.set_level(logging.WARNING)
    yield lambda: [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("how", sorted(LOST))
def test_the_api_answers_503_in_the_error_shape(how, api, alice, monkeypatch, server_errors):
    monkeypatch.setattr(community, "feed_for", _raiser(_django_error(LOST[how])))
    response = api(alice).get("/feed")
    error = assert_error(response, 503, code="unavailable")
    assert "try again" in error["message"]
    assert response["Retry-After"] == "5"
    assert server_errors() == []


def test_a_closed_connection_is_503_too(api, alice, monkeypatch, server_errors):
    closed = _django_error(psycopg.InterfaceError("the connection is closed"), InterfaceError)
    monkeypatch.setattr(community, "feed_for", _raiser(closed))
    assert_error(api(alice).get("/feed"), 503, code="unavailable")
    assert server_errors() == []


def test_a_token_lookup_that_cannot_reach_the_database_is_503(
    api, alice, monkeypatch, server_errors
):
    client = api(alice)
    lookup = _raiser(_django_error(LOST["refused"]))
    monkeypatch.setattr(core_api, "_member_for_token", lambda: lookup)
    assert_error(client.get("/me"), 503, code="unavailable")
    assert server_errors() == []


def test_a_page_answers_a_503_page_that_needs_no_database(web, alice, monkeypatch, server_errors):
    monkeypatch.setattr(community, "feed_for", _raiser(_django_error(LOST["terminated"])))
    response = web(alice).get("/")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "text/html" in response["Content-Type"]
    page = response.content.decode()
    assert "Back in a moment" in page and "try again in a few seconds" in page
    assert server_errors() == []


def test_lost_while_a_middleware_finishes_the_response_is_still_503(alice, monkeypatch):
    """Raised outside any view (saving a session): Django's 500 handler says 503."""
    browser = Client(raise_request_exception=False)
    browser.force_login(alice)
    monkeypatch.setattr(
        SessionMiddleware, "process_response", _raiser(_django_error(LOST["dropped"]))
    )
    assert browser.get("/").status_code == 503
    assert_error(browser.get("/api/v1/me"), 503, code="unavailable")


def test_any_other_database_error_is_still_a_500(api, alice, monkeypatch):
    """A statement timeout or a query Haven got wrong is a bug to see, not an outage."""
    for cause in (
        psycopg.errors.QueryCanceled("canceling statement due to statement timeout"),
        psycopg.errors.UndefinedColumn('column "nope" does not exist'),
    ):
        monkeypatch.setattr(community, "feed_for", _raiser(_django_error(cause)))
        client = api(alice)
        client.client.raise_request_exception = False
        response = client.get("/feed")
        assert_error(response, 500, code="server_error")


def test_which_errors_mean_unreachable():
    import sqlite3

    assert database_unavailable(_django_error(LOST["refused"]))
    assert database_unavailable(_django_error(psycopg.errors.ConnectionFailure("08006")))
    assert not database_unavailable(_django_error(sqlite3.OperationalError("no such table")))
    assert not database_unavailable(ValueError("not a database error"))


def test_lost_while_the_answer_is_written_is_503_not_500(api, alice, bob, monkeypatch):
    """CI's load test met this: a block committed, then the response schema read a
    member lazily just as PostgreSQL restarted; pydantic wrapped the OperationalError
    and it reached Django as a 500."""
    from haven.members.models import Member

    lost = _django_error(LOST["refused"])
    monkeypatch.setattr(Member, "name", property(_raiser(lost)))  # read by the schema
    client = api(alice)
    client.client.raise_request_exception = False
    assert_error(client.put("/me/blocks/bob", {}), 503, code="unavailable")


def test_a_block_is_answered_without_a_query_after_its_commit(alice, bob, count_queries):
    from haven.safety.api.blocks import BlockOut
    from haven.safety.blocks import block_member

    block = block_member(actor=alice, target=bob)
    with count_queries() as queries:
        BlockOut.from_orm(block).dict()
    assert len(queries) == 0
