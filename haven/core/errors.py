"""Haven's one error vocabulary, shared by actions, the API and the pages.

Actions raise these; the API turns them into `{"error": {...}}` with the status,
pages turn them into form errors or a flash message. A refusal never says *why*
a member may not do something to another member (a block must stay invisible),
so `Refused` carries neutral wording chosen by the policy gate.
"""

from __future__ import annotations

import re
import sqlite3

from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext
from pydantic_core import ValidationError as PydanticError


class HavenError(Exception):
    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        fields: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = fields or {}
        self.headers = headers or {}

    def as_dict(self) -> dict:
        body: dict = {"code": self.code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        return {"error": body}


class Invalid(HavenError):
    status = 400
    code = "invalid"

    @classmethod
    def field(cls, name: str, message: str) -> Invalid:
        return cls(message, fields={name: [message]})


class NotSignedIn(HavenError):
    status = 401
    code = "not_signed_in"


class Refused(HavenError):
    status = 403
    code = "not_allowed"


class NotFound(HavenError):
    status = 404
    code = "not_found"


class Conflict(HavenError):
    status = 409
    code = "conflict"


class Unavailable(HavenError):
    """The database can't be reached for a moment (restarting, failed over, refusing
    connections): 503 with Retry-After, never a 500 or a hang."""

    status = 503
    code = "unavailable"
    RETRY_AFTER = 5  # seconds: a PostgreSQL restart or failover takes a few

    def __init__(self) -> None:
        super().__init__(
            gettext("Haven is briefly unavailable. Please try again in a few seconds."),
            headers={"Retry-After": str(self.RETRY_AFTER)},
        )


# PostgreSQL's SQLSTATEs for a connection that failed or was ended by the server: class
# 08 (connection exception) and 57P0x (shutting down, crashed, starting up, dropped).
_CONNECTION_STATES = ("08", "57P0")
_LOST_IN_SCHEMA = ("OperationalError: connection", "OperationalError: consuming input failed",
                   "InterfaceError:")  # fmt: skip


def database_unavailable(exc: BaseException) -> bool:
    """Whether a database error means the database can't be reached right now (answer
    503), rather than a query Haven got wrong (a 500 to fix). psycopg raises its errors
    without an SQLSTATE when it cannot connect or the server drops the connection."""
    if isinstance(exc, InterfaceError):  # the connection was already closed under us
        return True
    if isinstance(exc, PydanticError):
        # Lost while the answer was being written: a lazy attribute read by the response
        # schema reached for the database. pydantic keeps only the error's text.
        return any(
            e["type"] == "get_attribute_error"
            and str(e.get("ctx", {}).get("error", "")).startswith(_LOST_IN_SCHEMA)
            for e in exc.errors(include_url=False)
        )
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if isinstance(cause, sqlite3.Error):  # a local file: never "unreachable"
        return False
    state = getattr(cause, "sqlstate", None)
    return state is None or state.startswith(_CONNECTION_STATES)


# A lone surrogate (JSON allows "\ud800") is not a Unicode character: it fails whatever
# encodes it next (a cache key, the database driver, a page), so it is refused on entry.
_SURROGATE = re.compile("[\ud800-\udfff]")


def has_nul(text: str) -> bool:
    """NUL characters PostgreSQL cannot store in text, and never meaningful."""
    return "\x00" in text


def has_surrogate(text: str) -> bool:
    return _SURROGATE.search(text) is not None


def require_text(name: str, value: str | None, *, max_length: int, label: str = "") -> str:
    """Strip and check a required text field; raise Invalid with a field message."""
    text = (value or "").strip()
    label = label or name.replace("_", " ").capitalize()
    if not text:
        raise Invalid.field(name, f"{label} cannot be empty.")
    if has_nul(text):
        raise Invalid.field(name, f"{label} may not contain NUL characters.")
    if has_surrogate(text):
        raise Invalid.field(name, f"{label} is not valid text (it holds a lone surrogate).")
    if len(text) > max_length:
        raise Invalid.field(name, f"{label} must be at most {max_length} characters.")
    return text
