"""The audit log's hashes: an entry's own, over a canonical form of its fields, and a
seal's, over the chain so far, its number, the entry's id and the entry's hash."""

from __future__ import annotations

import hashlib
import json

from haven.audit.models import AuditEntry

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


def seal_hash(prev: str, seq: int, entry_id: int, row_hash: str) -> str:
    """A seal binds the chain so far, its number, the entry's id and the entry's hash."""
    return hashlib.sha256(f"{prev}:{seq}:{entry_id}:{row_hash}".encode()).hexdigest()
