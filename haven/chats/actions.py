"""Starting chats, sending messages, marking them read."""

from __future__ import annotations

from contextlib import nullcontext

from django.db import IntegrityError, transaction
from django.db.models import Max

from haven.chats.events import message_sent
from haven.chats.fingerprints import fingerprint
from haven.chats.models import MESSAGE_MAX, Chat, ChatMembership, Message
from haven.core.errors import Refused, require_text
from haven.core.events import emit
from haven.safety import limits, policies


def _body(body: str) -> str:
    return require_text("body", body, max_length=MESSAGE_MAX, label="Message")


def _chat_between(a, b) -> Chat:
    low, high = sorted([a.pk, b.pk])
    chat = Chat.objects.filter(member_low_id=low, member_high_id=high).first()
    if chat is not None:
        return chat
    try:
        with transaction.atomic():
            chat = Chat.objects.create(member_low_id=low, member_high_id=high)
            ChatMembership.objects.bulk_create(
                [
                    ChatMembership(chat=chat, member_id=low),
                    ChatMembership(chat=chat, member_id=high),
                ]
            )
            return chat
    except IntegrityError:  # the other side opened it at the same moment
        return Chat.objects.get(member_low_id=low, member_high_id=high)


def _post(chat: Chat, sender, body: str) -> Message:
    """One INSERT: a trigger (migration 0006) moves the chat's preview to the message and
    the sender's read mark past it, in the same statement."""
    message = Message.objects.create(
        chat=chat, sender=sender, body=body, fingerprint=fingerprint(body)
    )
    chat.last_message, chat.last_message_at = message, message.created_at
    emit(message_sent, message_id=message.pk, sender_id=sender.pk, chat_id=chat.pk,
                   fingerprint=message.fingerprint)  # fmt: skip
    return message


def start_chat(*, actor, target, body: str) -> tuple[Chat, Message]:
    """Open (or reuse) the chat with `target` and send the first message."""
    decision = policies.can_start_chat(actor, target)
    decision.enforce()
    body = _body(body)
    new_chat = (
        limits.counted(actor, "chat", friends=decision.friends)
        if decision.new_chat
        else nullcontext()
    )
    new_contact = (
        limits.new_contact(actor, what="a new chat") if decision.new_contact else nullcontext()
    )
    message = limits.counted(actor, "message", friends=decision.friends)
    with new_chat, new_contact, message, transaction.atomic():
        chat = _chat_between(actor, target)
        policies.can_message(actor, _with_members(chat)).enforce()
        return chat, _post(chat, actor, body)


def _with_members(chat: Chat) -> Chat:
    if "member_low" not in chat._state.fields_cache:
        chat = Chat.objects.select_related("member_low", "member_high").get(pk=chat.pk)
    return chat


def send_message(*, actor, chat: Chat, body: str) -> Message:
    decision = policies.can_message(actor, chat)
    decision.enforce()
    body = _body(body)
    with limits.counted(actor, "message", friends=decision.friends), transaction.atomic():
        return _post(chat, actor, body)


def mark_read(*, actor, chat: Chat) -> None:
    latest = Message.objects.filter(chat=chat).aggregate(m=Max("id"))["m"] or 0
    with transaction.atomic():
        ChatMembership.objects.filter(
            chat=chat, member=actor, last_read_message_id__lt=latest
        ).update(last_read_message_id=latest)


def delete_message(*, actor, message: Message) -> None:
    """A sender may take back their own message. Evidence already frozen from it
    (flags, reports) keeps its copy; the other party's client simply stops showing it."""
    if message.sender_id != actor.pk:
        raise Refused("You can only delete your own messages.")
    with transaction.atomic():
        chat_id = message.chat_id
        message.delete()
        refresh_last_message(chat_id)


def refresh_last_message(chat_id: int) -> None:
    """The chat list previews `last_message` to both members: keep it the newest
    message nobody hid (after a delete, a hide for review, a removal or its reversal)."""
    shown = Message.objects.filter(chat_id=chat_id, hidden_at__isnull=True).order_by("-id")
    Chat.objects.filter(pk=chat_id).update(last_message=shown.first())
