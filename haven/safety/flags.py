"""Flags: one member's "Report concern" on one post, comment, share or chat message.

A flag freezes the item as evidence and becomes a weighted signal on the item's
one case. Once the case's flag weight reaches the hide threshold (admins set it in
the Django admin; HAVEN_FLAG_HIDE_THRESHOLD until they do) (or a
staff member flags) the item is hidden pending review: the SQL filters in
`haven.safety.selectors` then show it to its author only, marked "under review".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from haven.audit.log import record
from haven.chats.actions import refresh_last_message
from haven.chats.models import Message
from haven.chats.selectors import access_chat, access_message
from haven.community.selectors import access_comment, access_post, access_share
from haven.core.errors import Conflict, Invalid, NotFound, NotSignedIn, Refused
from haven.core.ratelimit import limit
from haven.members.roles import rank_of
from haven.moderation.actions import add_signal
from haven.moderation.models import flag_hide_threshold
from haven.moderation.priority import accuracy_of
from haven.safety.categories import chosen_category, clean_details
from haven.safety.evidence import capture
from haven.safety.models import Flag, TargetType

FLAGGABLE = (TargetType.POST, TargetType.COMMENT, TargetType.SHARE, TargetType.MESSAGE)
DETAILS_MAX = 2000
MEMBER_WEIGHT = 1.0
MIN_WEIGHT = 0.25
OWN_ITEM = "You can't flag something you wrote."
ALREADY_FLAGGED = "You have already flagged this. Thank you, it is with our team."
TOO_MANY = "You have flagged a lot in the last hour. Please try again later."


@dataclass(frozen=True)
class Flaggable:
    """An item the actor may see, with who wrote it (the case's subject)."""

    target_type: str
    item: Any
    author: Any

    @property
    def author_id(self) -> int:
        return self.author.pk


def is_staff(member) -> bool:
    return bool(member.is_staff) or rank_of(member) > 0


def flag_weight(member) -> float:
    """How much one flag by `member` counts toward hiding an item.

    A member's flag counts their reporter accuracy (haven.moderation.priority:
    1.0 for a new member, up to 2.0 for someone staff keep agreeing with, down
    towards MIN_WEIGHT for someone whose flags keep being dismissed). A staff
    flag always reaches the threshold on its own: staff hide at once.
    """
    if is_staff(member):
        return max(flag_hide_threshold(), MEMBER_WEIGHT)
    return max(MIN_WEIGHT, MEMBER_WEIGHT * accuracy_of([member.pk])[member.pk])


def _message(actor, message_id: int):
    """A message of one of the actor's own chats; any other is as if it did not exist."""
    chat_id = Message.objects.filter(pk=message_id).values_list("chat_id", flat=True).first()
    if chat_id is None:
        raise NotFound("No such message.")
    try:
        chat = access_chat(actor, chat_id)
    except NotFound:
        raise NotFound("No such message.") from None
    return access_message(actor, chat, message_id)


def find_flaggable(actor, target_type: str, target_id: int) -> Flaggable:
    """The item, through the same access rules as the page that shows it (else 404)."""
    if target_type == TargetType.POST:
        post = access_post(actor, target_id)
        return Flaggable(target_type, post, post.author)
    if target_type == TargetType.COMMENT:
        comment = access_comment(actor, target_id)  # on a post or a share it may see
        return Flaggable(target_type, comment, comment.author)
    if target_type == TargetType.SHARE:
        share = access_share(actor, target_id)
        return Flaggable(target_type, share, share.author)
    if target_type == TargetType.MESSAGE:
        message = _message(actor, target_id)
        return Flaggable(target_type, message, message.sender)
    raise Invalid.field("target_type", "Choose post, comment, share or message.")


def _signed_in(actor) -> None:
    if actor is None or not actor.is_authenticated:
        raise NotSignedIn("Sign in to do this.")
    if not actor.is_active:
        raise Refused("Your account can't do this.")


def _hide(found: Flaggable, now) -> None:
    model = type(found.item)
    model.objects.filter(pk=found.item.pk, hidden_at__isnull=True).update(hidden_at=now)
    found.item.hidden_at = found.item.hidden_at or now
    if found.target_type == TargetType.MESSAGE:
        refresh_last_message(found.item.chat_id)


def flag_item(*, actor, target_type: str, target_id: int, category: str, details: str = "") -> Flag:
    """File a flag: freeze the item, add a signal to its case, hide it past the threshold.

    Order matters: input (400), then the item (404 if the actor can't see it), then
    own content (400), then the hourly limit (429), and the database's unique
    constraint decides a second flag (409) — never a check before the insert.
    """
    _signed_in(actor)
    if target_type not in FLAGGABLE:
        raise Invalid.field("target_type", "Choose post, comment, share or message.")
    chosen = chosen_category(category)
    details = clean_details(details, chosen, max_length=DETAILS_MAX)
    found = find_flaggable(actor, target_type, target_id)
    if found.author_id == actor.pk:
        raise Invalid.field("target_id", OWN_ITEM)
    limit(
        "flag", str(actor.pk), max_hits=settings.HAVEN_FLAGS_PER_HOUR, window=3600, message=TOO_MANY
    )
    weight = flag_weight(actor)
    with transaction.atomic():
        try:
            with transaction.atomic():
                flag = Flag.objects.create(
                    reporter=actor,
                    target_type=target_type,
                    target_id=found.item.pk,
                    author=found.author,
                    category=chosen,
                    details=details,
                    weight=weight,
                )
        except IntegrityError:
            raise Conflict(ALREADY_FLAGGED, code="already_flagged") from None
        evidence = capture(target_type, found.item, flag=flag, viewer=actor)
        record(
            actor=actor,
            event="flag",
            target_type=target_type,
            target_id=found.item.pk,
            target_label=f"{target_type} {found.item.pk} by {found.author.username}",
            reason=chosen.slug,
            new={"flag_id": flag.pk, "evidence_sha256": evidence.sha256},
            snapshot=evidence.payload,
        )
        case, _ = add_signal(
            target_type=target_type,
            target_id=found.item.pk,
            subject=found.author,
            kind="flag",
            category=chosen,
            reporter=actor,
            weight=weight,
            flag=flag,
        )
        if case.flag_weight >= flag_hide_threshold() or is_staff(actor):
            _hide(found, timezone.now())
    flag.target = found  # the item as it now stands (hidden or not), for the caller
    return flag
