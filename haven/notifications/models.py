"""In-app notifications: what staff decided, replies to tickets. One row per member per event."""

from django.conf import settings
from django.db import models


class Notification(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Chosen when the notification is enqueued (haven.notifications.tasks): a task run
    # twice stores it once.
    key = models.CharField(max_length=40, unique=True, null=True, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["member", "-created_at", "-id"], name="notification_by_member"),
            models.Index(
                fields=["member"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"to {self.member_id}: {self.title}"


class SentEmail(models.Model):
    """The ledger of emails sent, by the key chosen when each was enqueued: a task run
    again after its email went out doesn't send it twice. Holds no address or text."""

    key = models.CharField(max_length=48, unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key
