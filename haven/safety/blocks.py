"""Blocking a member, and the blocker's own list of blocks.

Blocking is the fastest way to stop harassment, so it does everything at once,
in one transaction: the block row, every pending friend request between the two
withdrawn (either direction), and the friendship ended. Nothing else changes:
past messages, comments and shares stay (they are the blocker's record and may
be evidence). Everything else a block means (no chat, no timeline, no comments)
is answered on each request by the policy gate, which reads the block row.

The blocked member is never told, and only the blocker ever reads these rows.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from haven.audit.log import record
from haven.core.errors import Invalid
from haven.core.pagination import Page, paginate
from haven.friends.models import FriendRequest, Friendship
from haven.safety.models import Block


def block_member(*, actor, target) -> Block:
    """Block `target`. Blocking someone already blocked changes nothing (idempotent),
    except that it ends anything that crept back in between: a friendship cannot
    exist while a block does."""
    if actor.pk == target.pk:
        raise Invalid.field("username", "You can't block yourself.")
    with transaction.atomic():
        existed = Block.objects.filter(blocker=actor, blocked=target).exists()
        Block.objects.bulk_create([Block(blocker=actor, blocked=target)], ignore_conflicts=True)
        if not existed:
            record(actor=actor, event="block", target=target)
        between = Q(from_member=actor, to_member=target) | Q(from_member=target, to_member=actor)
        FriendRequest.objects.filter(between, status=FriendRequest.Status.PENDING).update(
            status=FriendRequest.Status.WITHDRAWN, responded_at=timezone.now()
        )
        Friendship.objects.filter(
            Q(member=actor, friend=target) | Q(member=target, friend=actor)
        ).delete()
        # With the member it names: the answer then needs no query after the commit
        # (one that finds the database gone would fail an action already done).
        return Block.objects.select_related("blocked").get(blocker=actor, blocked=target)


def unblock_member(*, actor, target) -> bool:
    """Lift a block (idempotent). The friendship a block ended does not come back:
    either member may send a new friend request. Returns whether a block existed."""
    with transaction.atomic():
        deleted, _ = Block.objects.filter(blocker=actor, blocked=target).delete()
        if deleted:
            record(actor=actor, event="unblock", target=target)
    return bool(deleted)


def blocks_of(member, cursor: str | None = None, *, limit: int | None = None) -> Page:
    """The member's own blocks, newest first (members who left Haven drop out)."""
    return paginate(_blocks(member), cursor=cursor, limit=limit)


def _blocks(member) -> QuerySet[Block]:
    return Block.objects.filter(blocker=member, blocked__is_active=True).select_related("blocked")


def is_blocking(member, other) -> bool:
    """Does `member` block `other`? For the blocker's own pages (the Block/Unblock
    button); never used to answer a question asked by `other`."""
    if not member.is_authenticated or member.pk == other.pk:
        return False
    return Block.objects.filter(blocker=member, blocked=other).exists()
