"""What automated protection listens to (connected in AutomodConfig.ready): each event
enqueues its detector. The events are sent after commit, so the task is enqueued only
for what really happened."""

from __future__ import annotations

from django.dispatch import receiver

from haven.automod import tasks
from haven.chats.events import message_sent
from haven.friends.events import friend_request_sent
from haven.safety.events import new_account_limit_reached


@receiver(message_sent, dispatch_uid="automod.message_sent")
def on_message_sent(*, message_id: int, fingerprint: str, **_) -> None:
    if fingerprint:  # a text too short to count as a repeated message needs no check
        tasks.check_repeated_message.enqueue(message_id)


@receiver(friend_request_sent, dispatch_uid="automod.friend_request_sent")
def on_friend_request_sent(*, request_id: int, **_) -> None:
    tasks.check_requests_after_declines.enqueue(request_id)


@receiver(new_account_limit_reached, dispatch_uid="automod.new_account_limit_reached")
def on_new_account_limit_reached(*, member_id: int, what: str, **_) -> None:
    tasks.note_new_account_limit.enqueue(member_id, what)
