"""The append-only audit log, a hash chain.

Each entry stores the hash of the entry before it and its own hash over a
canonical serialization of its fields, so editing or removing a row breaks the
chain at that row (`manage.py verify_audit` names it). The database refuses
UPDATE and DELETE on the table (triggers, migration 0002); `AuditHead` holds
the last hash and is locked while appending, so concurrent writers queue
instead of forking the chain.
"""

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    created_at = models.DateTimeField()
    # No database constraint and no cascade: rows never change, even when the
    # member they name is deleted; `actor_label` keeps them readable.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=120, blank=True)
    event = models.CharField(max_length=40)
    target_type = models.CharField(max_length=20, blank=True)
    target_id = models.BigIntegerField(null=True, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)
    old = models.JSONField(null=True, blank=True)
    new = models.JSONField(null=True, blank=True)
    snapshot = models.JSONField(null=True, blank=True, help_text="Text as it was, kept readable")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        indexes = [
            models.Index(fields=["event", "-id"], name="audit_by_event"),
            models.Index(fields=["actor", "-id"], name="audit_by_actor"),
            models.Index(fields=["target_type", "target_id"], name="audit_by_target"),
            models.Index(fields=["created_at"], name="audit_by_time"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.event}"


class AuditHead(models.Model):
    """One row: the hash of the newest entry. Locked while appending."""

    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.last_hash
