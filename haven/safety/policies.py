"""The policy gate: every "may A do X to B" question on Haven is answered here.

Surfaces (pages and API) never check account state, blocks or privacy on their
own; they ask a predicate here and, for lists, use the SQL filters in
`haven.safety.selectors`, which encode the same rules with the same expressions.

A refusal carries one neutral sentence per surface. Whatever the reason (a
privacy setting, a block, an inactive account) the words are the same, so a
refusal never tells a member that they were blocked.

Cost: a predicate about two members runs at most ONE query: the target's member
row (by primary key, so its privacy columns and account state are current)
annotated with `EXISTS` probes of the block and friendship indexes. A setting
therefore changes what others may do from that very moment.

Choices made where PRODUCT.md leaves room:
- `who_can_chat` gates *starting* a chat ("who can start a chat with me"). An
  existing conversation carries on whatever the setting later says; to stop one,
  a member blocks. Starting a chat with someone you already have a chat with is
  just a message in that chat, so only the message rules apply to it.
- A block stops chat and friendship both ways (the blocker must unblock first),
  as PRODUCT.md says for messages; for content it protects the blocker only: B
  may not see A's timeline nor comment on A's posts and shares nor reply to A's
  comments, while A may still open B's timeline (to report it), and only A's
  feed drops B's shares.
- `who_can_friend = friends_of_friends` means the two share at least one friend.
  A member who asked you first can always be answered (sending back accepts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q

from haven.chats.models import Chat
from haven.community.models import Share
from haven.core.errors import Invalid, NotSignedIn, Refused
from haven.core.events import emit
from haven.friends.models import FriendRequest
from haven.members.models import ChatPrivacy, FriendRequestPrivacy, Member, TimelinePrivacy
from haven.members.standing import restriction_refusal
from haven.safety.events import contact_refused_by_block
from haven.safety.selectors import blocks, blocks_anyone, friends, friends_in_common

CANNOT_CHAT = "You can't start a chat with this member."
CANNOT_MESSAGE = "You can't send messages in this chat."
CANNOT_BEFRIEND = "You can't send a friend request to this member."
CANNOT_COMMENT = "You can't comment here."
CANNOT_VIEW = "This isn't available."
SIGN_IN_TO_VIEW = "Sign in to see this timeline."
ACCOUNT_CANNOT = "Your account can't do this."


@dataclass(frozen=True)
class Decision:
    allowed: bool
    message: str = ""
    sign_in: bool = False  # refused only because the viewer is signed out
    # Allowed, and the first contact with a member who isn't a friend (a new chat):
    # new accounts may make only so many a day (haven.safety.limits.new_contact).
    new_contact: bool = False
    # Allowed: the two are friends (contact limits are looser, haven.safety.limits),
    # and whether this opens a chat that doesn't exist yet.
    friends: bool = False
    new_chat: bool = False
    # Refused because the other member blocks the actor: (actor id, blocker id, what
    # was tried), told to automated protection when the refusal is enforced.
    blocked: tuple[int, int, str] | None = None

    def __bool__(self) -> bool:
        return self.allowed

    def enforce(self) -> None:
        """Raise the neutral refusal when not allowed. An attempt a block refused is an
        event first (contact_refused_by_block): it is counted off the request path."""
        if self.sign_in:
            raise NotSignedIn(self.message)
        if not self.allowed:
            if self.blocked is not None:
                member_id, blocker_id, what = self.blocked
                emit(contact_refused_by_block, member_id=member_id, blocker_id=blocker_id,
                     what=what)  # fmt: skip
            raise Refused(self.message)


ALLOW = Decision(True)


def _signed_in(actor) -> None:
    if actor is None or not actor.is_authenticated:
        raise NotSignedIn("Sign in to do this.")
    if not actor.is_active:
        raise Refused(ACCOUNT_CANNOT)


def _not_restricted(actor) -> None:
    """A restricted account may read and keep chatting, but start nothing new."""
    refusal = restriction_refusal(actor)
    if refusal:
        raise Refused(refusal, code="restricted")


def _not_self(actor, target, *, field: str, message: str) -> None:
    if actor.pk == target.pk:
        raise Invalid.field(field, message)


def _about(target_id: int, **probes: Any) -> dict[str, Any] | None:
    """The target's current state plus the named EXISTS probes, in one query."""
    fields = ["is_active", "who_can_chat", "who_can_friend", "who_can_see_timeline"]
    return Member.objects.filter(pk=target_id).annotate(**probes).values(*fields, *probes).first()


def _blocked_either_way(a: int, b: int) -> dict[str, Exists]:
    return {"blocks_me": blocks(b, a), "i_block": blocks(a, b)}


