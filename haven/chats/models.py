from django.conf import settings
from django.db import models
from django.db.models import F, Q

MESSAGE_MAX = 2_000


class Chat(models.Model):
    """A one-to-one conversation. The pair is stored ordered (low id, high id) so the
    database guarantees one chat per pair. `last_message` is kept with each send so
    the chat list needs no per-row lookup."""

    member_low = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    member_high = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(auto_now_add=True)
    last_message = models.ForeignKey(
        "Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member_low", "member_high"], name="one_chat_per_pair"),
            models.CheckConstraint(
                condition=Q(member_low__lt=F("member_high")), name="chat_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"chat {self.pk}"

    def other(self, member):
        return self.member_high if member.pk == self.member_low_id else self.member_low


class ChatMembership(models.Model):
    """A member's place in a chat: how far they have read."""

    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_memberships"
    )
    last_read_message_id = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "chat"], name="chat_membership_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} in {self.chat_id}"


class Message(models.Model):
    """One chat message. Its sender may delete it; the other party cannot (it is their
    record too), and evidence frozen from it stays whatever happens to it."""

    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_messages"
    )
    body = models.TextField(max_length=MESSAGE_MAX)
    created_at = models.DateTimeField(auto_now_add=True)
    hidden_at = models.DateTimeField(null=True, blank=True)  # under review: sender-only
    removed_at = models.DateTimeField(null=True, blank=True)  # by moderators (also hidden)
    # The body, normalised and hashed: finds one text sent to many members (spam;
    # see haven.automod.detectors).
    fingerprint = models.CharField(max_length=16, db_default="", editable=False)
    # What Haven's classifier thinks the message is ("harassment", "scam"…; null for
    # nothing): the recipient sees a warning beside it (haven.automod.detectors).
    # Nullable without a default so SQLite adds the column in place: rebuilding the
    # table would drop the chat_message_sent trigger (chats.0006).
    automod_label = models.CharField(max_length=12, null=True, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["chat", "-id"], name="message_by_chat"),
            models.Index(fields=["sender", "fingerprint", "created_at"], name="message_by_text"),
        ]

    def __str__(self) -> str:
        return self.body[:50]
