"""Friend requests and friendships. Each verb is one transaction."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from haven.core.errors import Conflict, Invalid, NotFound
from haven.core.events import emit
from haven.friends.events import friend_request_sent
from haven.friends.models import FriendRequest, Friendship
from haven.safety import limits, policies

Status = FriendRequest.Status


def _befriend(a, b) -> None:
    Friendship.objects.bulk_create(
        [Friendship(member=a, friend=b), Friendship(member=b, friend=a)], ignore_conflicts=True
    )


def _close(request: FriendRequest, status: str) -> FriendRequest:
    request.status = status
    request.responded_at = timezone.now()
    request.save(update_fields=["status", "responded_at"])
    return request


def send_friend_request(*, actor, target) -> FriendRequest:
    """Send a request; if the target already asked the actor, this accepts theirs."""
    policies.can_send_friend_request(actor, target).enforce()
    with (
        limits.counted(actor, "friend_request") as counted,
        limits.new_contact(actor, what="a friend request") as contact,
        transaction.atomic(),
    ):
        if Friendship.objects.filter(member=actor, friend=target).exists():
            raise Conflict("You are already friends.", code="already_friends")
        theirs = (
            FriendRequest.objects.select_for_update()
            .filter(from_member=target, to_member=actor, status=Status.PENDING)
            .first()
        )
        if theirs is not None:
            counted.refund()  # accepting their request contacts nobody new
            contact.refund()
            _befriend(actor, target)
            return _close(theirs, Status.ACCEPTED)
        try:
            with transaction.atomic():
                request = FriendRequest.objects.create(from_member=actor, to_member=target)
        except IntegrityError as exc:
            raise Conflict(
                "You already sent this member a friend request.", code="already_requested"
            ) from exc
        emit(friend_request_sent, request_id=request.pk, from_member_id=actor.pk,
                       to_member_id=target.pk)  # fmt: skip
        return request


def _pending(request: FriendRequest) -> FriendRequest:
    locked = FriendRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != Status.PENDING:
        raise Conflict("This friend request is no longer pending.", code="not_pending")
    return locked


def accept_friend_request(*, actor, request: FriendRequest) -> FriendRequest:
    if request.to_member_id != actor.pk:
        raise NotFound("No such friend request.")
    with transaction.atomic():
        request = _pending(request)
        _befriend(request.from_member, request.to_member)
        return _close(request, Status.ACCEPTED)


def decline_friend_request(*, actor, request: FriendRequest) -> FriendRequest:
    if request.to_member_id != actor.pk:
        raise NotFound("No such friend request.")
    with transaction.atomic():
        return _close(_pending(request), Status.DECLINED)


def cancel_friend_request(*, actor, request: FriendRequest) -> FriendRequest:
    if request.from_member_id != actor.pk:
        raise NotFound("No such friend request.")
    with transaction.atomic():
        return _close(_pending(request), Status.CANCELLED)


def unfriend(*, actor, friend) -> None:
    if actor.pk == friend.pk:
        raise Invalid.field("username", "You can't unfriend yourself.")
    with transaction.atomic():
        deleted, _ = Friendship.objects.filter(member=actor, friend=friend).delete()
        if not deleted:
            raise NotFound("You are not friends with this member.")
        Friendship.objects.filter(member=friend, friend=actor).delete()