def _refused(message: str, row: dict | None, actor, other_id: int, what: str) -> Decision:
    """The neutral refusal, noting when it was the other member's block (`row` holds
    the `blocks_me` probe) so the attempt can be counted."""
    by_block = row is not None and row["blocks_me"]
    return Decision(False, message, blocked=(actor.pk, other_id, what) if by_block else None)


def can_start_chat(actor, target) -> Decision:
    """Block either way, account state, then the target's `who_can_chat`."""
    _signed_in(actor)
    _not_self(actor, target, field="username", message="You can't start a chat with yourself.")
    low, high = sorted([actor.pk, target.pk])
    row = _about(
        target.pk,
        **_blocked_either_way(actor.pk, target.pk),
        friends=friends(actor.pk, target.pk),
        chatting=Exists(Chat.objects.filter(member_low_id=low, member_high_id=high)),
    )
    if row is None or not row["is_active"] or row["blocks_me"] or row["i_block"]:
        return _refused(CANNOT_CHAT, row, actor, target.pk, "chat")
    if row["chatting"]:
        # A message in an existing chat: allowed even while restricted.
        return Decision(True, friends=row["friends"])
    _not_restricted(actor)
    setting = row["who_can_chat"]
    if row["friends"] and setting in (ChatPrivacy.EVERYONE, ChatPrivacy.FRIENDS):
        return Decision(True, friends=True, new_chat=True)
    if setting == ChatPrivacy.EVERYONE:
        return Decision(True, new_contact=True, new_chat=True)
    return Decision(False, CANNOT_CHAT)


def message_probes(actor) -> dict[str, Exists]:
    """`can_message`'s probes as annotations on a query of the actor's own chats, so
    that finding the chat answers them too (chats.selectors.access_chat): one query
    for the chat, the other member's state (joined there) and the blocks. In a chat
    of the actor's, the other member's id is low + high - the actor's."""
    other = OuterRef("member_low_id") + OuterRef("member_high_id") - actor.pk
    return {
        "policy_blocks_me": blocks(other, actor.pk),
        "policy_i_block": blocks(actor.pk, other),
        "policy_friends": friends(actor.pk, other),
    }


def can_message(actor, chat) -> Decision:
    """`chat` must already be one the actor belongs to (see chats.selectors.access_chat).
    The other member's account state, a block either way and whether the two are
    friends (for the contact limits): read with the chat (`message_probes`), or one
    query here."""
    _signed_in(actor)
    other_id = chat.member_high_id if actor.pk == chat.member_low_id else chat.member_low_id
    if hasattr(chat, "policy_friends"):  # access_chat found both members active
        row = {"is_active": True, "blocks_me": chat.policy_blocks_me,
               "i_block": chat.policy_i_block, "friends": chat.policy_friends}  # fmt: skip
    else:
        row = _about(
            other_id, **_blocked_either_way(actor.pk, other_id), friends=friends(actor.pk, other_id)
        )
    if row is None or not row["is_active"] or row["blocks_me"] or row["i_block"]:
        return _refused(CANNOT_MESSAGE, row, actor, other_id, "message")
    return Decision(True, friends=row["friends"])


def can_send_friend_request(actor, target) -> Decision:
    """Block either way, account state, then the target's `who_can_friend`."""
    _signed_in(actor)
    _not_self(actor, target, field="username", message="You can't befriend yourself.")
    _not_restricted(actor)
    asked = FriendRequest.objects.filter(
        from_member_id=target.pk, to_member_id=actor.pk, status=FriendRequest.Status.PENDING
    )
    row = _about(
        target.pk,
        **_blocked_either_way(actor.pk, target.pk),
        asked_me=Exists(asked),
        in_common=friends_in_common(actor.pk, target.pk),
    )
    if row is None or not row["is_active"] or row["blocks_me"] or row["i_block"]:
        return _refused(CANNOT_BEFRIEND, row, actor, target.pk, "friend_request")
    setting = row["who_can_friend"]
    if row["asked_me"] or setting == FriendRequestPrivacy.EVERYONE:
        return ALLOW
    if setting == FriendRequestPrivacy.FRIENDS_OF_FRIENDS and row["in_common"]:
        return ALLOW
    return Decision(False, CANNOT_BEFRIEND)


def timeline_probes(viewer) -> dict[str, Exists]:
    """`can_view_timeline`'s probes as annotations on the query that finds the owner
    (`members.selectors.access_member`), so that one query answers both."""
    owner = OuterRef("pk")
    if viewer is None or not viewer.is_authenticated:
        return {"policy_blocks_anyone": blocks_anyone(owner)}
    return {
        "policy_blocks_me": blocks(owner, viewer.pk),
        "policy_friends": friends(viewer.pk, owner),
    }


