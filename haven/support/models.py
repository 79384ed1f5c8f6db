"""Support tickets ("Contact support") and the messages on them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

Member = settings.AUTH_USER_MODEL


class Ticket(models.Model):
    """A member's request to Haven's support staff, optionally about another member.

    `member` wrote it; `subject` is who it is about (never told who wrote it). A
    ticket about a member is also a signal on that member's case (`signal`).
    """

    class Topic(models.TextChoices):
        SAFETY = "safety", "Safety or harassment"
        ACCOUNT = "account", "My account"
        LESSONS = "lessons", "Lessons"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        # The labels are what the member reads; staff pages say "Waiting on member".
        NEW = "new", "New"
        OPEN = "open", "Open"
        WAITING = "waiting", "Waiting on you"
        RESOLVED = "resolved", "Resolved"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="tickets")
    topic = models.CharField(max_length=10, choices=Topic.choices)
    description = models.TextField(max_length=5000)
    subject = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    assigned_to = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    signal = models.OneToOneField(
        "moderation.Signal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ticket",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(member=F("subject")), name="no_ticket_about_self")
        ]
        indexes = [
            models.Index(fields=["member", "-updated_at", "-id"], name="ticket_by_member"),
            models.Index(fields=["status", "-updated_at", "-id"], name="ticket_inbox"),
            models.Index(fields=["-updated_at", "-id"], name="ticket_recent"),
            models.Index(fields=["assigned_to", "-updated_at", "-id"], name="ticket_by_assignee"),
        ]

    def __str__(self) -> str:
        return f"ticket {self.pk} by {self.member_id}"


class TicketMessage(models.Model):
    """One message on a ticket: the member's or staff's reply, or an internal note
    (`internal`), which only staff ever see."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    # Kept when an account goes: the thread must stay readable.
    author = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_staff = models.BooleanField(default=False)
    body = models.TextField(max_length=5000)
    internal = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(internal=False) | Q(by_staff=True), name="internal_notes_by_staff"
            )
        ]
        indexes = [models.Index(fields=["ticket", "created_at", "id"], name="ticket_thread")]

    def __str__(self) -> str:
        return f"message {self.pk} on ticket {self.ticket_id}"
