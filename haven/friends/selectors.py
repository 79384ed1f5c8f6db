"""Reads about friendships and friend requests."""

from __future__ import annotations

from django.db.models import QuerySet

from haven.core.errors import NotFound
from haven.core.pagination import Page, paginate
from haven.friends.models import FriendRequest, Friendship


def friend_ids(member) -> QuerySet:
    """A subquery of the member's friends' ids, for use inside other queries."""
    return Friendship.objects.filter(member=member).values("friend_id")


def are_friends(a, b) -> bool:
    return Friendship.objects.filter(member=a, friend=b).exists()


def friends_of(member, *, cursor: str | None = None, limit: int | None = None) -> Page:
    friendships = Friendship.objects.filter(member=member, friend__is_active=True).select_related(
        "friend"
    )
    return paginate(friendships, cursor=cursor, limit=limit)


def incoming_requests(member, *, cursor: str | None = None, limit: int | None = None) -> Page:
    requests = FriendRequest.objects.filter(
        to_member=member, status=FriendRequest.Status.PENDING, from_member__is_active=True
    ).select_related("from_member", "to_member")
    return paginate(requests, cursor=cursor, limit=limit)


def outgoing_requests(member, *, cursor: str | None = None, limit: int | None = None) -> Page:
    requests = FriendRequest.objects.filter(
        from_member=member, status=FriendRequest.Status.PENDING, to_member__is_active=True
    ).select_related("from_member", "to_member")
    return paginate(requests, cursor=cursor, limit=limit)


def access_request(member, request_id: int) -> FriendRequest:
    """A request the member sent or received; anything else does not exist for them."""
    found = (
        FriendRequest.objects.select_related("from_member", "to_member")
        .filter(pk=request_id)
        .first()
    )
    if found is None or member.pk not in (found.from_member_id, found.to_member_id):
        raise NotFound("No such friend request.")
    return found


def relationship(viewer, other) -> dict:
    """What the viewer's profile page needs to show the right friend button."""
    if not viewer.is_authenticated or viewer.pk == other.pk:
        return {"friends": False, "sent": None, "received": None}
    pending = {
        (r.from_member_id, r.pk)
        for r in FriendRequest.objects.filter(
            status=FriendRequest.Status.PENDING,
            from_member__in=[viewer.pk, other.pk],
            to_member__in=[viewer.pk, other.pk],
        )
    }
    return {
        "friends": are_friends(viewer, other),
        "sent": next((pk for who, pk in pending if who == viewer.pk), None),
        "received": next((pk for who, pk in pending if who == other.pk), None),
    }
