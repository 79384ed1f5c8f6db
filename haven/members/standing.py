"""What an account may do given staff enforcement: sign in at all, or create things.

Suspension and removal refuse sign-in (password, session and token alike);
restriction lets a member sign in and read but not start chats, post, comment
or send friend requests. The dates live on the member row, so every check is
free: the row is already loaded for the request.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.utils import timezone
from django.utils.formats import date_format


def when(value) -> str:
    return date_format(timezone.localtime(value), "j F Y, H:i")


def sign_in_refusal(member) -> str:
    """Why `member` may not sign in now, or "" when they may."""
    if member.removed_at is not None:
        return "This account was removed from Haven."
    if member.is_suspended():
        return f"This account is suspended until {when(member.suspended_until)}."
    return ""


def restriction_refusal(member) -> str:
    """Why `member` may not create new things now, or "" when they may."""
    if member.is_restricted():
        return (
            f"Your account is restricted until {when(member.restricted_until)}: you can't "
            "start chats, post, comment or send friend requests until then."
        )
    return ""


def barred_by_standing(username: str | None, password: str | None):
    """The member these credentials belong to, when they are right but the account is
    suspended or removed (so the refusal can say why and where to appeal); else None."""
    from haven.members.models import Member

    member = Member.objects.filter(username=(username or "").lower()).first()
    if member is None or not password or not member.check_password(password):
        return None
    return member if sign_in_refusal(member) else None


class StandingBackend(ModelBackend):
    """The model backend, refusing suspended and removed accounts both at sign-in
    and on every request that carries a session."""

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and not sign_in_refusal(user)