def _read_with(member, *probes: str) -> dict[str, Any] | None:
    """The probes a query annotated `member` with (`timeline_probes`), as `_about`
    would return them, or None when it was read without them."""
    if not all(hasattr(member, f"policy_{p}") for p in probes):
        return None
    row = {p: getattr(member, f"policy_{p}") for p in probes}
    return row | {
        "is_active": member.is_active,
        "who_can_see_timeline": member.who_can_see_timeline,
    }


def can_view_timeline(viewer, owner) -> Decision:
    """The owner's `who_can_see_timeline`, unless the owner blocks the viewer.
    (Mirrored in SQL by `selectors.timeline_open_to`.) No query when `owner` was read
    with `timeline_probes`; one otherwise."""
    signed_in = viewer is not None and viewer.is_authenticated
    if signed_in and viewer.pk == owner.pk:
        return ALLOW
    if not signed_in:
        # Someone blocked could sign out to read: a member who blocks anyone has no
        # signed-out audience, whatever their setting (mirrored in timeline_open_to).
        if owner.is_active and owner.who_can_see_timeline == TimelinePrivacy.EVERYONE:
            row = _read_with(owner, "blocks_anyone") or _about(
                owner.pk, blocks_anyone=blocks_anyone(owner.pk)
            )
            if row is not None and not row["blocks_anyone"]:
                return ALLOW
        return Decision(False, SIGN_IN_TO_VIEW, sign_in=True)
    row = _read_with(owner, "blocks_me", "friends") or _about(
        owner.pk, blocks_me=blocks(owner.pk, viewer.pk), friends=friends(viewer.pk, owner.pk)
    )
    if row is None or not row["is_active"] or row["blocks_me"]:
        return Decision(False, CANNOT_VIEW)
    setting = row["who_can_see_timeline"]
    if setting in (TimelinePrivacy.EVERYONE, TimelinePrivacy.MEMBERS):
        return ALLOW
    if setting == TimelinePrivacy.FRIENDS and row["friends"]:
        return ALLOW
    return Decision(False, CANNOT_VIEW)


def can_view_share(viewer, share) -> Decision:
    """A share is seen where its author's timeline is seen (a direct link is no way
    round a block or a setting); one hidden for review shows to its author only."""
    if share.hidden_at is not None and not (
        viewer is not None and viewer.is_authenticated and viewer.pk == share.author_id
    ):
        return Decision(False, CANNOT_VIEW)
    return can_view_timeline(viewer, share.author)


def _authors_refuse(actor, author_ids: set[int]) -> Decision:
    """One query: does any of these members block the actor, or is any of them gone?
    The comment refusal if so, naming the one whose block refused it."""
    others = author_ids - {actor.pk}
    if not others:
        return ALLOW
    refusing = list(
        Member.objects.filter(pk__in=others)
        .annotate(blocks_me=blocks(OuterRef("pk"), actor.pk))
        .filter(Q(is_active=False) | Q(blocks_me=True))
        .values("pk", "blocks_me")
    )
    if not refusing:
        return ALLOW
    row = max(refusing, key=lambda r: r["blocks_me"])
    return _refused(CANNOT_COMMENT, row, actor, row["pk"], "comment")


def can_comment(actor, target) -> Decision:
    """Comment on a post or a timeline share. Refused when its author blocks the
    actor (or is gone); on a share, whenever the actor may not see it."""
    _signed_in(actor)
    _not_restricted(actor)
    if isinstance(target, Share):
        return ALLOW if can_view_share(actor, target) else Decision(False, CANNOT_COMMENT)
    return _authors_refuse(actor, {target.author_id})


def can_reply(actor, comment) -> Decision:
    """Reply to a comment: the thread's rules, and the comment's author must not
    block the actor either."""
    _signed_in(actor)
    _not_restricted(actor)
    if comment.share_id is not None:
        if not can_comment(actor, comment.share):
            return Decision(False, CANNOT_COMMENT)
        authors = {comment.author_id}
    else:
        authors = {comment.post.author_id, comment.author_id}
    return _authors_refuse(actor, authors)


def can_post(actor) -> Decision:
    """Write a post or a share: any member not under a restriction."""
    _signed_in(actor)
    _not_restricted(actor)
    return ALLOW


# Every surface the gate answers, with the predicate or SQL filter that answers it.
# The matrix test (haven/safety/tests/test_matrix.py) walks each key against every
# rule, and fails when a `can_*` predicate here has no surface, or a surface no row.
SURFACES: dict[str, str] = {
    "start_chat": "can_start_chat",
    "send_message": "can_message",
    "send_friend_request": "can_send_friend_request",
    "view_timeline_on_profile": "can_view_timeline",
    "api_timeline": "can_view_timeline",
    "view_share_by_link": "can_view_share",
    "see_share_in_feed": "selectors.feed_shares",
    "appear_in_search": "selectors.searchable_members",
    "comment_on_post": "can_comment",
    "comment_on_share": "can_comment",
    "reply_to_comment": "can_reply",
    "post": "can_post",
}
