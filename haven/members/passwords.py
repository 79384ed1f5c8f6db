"""Changing a password, and resetting a forgotten one by email.

Either way the new password ends every other way into the account: Django's
session check includes the password hash, so every browser signed in with the
old one is signed out at its next request (the page that changed it stays
signed in), and every API token is revoked (an API change answers with a new
token). The member is told by email, and it is audited (`password_change`,
`password_reset`).

A reset link (Django's `default_token_generator`: it stops working once the
password changes, and after PASSWORD_RESET_TIMEOUT) is asked for with an email
address. The answer is the same whether or not an account has that address, so
the form can't be used to find out who is a member; asking is limited per
address and per place.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from haven.audit.log import record
from haven.core.errors import Invalid
from haven.core.ratelimit import limit
from haven.members import token_cache
from haven.members.actions import check_new_password, create_token
from haven.members.addresses import check_email
from haven.members.models import ApiToken, Member
from haven.notifications.actions import email_on_commit

LINK_EXPIRED = "This link has expired or was already used. Ask for a new one."
TOO_MANY_LINKS = "We have sent a lot of links recently. Please try again later."
RESETS_PER_HOUR = (3, 10)  # per email address, per place asking
CHANGE_ATTEMPTS = (10, 3600)  # wrong current passwords per member per hour


def _set(member: Member, password: str, event: str) -> None:
    """Inside the caller's transaction: store it, end the tokens, tell and audit."""
    member.set_password(password)
    member.save(update_fields=["password"])
    ApiToken.objects.filter(member=member, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token_cache.forget_member(member.pk)  # update() sends no signal
    record(actor=member, event=event, target=member)
    if member.email:
        body = (
            f"Hello {member.name},\n\nThe password of your Haven account {member.username} "
            "was just changed. Every other browser signed in to it has been signed out, and "
            "its API tokens no longer work.\n\nIf you didn't do this, reset your password at "
            f"{settings.HAVEN_SITE_URL}{reverse('members:password_reset')} and contact "
            f"support at {settings.HAVEN_SITE_URL}{reverse('support:home')} right away."
        )
        email_on_commit(member.email, "Haven: your password was changed", body)


def change_password(*, actor: Member, current: str, new: str, token_for: str = "") -> str:
    """Change the actor's own password after their current one. Returns the secret of
    a new API token named `token_for` when one is asked for (the API), else ""."""
    limit("password-change", str(actor.pk), max_hits=CHANGE_ATTEMPTS[0],
          window=CHANGE_ATTEMPTS[1],
          message="Too many tries. Please wait a while and try again.")  # fmt: skip
    if not actor.check_password(current or ""):
        raise Invalid.field("current_password", "That password isn't right.")
    new = check_new_password("new_password", new, actor)
    if actor.check_password(new):
        raise Invalid.field("new_password", "Choose a password you don't use now.")
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=actor.pk)
        _set(member, new, "password_change")
        secret = create_token(actor=member, name=token_for)[1] if token_for else ""
    actor.password = member.password
    return secret


def request_reset(*, email: str, address: str) -> None:
    """Email a reset link to the account with this address, if there is one; the same
    answer either way."""
    email = check_email(email)
    for scope, key, most in (
        ("password-reset-email", email.casefold(), RESETS_PER_HOUR[0]),
        ("password-reset-place", address or "-", RESETS_PER_HOUR[1]),
    ):
        limit(scope, key, max_hits=most, window=3600, message=TOO_MANY_LINKS)  # fmt: skip
    member = Member.objects.filter(email__iexact=email, is_active=True).first()
    if member is None:
        return
    uid = urlsafe_base64_encode(force_bytes(member.pk))
    token = default_token_generator.make_token(member)
    link = settings.HAVEN_SITE_URL + reverse("members:password_reset_confirm", args=[uid, token])
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    body = (
        f"Hello {member.name},\n\nSomeone asked to reset the password of your Haven account "
        f"{member.username}. To choose a new one, open this link within {hours} hours:"
        f"\n\n{link}\n\nIf it wasn't you, ignore this email: your password stays as it is."
    )
    with transaction.atomic():
        email_on_commit(member.email, "Haven: reset your password", body)


def member_for_reset(uid: str, token: str) -> Member:
    """The member a reset link is for, while it still works; else a 400 on `token`."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uid or "")))
    except (TypeError, ValueError, OverflowError):
        raise Invalid.field("token", LINK_EXPIRED) from None
    member = Member.objects.filter(pk=pk, is_active=True).first()
    if member is None or not default_token_generator.check_token(member, token or ""):
        raise Invalid.field("token", LINK_EXPIRED)
    return member


def reset_password(*, uid: str, token: str, new: str) -> Member:
    """Set a new password from a reset link; the link stops working at once."""
    member = member_for_reset(uid, token)
    new = check_new_password("new_password", new, member)
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        if not default_token_generator.check_token(member, token):  # used meanwhile
            raise Invalid.field("token", LINK_EXPIRED)
        _set(member, new, "password_reset")
    return member
