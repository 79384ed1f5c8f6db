"""Known devices: a signed cookie set when a password sign-in succeeds (or is refused
only because the account is suspended or removed).

Sign-in attempts for one username from many addresses are slowed once they pass
a ceiling (someone is guessing that member's password), but a browser the member
has signed in from before carries this cookie and is never slowed by strangers'
guesses: the OWASP "device cookie" defence against lockout attacks.

The same cookie says which member used this browser before: a new account opened,
or an account signed in, where a suspended or removed member signed in is a lead
for staff (block evasion, haven.automod.detectors).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from haven.core.events import emit
from haven.members.events import device_shared

COOKIE = "haven_device"
SALT = "haven.members.devices"
MAX_AGE = 365 * 24 * 3600


def signed_in_here(request: HttpRequest) -> str:
    """Who last signed in (or was refused with the right password) on this browser:
    the cookie's username, "" without one."""
    return request.get_signed_cookie(COOKIE, default="", salt=SALT, max_age=MAX_AGE) or ""


def is_known(request: HttpRequest, username: str) -> bool:
    value = signed_in_here(request)
    return value != "" and value == username.strip().lower()


def note_sign_in(request: HttpRequest, member) -> None:
    """A member signed in on a browser another member signed in on before: said to
    automated protection, which checks it for block evasion (haven.automod)."""
    earlier = signed_in_here(request)
    if earlier and earlier != member.username:
        emit(device_shared, member_id=member.pk, device_username=earlier)


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
