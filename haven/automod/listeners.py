"""What automated protection listens to (connected in AutomodConfig.ready): each event
enqueues its detector, to run once the member's transaction commits."""

from __future__ import annotations

from django.dispatch import receiver

from haven.automod import tasks
from haven.chats.events import message_sent
from haven.community.events import text_written
from haven.core.tasks import enqueue_on_commit
from haven.friends.events import friend_request_sent
from haven.members.events import device_shared, member_joined
from haven.safety.events import contact_refused_by_block, new_account_limit_reached


@receiver(message_sent, dispatch_uid="automod.message_sent")
def on_message_sent(*, message_id: int, **_) -> None:
    enqueue_on_commit(tasks.check_message, message_id)


@receiver(text_written, dispatch_uid="automod.text_written")
def on_text_written(*, kind: str, item_id: int, **_) -> None:
    enqueue_on_commit(tasks.check_text, kind, item_id)


@receiver(friend_request_sent, dispatch_uid="automod.friend_request_sent")
def on_friend_request_sent(*, request_id: int, **_) -> None:
    enqueue_on_commit(tasks.check_requests_after_declines, request_id)


@receiver(new_account_limit_reached, dispatch_uid="automod.new_account_limit_reached")
def on_new_account_limit_reached(*, member_id: int, what: str, **_) -> None:
    enqueue_on_commit(tasks.note_new_account_limit, member_id, what)


@receiver(contact_refused_by_block, dispatch_uid="automod.contact_refused_by_block")
def on_contact_refused_by_block(*, member_id: int, blocker_id: int, what: str, **_) -> None:
    enqueue_on_commit(tasks.note_refused_contact, member_id, blocker_id, what)


@receiver(member_joined, dispatch_uid="automod.member_joined")
@receiver(device_shared, dispatch_uid="automod.device_shared")
def on_member_joined_or_device_shared(*, member_id: int, device_username: str, **_) -> None:
    enqueue_on_commit(tasks.check_evasion, member_id, device_username)
