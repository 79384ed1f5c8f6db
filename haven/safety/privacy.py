"""A member's privacy settings: who may start a chat, send a friend request, see the
timeline, and whether they appear in member search.

The settings live on the member row (see Member), where the policy gate reads
them in the same query as the block and friendship probes; changing one takes
effect on the very next request anyone makes.
"""

from __future__ import annotations

from django.db import transaction

from haven.audit.log import record
from haven.core.errors import Invalid
from haven.members.models import ChatPrivacy, FriendRequestPrivacy, Member, TimelinePrivacy

PRIVACY_FIELDS = ("who_can_chat", "who_can_friend", "who_can_see_timeline", "searchable")
CHOICES = {
    "who_can_chat": ChatPrivacy,
    "who_can_friend": FriendRequestPrivacy,
    "who_can_see_timeline": TimelinePrivacy,
}


def _choice(field: str, value: str) -> str:
    options = CHOICES[field]
    if value not in options.values:
        allowed = ", ".join(options.values)
        raise Invalid.field(field, f"Choose one of: {allowed}.")
    return value


def update_privacy(
    *,
    actor: Member,
    who_can_chat: str | None = None,
    who_can_friend: str | None = None,
    who_can_see_timeline: str | None = None,
    searchable: bool | None = None,
) -> Member:
    """Change any of the four settings; the ones left out (None) keep their value."""
    wanted = {
        "who_can_chat": who_can_chat,
        "who_can_friend": who_can_friend,
        "who_can_see_timeline": who_can_see_timeline,
    }
    changes: dict[str, object] = {
        field: _choice(field, value) for field, value in wanted.items() if value is not None
    }
    if searchable is not None:
        if not isinstance(searchable, bool):
            raise Invalid.field("searchable", "Choose yes or no.")
        changes["searchable"] = searchable
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=actor.pk)
        old = {field: getattr(member, field) for field in changes}
        for field, value in changes.items():
            setattr(member, field, value)
        changed = {f: v for f, v in changes.items() if old[f] != v}
        if changed:
            member.save(update_fields=list(changed))
            record(
                actor=actor,
                event="privacy_change",
                target=member,
                old={f: old[f] for f in changed},
                new=changed,
            )
    for field, value in changes.items():
        setattr(actor, field, value)
    return member


def privacy_of(member: Member) -> dict[str, object]:
    return {field: getattr(member, field) for field in PRIVACY_FIELDS}
