"""Reads for chats: my chat list with unread counts, one chat's messages."""

from __future__ import annotations

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from haven.chats.models import Chat, Message
from haven.core.errors import NotFound
from haven.core.pagination import Page, paginate
from haven.safety import policies
from haven.safety.selectors import visible_messages


def _mine(member):
    return Chat.objects.filter(Q(member_low=member) | Q(member_high=member)).select_related(
        "member_low", "member_high", "last_message"
    )


def chats_of(member, *, cursor: str | None = None, limit: int | None = None) -> Page:
    """My chats, most recent first, each with its last message and my unread count.
    A chat with a member who is gone (removed from Haven) leaves the list with them."""
    unread = (
        # Messages hidden for review are not shown to me, so they are not unread either.
        Message.objects.filter(
            chat=OuterRef("pk"), id__gt=OuterRef("my_last_read"), hidden_at__isnull=True
        )
        .exclude(sender=member)
        .order_by()
        .values("chat")
        .annotate(n=Count("id"))
        .values("n")
    )
    chats = (
        _mine(member)
        .filter(memberships__member=member, member_low__is_active=True, member_high__is_active=True)
        .annotate(my_last_read=F("memberships__last_read_message_id"))
        .annotate(unread=Coalesce(Subquery(unread, output_field=IntegerField()), 0))
    )
    return paginate(chats, cursor=cursor, order=("-last_message_at", "-id"), limit=limit)


def access_chat(member, chat_id: int) -> Chat:
    """A chat the member is in, with someone still on Haven; any other chat does not
    exist for them (a chat with a removed member left with them, as in `chats_of`).
    The same query answers whether they may message in it (policies.message_probes)."""
    chat = (
        _mine(member)
        .filter(pk=chat_id, member_low__is_active=True, member_high__is_active=True)
        .annotate(**policies.message_probes(member))
        .first()
    )
    if chat is None:
        raise NotFound("No such chat.")
    return chat


def access_message(member, chat: Chat, message_id: int) -> Message:
    """A message of a chat the member is in (and may see); anything else is NotFound."""
    message = (
        visible_messages(member, Message.objects.filter(chat=chat, pk=message_id))
        .select_related("sender")
        .first()
    )
    if message is None:
        raise NotFound("No such message.")
    return message


def chat_with(member, other) -> Chat | None:
    low, high = sorted([member.pk, other.pk])
    return Chat.objects.filter(member_low_id=low, member_high_id=high).first()


def messages_in(viewer, chat: Chat, *, cursor: str | None = None, limit: int | None = None) -> Page:
    """Newest first; pages walk back in time."""
    messages = visible_messages(viewer, Message.objects.filter(chat=chat).select_related("sender"))
    return paginate(messages, cursor=cursor, order=("-id",), limit=limit)
