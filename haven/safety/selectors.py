"""SQL-side filters built on the same rules as `haven.safety.policies`.

Each function narrows a queryset to what `viewer` may see, in the database
(an `EXISTS` / `NOT EXISTS` on the block and friendship tables, never a Python
loop over rows), so a list stays one query whatever its length and however
many members the viewer blocks. The predicates in policies.py ask the same
questions about one pair of members with the expressions defined here.

The rules, as PRODUCT.md states them, while A blocks B:
- B does not see A's shares by any path (`visible_shares`);
- A does not see B's shares in A's feed (`feed_shares`), though A may still
  open B's timeline (A may need it for a report);
- A sees B's comments collapsed (`with_collapsed`);
- neither finds the other in member search (`searchable_members`).
"""

from __future__ import annotations

from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Value

from haven.friends.models import Friendship
from haven.members.models import TimelinePrivacy
from haven.safety.models import Block


def _signed_in(viewer) -> bool:
    return viewer is not None and viewer.is_authenticated


def blocks(blocker, blocked) -> Exists:
    """`blocker` blocks `blocked`; each side a member, an id or an `OuterRef`.
    One probe of the unique (blocker, blocked) index."""
    return Exists(Block.objects.filter(blocker=blocker, blocked=blocked))


def blocks_anyone(blocker) -> Exists:
    """`blocker` has at least one block (a probe of the block_once index)."""
    return Exists(Block.objects.filter(blocker=blocker))


def blocked_either_way(a, b) -> Q:
    # Two EXISTS rather than one OR: each uses its own index (block_once, block_reverse).
    return Q(blocks(a, b)) | Q(blocks(b, a))


def friends(a, b) -> Exists:
    """Friendship rows exist in both directions, so one direction is enough."""
    return Exists(Friendship.objects.filter(member=a, friend=b))


def friends_in_common(a, b) -> Exists:
    """`a` and `b` share at least one friend ("friends of friends")."""
    theirs = Friendship.objects.filter(member=b).values("friend_id")
    return Exists(Friendship.objects.filter(member=a, friend__in=theirs))


def timeline_open_to(viewer, owner: str = "author") -> Q:
    """The owner's timeline setting admits `viewer`, and the owner does not block
    them (mirrors `policies.can_view_timeline`). `owner` names the owner column
    of the filtered model (`author` for shares, `pk` for members)."""
    setting = f"{owner}__who_can_see_timeline" if owner != "pk" else "who_can_see_timeline"
    ref = OuterRef(owner)
    if not _signed_in(viewer):
        # A blocked member could sign out to read a public timeline; so a member who
        # blocks anyone has no signed-out audience ("by any path", PRODUCT.md).
        return Q(**{setting: TimelinePrivacy.EVERYONE}) & ~blocks_anyone(ref)
    admitted = Q(**{f"{setting}__in": [TimelinePrivacy.EVERYONE, TimelinePrivacy.MEMBERS]}) | (
        Q(**{setting: TimelinePrivacy.FRIENDS}) & friends(ref, viewer)
    )
    return Q(**{owner: viewer.pk}) | (~blocks(ref, viewer) & admitted)


def _not_hidden(viewer, field: str = "author") -> Q:
    """Items hidden pending review stay visible to their own author only."""
    if not _signed_in(viewer):
        return Q(hidden_at__isnull=True)
    return Q(hidden_at__isnull=True) | Q(**{field: viewer})


def visible_members(viewer, members: QuerySet) -> QuerySet:
    """Members whose profile page exists for the viewer."""
    return members.filter(is_active=True)


def searchable_members(viewer, members: QuerySet) -> QuerySet:
    """Who `viewer` may find in member search: active, opted in, and no block
    either way (a blocked member must not find the blocker, nor the reverse)."""
    members = members.filter(is_active=True, searchable=True)
    if not _signed_in(viewer):
        return members
    return members.exclude(blocked_either_way(viewer.pk, OuterRef("pk")))


def visible_shares(viewer, shares: QuerySet) -> QuerySet:
    """Shares whose timelines the viewer may see (mirrors `can_view_share`)."""
    return shares.filter(_not_hidden(viewer), timeline_open_to(viewer), author__is_active=True)


def feed_shares(viewer, shares: QuerySet) -> QuerySet:
    """`visible_shares`, minus the shares of members the viewer blocks."""
    return visible_shares(viewer, shares).exclude(blocks(viewer.pk, OuterRef("author")))


def visible_posts(viewer, posts: QuerySet) -> QuerySet:
    return posts.filter(_not_hidden(viewer), author__is_active=True)


def visible_comments(viewer, comments: QuerySet) -> QuerySet:
    return comments.filter(_not_hidden(viewer), author__is_active=True)


def with_collapsed(viewer, comments: QuerySet) -> QuerySet:
    """Annotate `collapsed`: the viewer blocks the comment's author. Such comments
    stay in the thread (replies around them must keep their sense) but are shown
    folded, behind a "show" control."""
    if not _signed_in(viewer):
        return comments.annotate(collapsed=Value(False, output_field=BooleanField()))
    return comments.annotate(collapsed=blocks(viewer.pk, OuterRef("author")))


def visible_messages(viewer, messages: QuerySet) -> QuerySet:
    """Messages of a chat the viewer is in; one hidden for review shows to its sender
    only, and a member removed from Haven takes their messages with them."""
    return messages.filter(_not_hidden(viewer, "sender"), sender__is_active=True)
