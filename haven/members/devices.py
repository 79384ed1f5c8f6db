"""Known devices: a signed cookie set when a password sign-in succeeds.

Sign-in attempts for one username from many addresses are slowed once they pass
a ceiling (someone is guessing that member's password), but a browser the member
has signed in from before carries this cookie and is never slowed by strangers'
guesses: the OWASP "device cookie" defence against lockout attacks.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

COOKIE = "haven_device"
SALT = "haven.members.devices"
MAX_AGE = 365 * 24 * 3600


def is_known(request: HttpRequest, username: str) -> bool:
    value = request.get_signed_cookie(COOKIE, default=None, salt=SALT, max_age=MAX_AGE)
    return value is not None and value == username.strip().lower()


def remember(response: HttpResponse, username: str) -> HttpResponse:
    response.set_signed_cookie(
        COOKIE,
        username.lower(),
        salt=SALT,
        max_age=MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response
