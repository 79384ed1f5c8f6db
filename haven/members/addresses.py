"""A member's email address: verifying it, changing it, and where the account came from.

- **Verification**: sign-up (and every change of address) emails a signed link to
  the address. Opening it sets `email_verified_at`. The link names the member and
  the address, so it stops working once the address changes, and expires after
  HAVEN_EMAIL_LINK_DAYS. A member may ask for it again from Settings → Email.
- **Change**: only the member, with their current password. The old address is told
  (with the new one partly hidden) so a stolen session can't quietly redirect the
  account; the new address must be verified again. Audited as `email_change`.
- **Sign-up address**: the address the account signed up from, kept only as a keyed
  hash, so accounts made together from one place can be recognised
  (haven.safety.flags counts their flags as one) without storing where anyone is.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from haven.audit.log import record
from haven.core.errors import Conflict, Invalid
from haven.core.ratelimit import limit
from haven.members.models import Member
from haven.notifications.actions import email_on_commit

SALT = "haven.members.verify-email"
LINK_EXPIRED = "This link has expired or isn't valid any more. Ask for a new one in Settings."
EMAILS_PER_HOUR = 5  # verification links and address changes, per member


def check_email(email: str) -> str:
    email = (email or "").strip()
    if not email:
        raise Invalid.field("email", "Enter your email address.")
    try:
        validate_email(email)
    except ValidationError as exc:
        raise Invalid.field("email", "Enter a valid email address.") from exc
    return email


def signup_address_key(address: str) -> str:
    """The keyed hash stored in `Member.signup_address` ("" when there is none)."""
    if not address:
        return ""
    return salted_hmac("haven.members.signup-address", address, algorithm="sha256").hexdigest()[:32]


def verification_token(member: Member) -> str:
    return signing.dumps({"m": member.pk, "e": member.email}, salt=SALT, compress=True)


def _send_link(member: Member) -> None:
    link = settings.HAVEN_SITE_URL + reverse(
        "members:verify_email", args=[verification_token(member)]
    )
    days = settings.HAVEN_EMAIL_LINK_DAYS
    body = (
        f"Hello {member.name},\n\nPlease confirm that this is your email address on Haven by "
        f"opening this link within {days} days:\n\n{link}\n\n"
        "If you didn't sign up for Haven or change your address, you can ignore this email."
    )
    email_on_commit(member.email, "Haven: confirm your email address", body)


def send_verification(member: Member) -> None:
    """Email the link (after the caller's transaction commits)."""
    if member.email:
        _send_link(member)


def _throttle(member: Member) -> None:
    limit(
        "email",
        str(member.pk),
        max_hits=EMAILS_PER_HOUR,
        window=3600,
        message="You have asked for a lot of emails recently. Please try again later.",
    )


def resend_verification(*, actor: Member) -> None:
    if actor.email_verified_at is not None:
        raise Conflict("Your email address is already verified.", code="already_verified")
    _throttle(actor)
    with transaction.atomic():
        send_verification(actor)


def verify_email(token: str) -> Member:
    """Mark the address the link was sent to verified; the same link again is harmless."""
    max_age = settings.HAVEN_EMAIL_LINK_DAYS * 24 * 3600
    try:
        claim = signing.loads(token or "", salt=SALT, max_age=max_age)
        member_id, email = int(claim["m"]), str(claim["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise Invalid.field("token", LINK_EXPIRED) from None
    with transaction.atomic():
        member = Member.objects.select_for_update().filter(pk=member_id, email=email).first()
        if member is None or not member.is_active:
            raise Invalid.field("token", LINK_EXPIRED)
        if member.email_verified_at is None:
            member.email_verified_at = timezone.now()
            member.save(update_fields=["email_verified_at"])
            record(actor=member, event="email_verified", target=member)
    return member


def _partly_hidden(address: str) -> str:
    name, _, domain = address.partition("@")
    return f"{name[:1]}…@{domain}"


def change_email(*, actor: Member, email: str, password: str) -> Member:
    """The member's new address, after their password; told to the old address."""
    email = check_email(email)
    if not actor.check_password(password or ""):
        raise Invalid.field("password", "That password isn't right.")
    _throttle(actor)
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=actor.pk)
        old = member.email
        if old.casefold() == email.casefold():
            raise Invalid.field("email", "That is already your email address.")
        member.email, member.email_verified_at = email, None
        member.save(update_fields=["email", "email_verified_at"])
        record(
            actor=member,
            event="email_change",
            target=member,
            old={"email": old},
            new={"email": email},
        )
        if old:
            body = (
                f"Hello {member.name},\n\nThe email address of your Haven account "
                f"{member.username} was changed to {_partly_hidden(email)}. Haven will write "
                "there from now on.\n\nIf you didn't do this, someone else may be using your "
                f"account: contact support at {settings.HAVEN_SITE_URL}"
                f"{reverse('support:home')} right away."
            )
            email_on_commit(old, "Haven: your email address was changed", body)
        send_verification(member)
    return member
