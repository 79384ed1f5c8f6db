"""Every write about accounts: sign up, profile edits, API tokens."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from haven.core.errors import Invalid, NotFound, require_text
from haven.core.events import emit
from haven.core.ratelimit import RateLimited, limit
from haven.members.addresses import check_email, send_verification, signup_address_key
from haven.members.confusables import skeleton
from haven.members.events import member_joined
from haven.members.languages import LANGUAGES
from haven.members.models import USERNAME_RULE, ApiToken, Member, MemberLanguage

MAX_TOKENS = 20
# Names Haven itself signs with ("by Haven" on signals, "system" in the audit log).
RESERVED_USERNAMES = frozenset({"haven", "system"})
LOOKS_LIKE_ANOTHER = "This username looks too much like another member's. Choose another."
SIGN_IN_ATTEMPTS = (10, 300)  # per username and address, per 5 minutes
SIGN_UPS = (20, 3600)  # per address, per hour
# Past the per-username ceiling (attempts from every address together), attempts from
# browsers that never signed in as that member are slowed to one per interval.
SIGN_IN_SLOWED = 10  # seconds


def throttle_sign_in(*, username: str, address: str, known_device: bool = False) -> None:
    """Count a password attempt; refuse with 429 when they come too fast.

    The lock is per (username, address), so a stranger's wrong passwords never
    lock a member out. All addresses together have a larger ceiling per username
    (HAVEN_SIGN_IN_PER_USERNAME per 15 minutes); past it, attempts are slowed, not
    stopped, and a known device (see haven.members.devices) is not slowed at all.
    The message is the same whether or not the account exists."""
    username = username.strip().lower()
    message = "Too many sign-in attempts. Wait a few minutes and try again."
    hits, window = SIGN_IN_ATTEMPTS
    limit("sign-in", f"{username}|{address}", max_hits=hits, window=window, message=message)
    if known_device:
        return
    try:
        ceiling = settings.HAVEN_SIGN_IN_PER_USERNAME
        limit("sign-in-user", username, max_hits=ceiling, window=900, message=message)
    except RateLimited:
        slowed = "Too many sign-in attempts. Wait a few seconds and try again."
        limit("sign-in-slow", username, max_hits=1, window=SIGN_IN_SLOWED, message=slowed)


def throttle_sign_up(*, address: str) -> None:
    hits, window = SIGN_UPS
    message = "Too many new accounts from here. Try again later."
    limit("sign-up", address, max_hits=hits, window=window, message=message)


def _check_languages(field: str, codes: list[str]) -> list[str]:
    unknown = [c for c in codes if c not in LANGUAGES]
    if unknown:
        raise Invalid.field(field, f"Unknown language: {', '.join(unknown)}.")
    return list(dict.fromkeys(codes))


def _set_languages(member: Member, *, native: list[str], learning: list[str]) -> None:
    native = _check_languages("native_languages", native)
    learning = [c for c in _check_languages("learning_languages", learning) if c not in native]
    if not native:
        raise Invalid.field("native_languages", "Choose at least one language you speak.")
    MemberLanguage.objects.filter(member=member).delete()
    MemberLanguage.objects.bulk_create(
        [MemberLanguage(member=member, code=c, kind="native") for c in native]
        + [MemberLanguage(member=member, code=c, kind="learning") for c in learning]
    )


def _check_username(username: str) -> str:
    username = (username or "").strip().lower()
    try:
        USERNAME_RULE(username)
    except ValidationError as exc:
        raise Invalid.field("username", exc.messages[0]) from exc
    if username in RESERVED_USERNAMES:
        raise Invalid.field("username", "This username is taken.")
    return username


def check_new_password(field: str, password: str, member: Member) -> str:
    """The password, if Django's validators accept it for `member`; else a 400 on `field`."""
    password = password or ""
    try:
        validate_password(password, member)
    except ValidationError as exc:
        raise Invalid("Choose a stronger password.", fields={field: exc.messages}) from exc
    return password


def sign_up(
    *,
    username: str,
    email: str,
    password: str,
    display_name: str = "",
    kind: str = Member.Kind.STUDENT,
    native_languages: list[str] | None = None,
    learning_languages: list[str] | None = None,
    address: str = "",
    verified: bool = False,
    device_username: str = "",
) -> Member:
    """A new account; `address` is the client's (only its keyed hash is kept), and the
    link that verifies the email address is sent once the account is stored, unless the
    address is already known good (`verified`: the demo seed's made-up addresses).
    `device_username` is who last signed in on the browser it comes from (haven.
    members.devices), for automated protection's block evasion check."""
    username = _check_username(username)
    email = check_email(email)
    if kind not in Member.Kind.values:
        raise Invalid.field("kind", "Choose student or teacher.")
    display_name = require_text("display_name", display_name or username, max_length=50)
    candidate = Member(
        username=username,
        email=email,
        display_name=display_name,
        kind=kind,
        signup_address=signup_address_key(address),
        email_verified_at=timezone.now() if verified else None,
    )
    check_new_password("password", password, candidate)
    taken = Invalid.field("username", "This username is taken.")
    clash = (
        Member.objects.filter(username_skeleton=skeleton(username))
        .values_list("username", flat=True)
        .first()
    )
    if clash == username:
        raise taken
    if clash is not None:  # a look-alike of someone's name: impersonation
        raise Invalid.field("username", LOOKS_LIKE_ANOTHER)
    try:
        with transaction.atomic():
            candidate.set_password(password)
            candidate.save()
            _set_languages(
                candidate, native=native_languages or ["en"], learning=learning_languages or []
            )
            if not verified:
                send_verification(candidate)
            emit(member_joined, member_id=candidate.pk, device_username=device_username)
    except IntegrityError as exc:  # a concurrent sign-up took the name first
        raise taken from exc
    return candidate


def update_profile(
    *,
    actor: Member,
    display_name: str | None = None,
    bio: str | None = None,
    kind: str | None = None,
    native_languages: list[str] | None = None,
    learning_languages: list[str] | None = None,
) -> Member:
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=actor.pk)
        if display_name is not None:
            member.display_name = require_text("display_name", display_name, max_length=50)
        if bio is not None:
            bio = bio.strip()
            if len(bio) > 500:
                raise Invalid.field("bio", "Bio must be at most 500 characters.")
            member.bio = bio
        if kind is not None:
            if kind not in Member.Kind.values:
                raise Invalid.field("kind", "Choose student or teacher.")
            member.kind = kind
        member.save(update_fields=["display_name", "bio", "kind"])
        if native_languages is not None or learning_languages is not None:
            current = list(member.languages.all())
            _set_languages(
                member,
                native=native_languages
                if native_languages is not None
                else [x.code for x in current if x.kind == "native"],
                learning=learning_languages
                if learning_languages is not None
                else [x.code for x in current if x.kind == "learning"],
            )
    return member


def create_token(*, actor: Member, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is never shown again."""
    name = require_text("name", name, max_length=60)
    secret = "hvn_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        active = ApiToken.objects.filter(member=actor, revoked_at__isnull=True).count()
        if active >= MAX_TOKENS:
            raise Invalid.field("name", f"You can have at most {MAX_TOKENS} active tokens.")
        token = ApiToken.objects.create(
            member=actor, name=name, digest=ApiToken.digest_of(secret), prefix=secret[:12]
        )
    return token, secret


def revoke_token(*, actor: Member, token_id: int) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(member=actor, pk=token_id).first()
        if token is None:
            raise NotFound("No such token.")
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
    return token
