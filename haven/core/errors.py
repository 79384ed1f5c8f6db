"""Haven's one error vocabulary, shared by actions, the API and the pages.

Actions raise these; the API turns them into `{"error": {...}}` with the status,
pages turn them into form errors or a flash message. A refusal never says *why*
a member may not do something to another member (a block must stay invisible),
so `Refused` carries neutral wording chosen by the policy gate.
"""

from __future__ import annotations

import re


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
