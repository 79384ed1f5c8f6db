"""Writing and checking the audit log. `record(...)` must run inside the caller's
transaction, so the entry commits or rolls back with the action it describes."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from haven.audit.models import AuditEntry, AuditHead

GENESIS = "0" * 64


def _canonical(entry: AuditEntry) -> bytes:
    fields = {
        "created_at": entry.created_at.isoformat(),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "event": entry.event,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "target_label": entry.target_label,
        "reason": entry.reason,
        "old": entry.old,
        "new": entry.new,
        "snapshot": entry.snapshot,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str).encode()


def entry_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(_canonical(entry)).hexdigest()


def _label(member) -> str:
    return f"{member.username} ({member.public_id})" if member is not None else "system"


def record(
    *,
    actor,
    event: str,
    target=None,
    target_type: str = "",
    target_id: int | None = None,
    target_label: str = "",
    reason: str = "",
    old: Any = None,
    new: Any = None,
    snapshot: Any = None,
) -> AuditEntry:
    """Append one entry. A member target may be passed as `target`."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the action's transaction")
    if target is not None:
        target_type, target_id, target_label = "member", target.pk, _label(target)
    head, _ = AuditHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_hash": GENESIS}
    )
    entry = AuditEntry(
        created_at=timezone.now(),
        actor=actor,
        actor_label=_label(actor),
        event=event,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label[:200],
        reason=reason,
        old=old,
        new=new,
        snapshot=snapshot,
        prev_hash=head.last_hash,
    )
    entry.hash = entry_hash(entry)
    entry.save(force_insert=True)
    AuditHead.objects.filter(pk=1).update(last_hash=entry.hash)
    return entry


def first_broken() -> AuditEntry | None:
    """The first entry whose hash or link does not hold, or None if the chain is whole."""
    previous = GENESIS
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        # Re-read JSON through the same path it was written by (a round trip).
        if entry.prev_hash != previous or entry_hash(entry) != entry.hash:
            return entry
        previous = entry.hash
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != previous:
        return AuditEntry(pk=None, event="(head does not match the last entry)")
    return None
