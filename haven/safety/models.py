"""Blocks, policy categories, flags, reports, frozen evidence and uploads."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q

Member = settings.AUTH_USER_MODEL


class Block(models.Model):
    """`blocker` blocks `blocked`. Only the blocker ever sees this row."""

    blocker = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once"),
            models.CheckConstraint(condition=~Q(blocker=F("blocked")), name="no_self_block"),
        ]
        # The unique constraint indexes (blocker, blocked); this one serves "who blocks me".
        indexes = [models.Index(fields=["blocked", "blocker"], name="block_reverse")]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class PolicyCategory(models.Model):
    """What a flag or report can say (PRODUCT.md's list). Admins may edit them."""

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    description = models.TextField(blank=True)
    severity = models.PositiveSmallIntegerField(help_text="1 (low) to 5 (urgent)")
    details_required = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "policy categories"
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__gte=1, severity__lte=5), name="severity_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return self.name


class TargetType(models.TextChoices):
    """Everything a flag can point at, and everything a case can be about."""

    MEMBER = "member", "Member"
    POST = "post", "Post"
    COMMENT = "comment", "Comment"
    SHARE = "share", "Timeline share"
    MESSAGE = "message", "Chat message"


class Flag(models.Model):
    """One member's "Report concern" on one content item. One per member per item."""

    reporter = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="flags_made")
    target_type = models.CharField(max_length=10, choices=TargetType.choices)
    target_id = models.BigIntegerField()
    author = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(PolicyCategory, on_delete=models.PROTECT, related_name="+")
    details = models.TextField(max_length=2000, blank=True)
    weight = models.FloatField(default=1.0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "target_type", "target_id"], name="one_flag_per_member_item"
            ),
            models.CheckConstraint(condition=~Q(reporter=F("author")), name="no_flag_on_own"),
        ]
        indexes = [models.Index(fields=["target_type", "target_id"], name="flag_by_target")]

    def __str__(self) -> str:
        return f"flag {self.target_type}:{self.target_id} by {self.reporter_id}"


class Report(models.Model):
    """A "Report concern" about a member, with evidence. The subject never learns who."""

    class Where(models.TextChoices):
        ON_HAVEN = "on_haven", "On Haven"
        LESSON = "lesson", "In a lesson on another app"
        EMAIL = "email", "By email"
        ELSEWHERE = "elsewhere", "Somewhere else"

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        IN_REVIEW = "in_review", "In review"
        CLOSED = "closed", "Closed"

    reporter = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="reports_made")
    subject = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(PolicyCategory, on_delete=models.PROTECT, related_name="+")
    details = models.TextField(max_length=5000, blank=True)
    where = models.CharField(max_length=10, choices=Where.choices, default=Where.ON_HAVEN)
    also_blocked = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    outcome = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(reporter=F("subject")), name="no_self_report")
        ]
        indexes = [models.Index(fields=["reporter", "-created_at"], name="report_by_reporter")]

    def __str__(self) -> str:
        return f"report on {self.subject_id} by {self.reporter_id}"


class Evidence(models.Model):
    """A frozen copy of something, taken when a flag, report or support ticket was filed
    or when Haven's automated protection raised a signal.

    `payload` holds the copy (text, author id and name, timestamps, and for a
    chat message the messages around it; for a pattern, a summary and its items);
    `sha256` is over its canonical JSON (see haven.safety.evidence.canonical).
    Nothing ever updates a row.
    """

    class Kind(models.TextChoices):
        POST = "post", "Post"
        COMMENT = "comment", "Comment"
        SHARE = "share", "Timeline share"
        MESSAGE = "message", "Chat message"
        LINK = "link", "Link"
        SCREENSHOT = "screenshot", "Screenshot"
        PATTERN = "pattern", "Pattern Haven noticed"

    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    flag = models.ForeignKey(
        Flag, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    ticket = models.ForeignKey(
        "support.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    # An automated signal's own evidence (haven.automod.detectors): no member filed it.
    signal = models.ForeignKey(
        "moderation.Signal",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    source_id = models.BigIntegerField(null=True, blank=True)
    upload = models.ForeignKey(
        "Upload", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payload = models.JSONField()
    sha256 = models.CharField(max_length=64)
    captured_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(report__isnull=False)
                | Q(flag__isnull=False)
                | Q(ticket__isnull=False)
                | Q(signal__isnull=False),
                name="evidence_belongs_somewhere",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} evidence {self.sha256[:12]}"


def upload_path(instance: "Upload", filename: str) -> str:
    return f"uploads/{secrets.token_hex(2)}/{secrets.token_urlsafe(24)}.{instance.extension}"


class Upload(models.Model):
    """An image a member uploaded (a screenshot), re-encoded and stripped of metadata.
    Readable by its uploader and staff only."""

    owner = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="uploads")
    file = models.FileField(upload_to=upload_path, max_length=200)
    content_type = models.CharField(max_length=20)
    extension = models.CharField(max_length=5)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"upload {self.pk} by {self.owner_id}"
