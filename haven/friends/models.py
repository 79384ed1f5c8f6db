from django.conf import settings
from django.db import models
from django.db.models import F, Q


class FriendRequest(models.Model):
    """An offer of friendship. At most one pending request per direction."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        CANCELLED = "cancelled", "Cancelled"
        WITHDRAWN = "withdrawn", "Withdrawn"  # ended by the system, e.g. by a block

    from_member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="friend_requests_sent"
    )
    to_member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="friend_requests_received"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["from_member", "to_member"],
                condition=Q(status="pending"),
                name="one_pending_request_per_direction",
            ),
            models.CheckConstraint(
                condition=~Q(from_member=F("to_member")), name="no_request_to_self"
            ),
        ]
        indexes = [
            models.Index(fields=["to_member", "status", "-created_at"], name="request_inbox"),
            models.Index(fields=["from_member", "status", "-created_at"], name="request_outbox"),
            # Requests from one member to another (automod: requests after declines).
            models.Index(fields=["from_member", "to_member", "status"], name="request_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.from_member_id}->{self.to_member_id} {self.status}"


class Friendship(models.Model):
    """Stored twice, once per direction, so "friends of X" is one indexed range."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="friendships"
    )
    friend = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "friend"], name="friendship_once"),
            models.CheckConstraint(
                condition=~Q(member=F("friend")), name="no_friendship_with_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}<->{self.friend_id}"
