"""The signed link to a member's standing page, for members who can't sign in.

Suspended and removed members cannot sign in, yet must be able to read why and
appeal. They reach their standing page through a signed link (`standing_url`),
shown when their password is right but sign-in is refused (the sign-in page finds
this function through HAVEN_STANDING_LINK: members knows nothing of the desk), and
sent in the email that tells them of the decision. The link names the member and
expires after the appeal window; it grants nothing else.
"""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from haven.core.errors import NotFound
from haven.members.models import Member
from haven.members.standing import sign_in_refusal

APPEAL_DAYS = 30  # a decision may be appealed this many days after it was made
SALT = "haven.standing"


EXPIRED = (
    "This link is not valid or has expired. If you can sign in, see Settings, Account standing."
)


def _state(member) -> str:
    state = f"{member.password}:{member.session_epoch}"
    return salted_hmac(SALT, state, algorithm="sha256").hexdigest()[:20]


def standing_url(member) -> str:
    return f"/standing/{signing.dumps([member.pk, _state(member)], salt=SALT)}"


def member_for_link(token: str) -> Member:
    try:
        pk, state = signing.loads(token, salt=SALT, max_age=timedelta(days=APPEAL_DAYS + 1))
    except (signing.BadSignature, TypeError, ValueError):
        raise NotFound(EXPIRED) from None
    member = Member.objects.filter(pk=pk).first()
    if member is None or not constant_time_compare(state, _state(member)):
        raise NotFound(EXPIRED)
    if not sign_in_refusal(member):
        raise NotFound(EXPIRED)  # not barred (any more): they sign in like everyone
    return member
