"""Writing and checking the audit log. `record(...)` must run inside the caller's
transaction, so the entry commits or rolls back with the action it describes; the
sealer (haven.audit.sealer) links committed entries into the chain. See models.py."""

from __future__ import annotations

from itertools import batched
from typing import Any

from django.db import transaction
from django.utils import timezone

from haven.audit.hashing import GENESIS, entry_hash, seal_hash
from haven.audit.models import AuditEntry, AuditHead, AuditPending, AuditSeal
from haven.audit.sealer import seal_soon

__all__ = ["entry_hash", "first_broken", "record", "unsealed"]


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
    """Append one entry: one INSERT in the caller's transaction, hashed, and sealed
    into the chain soon after it commits (haven.audit.sealer). A member target may be
    passed as `target`."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the action's transaction")
    if target is not None:
        target_type, target_id, target_label = "member", target.pk, _label(target)
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
        prev_hash="",
    )
    entry.hash = entry_hash(entry)
    entry.save(force_insert=True)  # a trigger puts it on the pending list
    transaction.on_commit(seal_soon, robust=True)
    return entry


def _broken(entry_id: int | None, what: str) -> AuditEntry:
    return AuditEntry(pk=entry_id, event=what)


def first_broken() -> AuditEntry | None:
    """The first entry that does not hold, or None if the log is whole: walking the
    seals in order (each seal's number, link and hash, and its entry's own hash),
    then the head, then the entries still waiting for a seal."""
    previous, seq = GENESIS, 0
    seals = AuditSeal.objects.order_by("seq").values_list("seq", "entry_id", "prev_hash", "hash")
    for chunk in batched(seals.iterator(chunk_size=2000), 2000):
        entries = AuditEntry.objects.in_bulk([entry_id for _, entry_id, _, _ in chunk])
        for number, entry_id, prev_hash, digest in chunk:
            seq += 1
            entry = entries.get(entry_id)
            if number != seq:
                return entry or _broken(entry_id, f"(seal {seq} is missing)")
            if entry is None:
                return _broken(entry_id, "(a sealed entry was removed)")
            if entry_hash(entry) != entry.hash or prev_hash != previous:
                return entry
            if digest != seal_hash(previous, seq, entry_id, entry.hash):
                return entry
            previous = digest
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.last_hash != previous or head.seq != seq):
        return _broken(None, "(head does not match the last seal)")
    pending = list(AuditPending.objects.order_by("entry_id").values_list("entry_id", flat=True))
    waiting = AuditEntry.objects.in_bulk(pending)
    for entry_id in pending:
        entry = waiting.get(entry_id)
        if entry is None:
            return _broken(entry_id, "(an entry was removed before it was sealed)")
        if entry_hash(entry) != entry.hash:
            return entry
    if AuditEntry.objects.count() != seq + len(pending):
        stray = (
            AuditEntry.objects.filter(seal__isnull=True)
            .exclude(pk__in=pending)
            .order_by("id")
            .first()
        )
        return stray or _broken(None, "(an entry is both sealed and pending)")
    return None


def unsealed() -> int:
    """Entries committed and not sealed into the chain yet."""
    return AuditPending.objects.count()
