"""The policy gate: every "may A do X to B" question on Haven is answered here.

Surfaces (pages and API) never check account state, blocks or privacy on their
own; they ask a predicate here and, for lists, use the SQL filters in
`haven.safety.selectors`, which encode the same rules.

A refusal carries one neutral sentence per surface. Whatever the reason (a
privacy setting, a block, an inactive account) the words are the same, so a
refusal never tells a member that they were blocked.
"""

from __future__ import annotations

from dataclasses import dataclass

from haven.core.errors import Invalid, NotSignedIn, Refused

CANNOT_CHAT = "You can't start a chat with this member."
CANNOT_MESSAGE = "You can't send messages in this chat."
CANNOT_BEFRIEND = "You can't send a friend request to this member."
CANNOT_COMMENT = "You can't comment here."
CANNOT_VIEW = "This isn't available."


@dataclass(frozen=True)
class Decision:
    allowed: bool
    message: str = ""

    def __bool__(self) -> bool:
        return self.allowed

    def enforce(self) -> None:
        """Raise the neutral refusal when not allowed."""
        if not self.allowed:
            raise Refused(self.message)


ALLOW = Decision(True)


def _signed_in(actor) -> None:
    if actor is None or not actor.is_authenticated:
        raise NotSignedIn("Sign in to do this.")
    if not actor.is_active:
        raise Refused("Your account can't do this.")


def _not_self(actor, target, *, field: str, message: str) -> None:
    if actor.pk == target.pk:
        raise Invalid.field(field, message)


def _reachable(target, message: str) -> Decision:
    return ALLOW if target.is_active else Decision(False, message)


def can_start_chat(actor, target) -> Decision:
    _signed_in(actor)
    _not_self(actor, target, field="username", message="You can't start a chat with yourself.")
    return _reachable(target, CANNOT_CHAT)


def can_message(actor, chat) -> Decision:
    """`chat` must already be one the actor belongs to (see chats.selectors.access_chat)."""
    _signed_in(actor)
    return _reachable(chat.other(actor), CANNOT_MESSAGE)


def can_send_friend_request(actor, target) -> Decision:
    _signed_in(actor)
    _not_self(actor, target, field="username", message="You can't befriend yourself.")
    return _reachable(target, CANNOT_BEFRIEND)


def can_view_timeline(viewer, owner) -> Decision:
    """Timelines are visible to signed-in members (the default "members" setting)."""
    if viewer is None or not viewer.is_authenticated:
        return Decision(False, "Sign in to see this timeline.")
    if viewer.pk == owner.pk:
        return ALLOW
    return _reachable(owner, CANNOT_VIEW)


def can_view_share(viewer, share) -> Decision:
    return can_view_timeline(viewer, share.author)


def can_comment(actor, post) -> Decision:
    _signed_in(actor)
    if actor.pk == post.author_id:
        return ALLOW
    return _reachable(post.author, CANNOT_COMMENT)


def can_reply(actor, comment) -> Decision:
    _signed_in(actor)
    decision = can_comment(actor, comment.post)
    if not decision or actor.pk == comment.author_id:
        return decision
    return _reachable(comment.author, CANNOT_COMMENT)


def can_post(actor) -> Decision:
    """Write a post or a share (the restriction enforcement will narrow this)."""
    _signed_in(actor)
    return ALLOW
