"""Helpers shared by every app's pages: errors, forms, pagination links."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from haven.core.errors import HavenError, NotFound, NotSignedIn, Unavailable, database_unavailable

log = logging.getLogger(__name__)


class RejectNulMiddleware:
    """NUL characters in a URL or query are never meaningful, and PostgreSQL refuses
    them in text; answer 400 here rather than let a lookup fail deep inside."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            if request.path.startswith("/api/"):
                return _api_error("bad_request", "Requests may not contain NUL characters.", 400)
            return HttpResponse("Bad request.", status=400, content_type="text/plain")
        return self.get_response(request)


class BodyLimitMiddleware:
    """A request body over the limit gets a 413 before anything reads it (Django would
    raise deep inside the CSRF check or the API's parser and answer a bare 400 page):
    DATA_UPLOAD_MAX_MEMORY_SIZE for forms and JSON, HAVEN_MAX_MULTIPART_BYTES for a
    multipart form carrying an image. Decided from Content-Length, which WSGI servers
    require to read a body at all."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if request.META.get("CONTENT_TYPE", "").startswith("multipart/"):
            most = settings.HAVEN_MAX_MULTIPART_BYTES
        else:
            most = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if most is not None and length > most:
            return _too_large(request, most)
        return self.get_response(request)


def _too_large(request: HttpRequest, most: int) -> HttpResponse:
    message = f"The request is too large (at most {most / (1024 * 1024):g} MB)."
    if request.path.startswith("/api/"):
        return _api_error("too_large", message, 413)
    return HttpResponse(message, status=413, content_type="text/plain")


class HavenErrorMiddleware:
    """Turns an action's or selector's error raised in a page into the right page.

    Forms catch `Invalid` themselves (see `add_errors`); anything else that
    reaches here becomes a sign-in redirect, a 404 or a neutral 403 page.
    The API has its own handlers and never gets here.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.path.startswith("/api/")
            and "json" not in response.get("Content-Type", "")
        ):
            allowed = response.get("Allow", "")
            response = _api_error("method_not_allowed", "This method is not allowed here.", 405)
            response["Allow"] = allowed
        return response

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if database_unavailable(exc):
            return unavailable(request, exc)
        if request.path.startswith("/api/") or not isinstance(exc, HavenError):
            return None
        if isinstance(exc, NotSignedIn):
            return redirect_to_login(request.get_full_path())
        if isinstance(exc, NotFound):
            context = {"message": exc.message, "title": "Not found"}
            return render(request, "error.html", context, status=404)
        return render(request, "error.html", {"message": exc.message}, status=exc.status)


def add_errors(form: forms.Form, exc: HavenError) -> None:
    """Show an action's field messages on the form (unknown and hidden fields go on top)."""
    if not exc.fields:
        form.add_error(None, exc.message)
    for name, field_messages in exc.fields.items():
        shown = name in form.fields and not form.fields[name].widget.is_hidden
        for message in field_messages:
            form.add_error(name if shown else None, message)


def act_on_form[T](
    form: forms.Form, action: Callable[[], T]
) -> tuple[T | None, int, dict[str, str]]:
    """Run the action behind a valid form: (its result, 200, {}); or, when it raises a
    HavenError, show the error on the form and give (None, its status, its headers)."""
    try:
        return action(), 200, {}
    except HavenError as exc:
        add_errors(form, exc)
        return None, exc.status, exc.headers


def form_page(
    request: HttpRequest,
    template: str,
    form: forms.Form,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """The page showing `form`: 400 when it has errors and nothing chose another
    status (a 429's stays), with the error's headers (Retry-After)."""
    if form.errors and status == 200:
        status = 400
    return with_headers(render(request, template, {"form": form}, status=status), headers or {})


def with_headers(response: HttpResponse, headers: dict[str, str]) -> HttpResponse:
    """Copy an error's headers (Retry-After on a 429) onto the page that shows it."""
    for name, value in headers.items():
        response[name] = value
    return response


def flash_error(request: HttpRequest, exc: HavenError) -> None:
    messages.error(request, exc.message)


def cursor_of(request: HttpRequest) -> str | None:
    return request.GET.get("cursor") or None


def confirm(
    request: HttpRequest,
    *,
    title: str,
    question: str,
    confirm_label: str,
    cancel_url: str,
    preview: str = "",
) -> HttpResponse:
    """The page shown before any destructive action; its form POSTs back to the same URL."""
    context = {
        "title": title,
        "question": question,
        "confirm_label": confirm_label,
        "cancel_url": cancel_url,
        "preview": preview,
    }
    return render(request, "includes/confirm.html", context)


def _api_error(code: str, message: str, status: int) -> HttpResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400 for a request Django refused before any view: a form's fields over the body
    limit (found only while parsing a multipart form) are a 413 like any other body
    over it; JSON under /api/."""
    if isinstance(exception, RequestDataTooBig):
        return _too_large(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    if request.path.startswith("/api/"):
        return _api_error("bad_request", "This request could not be read.", 400)
    return HttpResponse("Bad request.", status=400, content_type="text/plain")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 for any URL nobody routes: JSON under /api/, the page elsewhere."""
    if request.path.startswith("/api/"):
        return _api_error("not_found", "Not found.", 404)
    return render(request, "404.html", status=404)


def unavailable(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """503 while the database can't be reached: JSON under /api/, else a page that needs
    nothing from the database (no request context: its processors would query it)."""
    log.warning("Database unavailable, answering 503 for %s: %s", request.path, exc)
    err = Unavailable()
    if request.path.startswith("/api/"):
        response = JsonResponse(err.as_dict(), status=err.status)
    else:
        page = render_to_string("503.html", {"message": err.message})
        response = HttpResponse(page, status=err.status)
    # Said above, once, with the cause: Django would log every 503 again as an error.
    response._has_been_logged = True
    return with_headers(response, err.headers)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this inside its handler for an exception nothing else caught (one
    # raised while a middleware finished the response): a lost database is still a 503.
    exc = sys.exc_info()[1]
    if exc is not None and database_unavailable(exc):
        return unavailable(request, exc)
    if request.path.startswith("/api/"):
        return _api_error("server_error", "Something went wrong on our side.", 500)
    return render(request, "500.html", status=500)
