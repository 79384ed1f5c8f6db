"""What every view with a form needs from the request."""

from __future__ import annotations

from django.http import HttpRequest, QueryDict


def posted(request: HttpRequest) -> QueryDict | None:
    """The form data of a POST, even an empty one, else None (an unbound form).

    `request.POST or None` would leave an empty POST unbound: it would then be neither
    valid nor show an error. Bound, it answers 400 naming each required field."""
    return request.POST if request.method == "POST" else None
