"""A member's account standing: strikes, sanctions in force, and what may be appealed.

Suspended and removed members cannot sign in, yet must be able to read why and
appeal. They reach the same page through a signed link (`standing_url`), shown
when their password is right but sign-in is refused, and sent in the email that
tells them of the decision. The link names the member and expires after the
appeal window; it grants nothing else.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from haven.core.errors import NotFound
from haven.members.models import Member
from haven.members.standing import sign_in_refusal
from haven.moderation.enforcement import APPEAL_DAYS, CONTENT, SANCTIONS, describe
from haven.moderation.models import Enforcement

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


@dataclass
class Standing:
    member: Member
    decisions: list[Enforcement]
    strikes: int
    now: object

    @property
    def restricted(self) -> bool:
        return self.member.is_restricted(self.now)

    @property
    def suspended(self) -> bool:
        return self.member.is_suspended(self.now)

    @property
    def removed(self) -> bool:
        return self.member.removed_at is not None


def standing_of(member) -> Standing:
    """Every sanction on the member, newest first, each with its appeal and the item a
    content decision was about (two queries, plus one per kind of item)."""
    now = timezone.now()
    decisions = list(
        Enforcement.objects.filter(subject=member, kind__in=SANCTIONS)
        .select_related("category", "appeal", "case")
        .order_by("-created_at", "-id")
    )
    _name_items(decisions)
    for decision in decisions:
        appeal = getattr(decision, "appeal", None)
        decision.appeal_or_none = appeal
        decision.appeal_until = decision.created_at + timedelta(days=APPEAL_DAYS)
        decision.can_appeal = (
            appeal is None and decision.reversed_at is None and now < decision.appeal_until
        )
    strikes = sum(1 for d in decisions if d.strike and d.reversed_at is None)
    return Standing(member=member, decisions=decisions, strikes=strikes, now=now)


def _name_items(decisions: list[Enforcement]) -> None:
    """Set `about` on each decision: the post, comment, share or message it removed."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for decision in decisions:
        if decision.case.target_type in CONTENT:
            wanted[decision.case.target_type].add(decision.case.target_id)
    items = {kind: CONTENT[kind].objects.in_bulk(ids) for kind, ids in wanted.items()}
    for decision in decisions:
        case = decision.case
        decision.about = describe(case, items.get(case.target_type, {}).get(case.target_id))
