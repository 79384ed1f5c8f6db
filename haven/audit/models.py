"""The append-only audit log: hashed rows, sealed into a chain after they commit.

An action writes its entry in its own transaction with the entry's own hash (over
a canonical serialization of its fields): one INSERT, no lock shared with any
other action. A database trigger also puts the entry's id on `AuditPending`. Soon
after the commit the sealer (haven.audit.sealer, a task) takes pending entries in
id order under the one `AuditHead` lock and appends an `AuditSeal` for each: a
sequence number and a hash over the previous seal's hash, the number, the entry's
id and the entry's hash, like a transparency log's sequencer. Editing, removing or
reordering a sealed row breaks the chain at that row (`manage.py verify_audit`
names it); an entry not yet sealed is checked against its own hash. The database
refuses UPDATE on entries and seals, and DELETE too on PostgreSQL (migrations 0002
and 0003). Entries written before sealing existed also carry the old in-row link
(`prev_hash`); they were sealed in id order when the seals were introduced.
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
    # The chain link entries carried before seals ("" since): part of the row's hash.
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, unique=True)  # the row's own hash

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
    """One row: the newest seal's number and hash. Only the sealer locks it."""

    last_hash = models.CharField(max_length=64)
    seq = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return self.last_hash


class AuditSeal(models.Model):
    """An entry's place in the chain, appended by the sealer."""

    seq = models.PositiveBigIntegerField(primary_key=True)
    entry = models.OneToOneField(
        AuditEntry, on_delete=models.DO_NOTHING, db_constraint=False, related_name="seal"
    )
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    sealed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"seal {self.seq} of entry {self.entry_id}"


class AuditPending(models.Model):
    """An entry committed and not sealed yet (a trigger adds it; the sealer removes it)."""

    entry = models.OneToOneField(
        AuditEntry, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False,
        related_name="+",
    )  # fmt: skip

    def __str__(self) -> str:
        return f"entry {self.entry_id}, not sealed yet"
