from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from haven.core.api import OPTIONAL, ErrorOut, PageOut, page_limit, viewer
from haven.core.errors import Invalid, Refused
from haven.core.pagination import paginate
from haven.core.ratelimit import client_ip
from haven.members import actions, addresses, devices, passwords, selectors
from haven.members.schemas import (
    EmailChangeIn,
    EmailOut,
    EmailVerificationIn,
    MemberOut,
    NewTokenOut,
    PasswordChangeIn,
    PasswordChangeOut,
    PasswordResetConfirmIn,
    PasswordResetIn,
    ProfileIn,
    SignupIn,
    SignupOut,
    TokenIn,
    TokenOut,
    TokenRequestIn,
)
from haven.members.search import search_members
from haven.members.standing import barred_by_standing, sign_in_refusal

router = Router(tags=["members"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
LIMITED = {**ERRORS, 429: ErrorOut}


def _token_out(token, secret: str) -> dict:
    return {**TokenOut.from_orm(token).dict(), "token": secret}


@router.post("/auth/signup", auth=None, response={201: SignupOut, **LIMITED})
def signup(request: HttpRequest, response: HttpResponse, payload: SignupIn):
    """Create an account and a first API token (shown only once). Rate limited per address.
    A link that verifies the email address is emailed (see POST /auth/email-verification)."""
    address = client_ip(request)
    actions.throttle_sign_up(address=address)
    member = actions.sign_up(
        **payload.dict(), address=address, device_username=devices.signed_in_here(request)
    )
    _, secret = actions.create_token(actor=member, name="Sign-up")
    devices.remember(response, member.username)
    return Status(201, {"member": selectors.access_member(member.username), "token": secret})


@router.post("/auth/token", auth=None, response={201: NewTokenOut, **LIMITED})
def issue_token(request: HttpRequest, response: HttpResponse, payload: TokenRequestIn):
    """Exchange a username and password for a new bearer token. Rate limited (429).
    A suspended or removed account is refused with 403 `account_barred`."""
    actions.throttle_sign_in(
        username=payload.username,
        address=client_ip(request),
        known_device=devices.is_known(request, payload.username),
    )
    member = authenticate(request, username=payload.username.lower(), password=payload.password)
    if member is None:
        barred = barred_by_standing(payload.username, payload.password)
        if barred is not None:
            raise Refused(sign_in_refusal(barred), code="account_barred")
        raise Invalid("Wrong username or password.", code="bad_credentials")
    devices.note_sign_in(request, member)
    token, secret = actions.create_token(actor=member, name=payload.name)
    devices.remember(response, member.username)  # a client that keeps cookies is known next time
    return Status(201, _token_out(token, secret))


@router.get("/me", response={200: MemberOut, **ERRORS})
def me(request: HttpRequest):
    return selectors.access_member(viewer(request).username)


@router.patch("/me", response={200: MemberOut, **ERRORS})
def edit_me(request: HttpRequest, payload: ProfileIn):
    actions.update_profile(actor=viewer(request), **payload.dict(exclude_unset=True))
    return selectors.access_member(viewer(request).username)


@router.get("/me/email", response={200: EmailOut, **ERRORS})
def my_email(request: HttpRequest):
    """My email address and whether it is verified."""
    return viewer(request)


@router.put("/me/email", response={200: EmailOut, **LIMITED})
def change_email(request: HttpRequest, payload: EmailChangeIn):
    """Change my email address; my current `password` is required (400 on `password` if
    wrong). The old address is told of the change, the new one gets a verification link
    and is unverified until it is opened. At most 5 emails an hour (429)."""
    return addresses.change_email(
        actor=viewer(request), email=payload.email, password=payload.password
    )


@router.post("/me/email/verification", response={204: None, **LIMITED})
def resend_verification(request: HttpRequest):
    """Email the verification link again (409 `already_verified` if it is)."""
    addresses.resend_verification(actor=viewer(request))
    return Status(204, None)


@router.post("/auth/email-verification", auth=None, response={204: None, **ERRORS})
def verify_email(request: HttpRequest, payload: EmailVerificationIn):
    """Verify an email address with the token from the emailed link (the last part of
    /verify-email/{token}); 400 on `token` when it has expired or isn't valid."""
    addresses.verify_email(payload.token)
    return Status(204, None)


@router.put("/me/password", response={200: PasswordChangeOut, **LIMITED})
def change_password(request: HttpRequest, payload: PasswordChangeIn):
    """Change my password; my current one is required (400 on `current_password`), the
    new one must be strong (400 on `new_password`). Every browser signed in as me is
    signed out and every API token revoked, this one too: the answer carries a new
    token. I am told by email. At most 10 tries an hour (429)."""
    secret = passwords.change_password(
        actor=viewer(request),
        current=payload.current_password,
        new=payload.new_password,
        token_for="After a password change",
    )
    return {"token": secret}


@router.post("/auth/password-reset", auth=None, response={202: None, **LIMITED})
def request_password_reset(request: HttpRequest, payload: PasswordResetIn):
    """Email a link to reset the password of the account with this address. The answer
    (202) is the same whether or not there is one. Limited per address and per place (429)."""
    passwords.request_reset(email=payload.email, address=client_ip(request))
    return Status(202, None)


@router.post("/auth/password-reset/confirm", auth=None, response={204: None, **LIMITED})
def confirm_password_reset(request: HttpRequest, payload: PasswordResetConfirmIn):
    """Set a new password with the emailed link's `uid` and `token` (400 on `token` when
    it expired or was used, on `new_password` when too weak). Every session and API token
    of the account ends."""
    passwords.reset_password(uid=payload.uid, token=payload.token, new=payload.new_password)
    return Status(204, None)


@router.get("/me/tokens", response={200: PageOut[TokenOut], **ERRORS})
def list_tokens(request: HttpRequest, cursor: str | None = None, limit: int | None = page_limit()):
    return paginate(selectors.tokens_of(viewer(request)), cursor=cursor, limit=limit)


@router.post("/me/tokens", response={201: NewTokenOut, **ERRORS})
def create_token(request: HttpRequest, payload: TokenIn):
    token, secret = actions.create_token(actor=viewer(request), name=payload.name)
    return Status(201, _token_out(token, secret))


@router.delete("/me/tokens/{token_id}", response={204: None, **ERRORS})
def revoke_token(request: HttpRequest, token_id: int):
    actions.revoke_token(actor=viewer(request), token_id=token_id)
    return Status(204, None)


@router.get("/members", response={200: PageOut[MemberOut], **ERRORS})
def search(
    request: HttpRequest,
    q: str = "",
    language: str = "",
    cursor: str | None = None,
    limit: int | None = page_limit(),
):
    """Find members by username or display name (`q`, any case, contains) and by a
    language they speak or learn (`language`, e.g. `ja`). Only members who appear in
    search are found, and never a member on the other side of a block."""
    return search_members(viewer(request), q=q, language=language, cursor=cursor, limit=limit)


@router.get("/members/{username}", auth=OPTIONAL, response={200: MemberOut, **ERRORS})
def member_profile(request: HttpRequest, username: str):
    return selectors.access_member(username)
