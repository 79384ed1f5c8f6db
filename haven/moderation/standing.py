"""A member's account standing: strikes, sanctions in force, and what may be appealed.

Suspended and removed members cannot sign in, yet must be able to read why and
appeal. They reach the same page through a signed link (haven.moderation.links).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from haven.members.models import Member
from haven.moderation.enforcement import CONTENT, SANCTIONS, describe
from haven.moderation.links import APPEAL_DAYS
from haven.moderation.models import Enforcement


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
