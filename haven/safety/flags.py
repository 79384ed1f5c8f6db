"""Flags: one member's "Report concern" on one post, comment, share or chat message.

A flag freezes the item as evidence and becomes a weighted signal on the item's
one case. Once the case's flag weight reaches the hide threshold (admins set it in
the Django admin; HAVEN_FLAG_HIDE_THRESHOLD until they do) (or a
staff member flags) the item is hidden pending review: the SQL filters in
`haven.safety.selectors` then show it to its author only, marked "under review".

Throwaway accounts must not be able to hide someone's post, so a flag's weight
depends on who flags (every flag still reaches the queue, whatever it weighs):

- An **established** member (account older than HAVEN_FLAG_ESTABLISHED_DAYS, email
  verified, and something posted, commented, shared or sent on Haven) weighs their
  reporter accuracy: 1.0 at first, up to 2.0, down to MIN_WEIGHT.
- Anyone else weighs HAVEN_FLAG_NEWCOMER_WEIGHT (0.1).
- Accounts **connected** to each other (signed up from the same address within
  CONNECTED_WINDOW of each other) count as one on an item: a flag adds only what it
  weighs beyond what its connected accounts already gave that item.
- An item by an established member is hidden only when at least one of its flaggers
  has a **track record**: a flag or report staff agreed with before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, FloatField, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from haven.audit.log import record
from haven.chats.actions import refresh_last_message
from haven.chats.models import Message
from haven.chats.selectors import access_chat, access_message
from haven.community.models import Comment, Post, Share
from haven.community.selectors import access_comment, access_post, access_share
from haven.core.errors import Conflict, Invalid, NotFound, NotSignedIn, Refused
from haven.core.ratelimit import limit
from haven.members.models import Member
from haven.members.roles import rank_of
from haven.moderation.actions import add_signal
from haven.moderation.models import Signal, flag_hide_threshold
from haven.moderation.priority import accuracy
from haven.safety.categories import chosen_category, clean_details
from haven.safety.evidence import capture
from haven.safety.models import Flag, TargetType

FLAGGABLE = (TargetType.POST, TargetType.COMMENT, TargetType.SHARE, TargetType.MESSAGE)
DETAILS_MAX = 2000
MEMBER_WEIGHT = 1.0
MIN_WEIGHT = 0.25
CONNECTED_WINDOW = timedelta(hours=1)
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


@dataclass(frozen=True)
class Flagger:
    """What a member's flag weighs on: their account and their record as a reporter."""

    established: bool
    agreed: int = 0
    dismissed: int = 0

    @property
    def track_record(self) -> bool:
        return self.agreed > 0

    @property
    def weight(self) -> float:
        if not self.established:
            return settings.HAVEN_FLAG_NEWCOMER_WEIGHT
        return max(MIN_WEIGHT, MEMBER_WEIGHT * accuracy(self.agreed, self.dismissed))


def _judged(outcome: str) -> Subquery:
    counted = (
        Signal.objects.filter(reporter=OuterRef("pk"), outcome=outcome)
        .values("reporter")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _history() -> Exists:
    mine = OuterRef("pk")
    return (
        Exists(Post.objects.filter(author=mine))
        | Exists(Comment.objects.filter(author=mine))
        | Exists(Share.objects.filter(author=mine))
        | Exists(Message.objects.filter(sender=mine))
    )


def _connected_weight(actor, found: Flaggable):
    """The flag weight the actor's connected accounts already gave this item."""
    if not actor.signup_address:
        return Value(0.0)
    joined = actor.date_joined
    given = (
        Flag.objects.filter(
            target_type=found.target_type,
            target_id=found.item.pk,
            reporter__signup_address=actor.signup_address,
            reporter__date_joined__range=(joined - CONNECTED_WINDOW, joined + CONNECTED_WINDOW),
        )
        .exclude(reporter=actor)
        .values("target_id")
        .annotate(w=Sum("weight"))
        .values("w")
    )
    return Coalesce(Subquery(given, output_field=FloatField()), 0.0)


def _flaggers(member_ids, *, also=None) -> tuple[dict[int, Flagger], float]:
    """Each member's Flagger, and the value of the expression `also` (0.0 without one),
    in one query."""
    rows = list(
        Member.objects.filter(pk__in=set(member_ids)).values_list(
            "pk",
            "date_joined",
            "email_verified_at",
            _history(),
            _judged(Signal.Outcome.AGREED),
            _judged(Signal.Outcome.DISMISSED),
            Value(0.0) if also is None else also,
        )
    )
    since = timezone.now() - timedelta(days=settings.HAVEN_FLAG_ESTABLISHED_DAYS)
    known = {
        pk: Flagger(bool(history) and verified is not None and joined <= since, agreed, dismissed)
        for pk, joined, verified, history, agreed, dismissed, _ in rows
    }
    return known, float(rows[0][-1] or 0.0) if rows else 0.0


def flag_weight(member) -> float:
    """How much one flag by `member` counts toward hiding an item (before any connected
    accounts' flags on it; see the module's docstring).

    A staff flag always reaches the threshold on its own: staff hide at once.
    """
    if is_staff(member):
        return max(flag_hide_threshold(), MEMBER_WEIGHT)
    return _flaggers([member.pk])[0][member.pk].weight


def _weigh(actor, found: Flaggable) -> tuple[float, bool]:
    """The actor's flag weight on this item, and whether reaching the threshold hides it
    without another flagger's track record (staff; a flagger with one; an author who is
    not established)."""
    if is_staff(actor):
        return flag_weight(actor), True
    known, given = _flaggers([actor.pk, found.author_id], also=_connected_weight(actor, found))
    me, author = known[actor.pk], known[found.author_id]
    return max(0.0, me.weight - given), me.track_record or not author.established


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


def _flagged_with_track_record(found: Flaggable) -> bool:
    """Has anyone with a track record (a flag or report staff agreed with) flagged it?"""
    agreed = Signal.objects.filter(reporter=OuterRef("reporter"), outcome=Signal.Outcome.AGREED)
    return (
        Flag.objects.filter(target_type=found.target_type, target_id=found.item.pk)
        .filter(Exists(agreed))
        .exists()
    )


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
    weight, vouched = _weigh(actor, found)
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
        if case.flag_weight >= flag_hide_threshold() and (
            vouched or _flagged_with_track_record(found)
        ):
            _hide(found, timezone.now())
    flag.target = found  # the item as it now stands (hidden or not), for the caller
    return flag
