"""The pieces every app's Ninja router shares: auth, errors, page schemas."""

from __future__ import annotations

import functools
import json
import logging
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.module_loading import import_string
from ninja import NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from haven.core.errors import (
    HavenError,
    Unavailable,
    database_unavailable,
    has_nul,
    has_surrogate,
)

T = TypeVar("T")
log = logging.getLogger(__name__)


class ErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] | None = None


class ErrorOut(Schema):
    error: ErrorBody


class PageOut(Schema, Generic[T]):
    items: list[T]
    next: str | None = None


def page_limit() -> Any:
    """The `limit` query parameter of every list: out of range is a 400 naming `limit`."""
    return Query(
        None,
        ge=1,
        le=settings.HAVEN_MAX_PAGE_SIZE,
        description=f"Items per page, 1 to {settings.HAVEN_MAX_PAGE_SIZE} "
        f"(default {settings.HAVEN_PAGE_SIZE}).",
    )


@functools.cache
def _member_for_token():
    """The function that finds a token's member (HAVEN_TOKEN_LOOKUP): core knows no
    domain app, so members plugs it in by setting."""
    return import_string(settings.HAVEN_TOKEN_LOOKUP)


class BearerAuth(HttpBearer):
    """`Authorization: Bearer <token>`; tokens are stored only as SHA-256 digests."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        member = _member_for_token()(token)
        if member is not None:
            request.user = member
        return member


class SessionAuth(APIKeyCookie):
    """The browser's session cookie, with Django's CSRF check on unsafe methods."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        # No signed-in session: nothing to protect from forgery, and the answer is the
        # 401 "Sign in" every other route gives (a revoked token got 403 "CSRF" here).
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


def anonymous(request: HttpRequest) -> Any:
    """Last in an auth list: lets signed-out visitors read what is public, and write
    (a helpful vote) only with Django's CSRF token, as the session check once required:
    a cross-site form must not act for a visitor's browser."""
    unsafe = request.method not in ("GET", "HEAD", "OPTIONS")
    if unsafe and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
        raise HttpError(403, "CSRF check Failed")
    return AnonymousUser()


SIGNED_IN = [BearerAuth(), SessionAuth()]
OPTIONAL = [BearerAuth(), SessionAuth(), anonymous]


class UnreadableText(ValueError):
    """A JSON string that is not storable text, with where it sits in the body."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _check_text(value: Any, path: tuple[str, ...] = ()) -> None:
    """Every string in the body (keys too) is checked here, once, before any schema,
    rate limit or action sees it."""
    if isinstance(value, str):
        field = ".".join(path) or "__all__"
        if has_nul(value):
            raise UnreadableText(field, "Text may not contain NUL characters.")
        if has_surrogate(value):
            raise UnreadableText(field, "This is not valid text (it holds a lone surrogate).")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, path)
            _check_text(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_text(item, (*path, str(index)))


class StrictJsonParser(Parser):
    """JSON object bodies; text that cannot be stored (NUL, lone surrogates) is refused."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body)
        if not isinstance(data, dict):
            # Every body Haven takes is an object; Ninja would read a list's missing
            # attributes as absent fields, and a PATCH of `[null]` would "succeed".
            raise ValueError("The body must be a JSON object")
        _check_text(data)
        return data

    def parse_querydict(self, data, list_fields, request: HttpRequest) -> dict[str, Any]:
        """A parameter that takes one value given more than once (?language=en&language=fr)
        is refused, naming it: Ninja would quietly keep the last."""
        for key in data:
            if key not in list_fields and len(data.getlist(key)) > 1:
                error = {"loc": ("query", key), "msg": "Give this parameter once."}
                raise ValidationError([{**error, "type": "repeated"}])
        return super().parse_querydict(data, list_fields, request)


class HavenAPI(NinjaAPI):
    """NinjaAPI whose document also says what every operation answers while the
    database can't be reached (haven.core.errors.Unavailable): 503, Retry-After."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        unavailable = {
            "description": "Haven is briefly unavailable (its database can't be reached); "
            "try again after Retry-After seconds. Code `unavailable`.",
            "headers": {"Retry-After": {"schema": {"type": "integer"}}},
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
        }
        for operations in schema["paths"].values():
            for operation in operations.values():
                operation.setdefault("responses", {}).setdefault(503, unavailable)
        return schema


def error_response(api: NinjaAPI, request: HttpRequest, exc: HavenError) -> HttpResponse:
    response = api.create_response(request, exc.as_dict(), status=exc.status)
    for name, value in exc.headers.items():
        response[name] = value
    return response


def _field_name(loc: list[Any]) -> str:
    # loc is (source, name...) for query/path and (source, param, field...) for a body.
    parts = [str(p) for p in (loc[2:] if loc and loc[0] == "body" else loc[1:])]
    return ".".join(parts) if parts else "__all__"


def _validation_fields(errors: list[dict]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        msg = str(error.get("msg", "Invalid value.")).removeprefix("Value error, ")
        if error.get("type") == "missing":
            msg = "This field is required."
        fields.setdefault(_field_name(list(error.get("loc", []))), []).append(msg)
    return fields


def _unreadable_body(cause: BaseException) -> str:
    if isinstance(cause, json.JSONDecodeError):
        where = f"line {cause.lineno}, column {cause.colno}"
        return f"The body is not valid JSON ({cause.msg} at {where})."
    return f"{str(cause).rstrip('.')}."


_STATUS_CODES = {
    400: "bad_request",
    401: "not_signed_in",
    403: "not_allowed",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


def install_error_handlers(api: NinjaAPI) -> None:
    def haven_error(request: HttpRequest, exc: HavenError) -> HttpResponse:
        return error_response(api, request, exc)

    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        err = HavenError("Some fields are not valid.", fields=_validation_fields(exc.errors))
        err.code = "invalid"
        return error_response(api, request, err)

    def auth_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        err = HavenError("Sign in to do this.", code="not_signed_in")
        err.status = 401
        return error_response(api, request, err)

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        err = HavenError(str(exc), code=_STATUS_CODES.get(exc.status_code, "error"))
        err.status = exc.status_code
        cause = exc.__cause__
        if exc.status_code == 400 and isinstance(cause, UnreadableText):
            err = HavenError("Some fields are not valid.", code="invalid")
            err.fields = {cause.field: [cause.message]}
        elif exc.status_code == 400 and cause is not None:
            # Ninja's wrapper around our parser failing: say why, like any other bad input.
            err.fields = {"__all__": [_unreadable_body(cause)]}
        return error_response(api, request, err)

    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        err = HavenError("Not found.", code="not_found")
        err.status = 404
        return error_response(api, request, err)

    def database_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Raised in a view or in auth (a token's lookup): the database is restarting or
        # unreachable. Django discards the broken connection when the request ends, so
        # the next request connects afresh. Any other database error is a bug: a 500.
        if not database_unavailable(exc):
            raise exc
        log.warning("Database unavailable, answering 503 for %s: %s", request.path, exc)
        response = error_response(api, request, Unavailable())
        response._has_been_logged = True  # said above, once: not again as a server error
        return response

    api.add_exception_handler(HavenError, haven_error)
    api.add_exception_handler(OperationalError, database_error)
    api.add_exception_handler(InterfaceError, database_error)
    api.add_exception_handler(ValidationError, validation_error)
    api.add_exception_handler(AuthenticationError, auth_error)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Http404, not_found)


def viewer(request: HttpRequest) -> Any:
    """The member behind this API request (AnonymousUser when signed out)."""
    auth = getattr(request, "auth", None)
    return auth if auth is not None else request.user
