"""What automated protection keeps of its own: the attempts a block refused, counted by
the blocked-attempts detector (haven.automod.detectors.after_refused_contact)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class RefusedContact(models.Model):
    """One attempt by `member` to contact `blocker`, who blocks them, refused by the
    policy gate. Never shown to either member."""

    class What(models.TextChoices):
        CHAT = "chat", "start a chat"
        MESSAGE = "message", "send a message"
        FRIEND_REQUEST = "friend_request", "send a friend request"
        COMMENT = "comment", "comment or reply"

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    what = models.CharField(max_length=16, choices=What.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["member", "blocker", "created_at"], name="refused_by_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.blocker_id}: {self.what}"
