"""Assertions shared by the API test modules (error shape, cursor walks, query counts)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from haven.conftest import ApiClient


def assert_error(
    response, status: int | tuple[int, ...], *, code: str | None = None, field: str | None = None
) -> dict:
    """The response is Haven's one error shape, with this status (and code, and field)."""
    allowed = status if isinstance(status, tuple) else (status,)
    assert response.status_code in allowed, (response.status_code, response.content[:500])
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert isinstance(error["code"], str) and error["code"], error
    assert isinstance(error["message"], str) and error["message"], error
    if code is not None:
        assert error["code"] == code, error
    if field is not None:
        assert field in (error.get("fields") or {}), error
        assert all(isinstance(m, str) and m for m in error["fields"][field]), error
    return error


# Not base64; base64 of `[null, null]`, `[null]`, `{"a": 1}`, `[1, 2, 3]`, `["yesterday", 1]`.
BAD_CURSORS = [
    "not a cursor!",
    "W251bGwsIG51bGxd",
    "W251bGxd",
    "eyJhIjogMX0",
    "WzEsIDIsIDNd",
    "WyJ5ZXN0ZXJkYXkiLCAxXQ",
]


def assert_bad_cursors_refused(client: ApiClient, path: str, params: dict | None = None) -> None:
    """Every malformed cursor is a 400 naming `cursor`, never a 500 or a silent first page."""
    for cursor in BAD_CURSORS:
        assert_error(client.get(path, {**(params or {}), "cursor": cursor}), 400, field="cursor")


def assert_signed_out_refused(response) -> None:
    assert_error(response, 401, code="not_signed_in")


def walk_pages(
    client: ApiClient, path: str, params: dict[str, Any] | None = None, *, limit: int = 5
) -> tuple[list[dict], int]:
    """Follow `next` from the first page to the last; return every item and the page count."""
    items: list[dict] = []
    cursor = None
    pages = 0
    while True:
        query = {**(params or {}), "limit": limit}
        if cursor:
            query["cursor"] = cursor
        response = client.get(path, query)
        assert response.status_code == 200, response.content[:500]
        body = response.json()
        items += body["items"]
        pages += 1
        cursor = body["next"]
        if cursor is None:
            return items, pages
        assert pages < 100, "pagination does not end"


def counted_get(
    client: ApiClient, path: str, params: dict[str, Any] | None = None
) -> tuple[int, dict]:
    """GET with the default limit; return how many SQL queries it ran and the JSON body."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    assert response.status_code == 200, response.content[:500]
    return len(queries), response.json()


def warm(client: ApiClient) -> ApiClient:
    """Use the client's token once: its first use records `last_used_at` (a write that
    later requests skip), which would otherwise count against the first measured list."""
    assert client.get("/me").status_code == 200
    return client


def decide(client: ApiClient, case, action: str, *, category: str, reason: str, **extra):
    """A staff decision on `case` through the API, at the case's current version; it
    must succeed (201)."""
    case.refresh_from_db()
    body = {"action": action, "category": category, "reason": reason,
            "version": case.version, **extra}  # fmt: skip
    response = client.post(f"/staff/cases/{case.pk}/actions", body)
    assert response.status_code == 201, response.content
    return response
