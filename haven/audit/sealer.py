"""The sealer: links committed audit entries into the chain, one at a time in id order.

`record()` leaves each entry on the pending list (a trigger, in the action's own
transaction) and, once that commits, calls `seal_soon()`. That asks for one `seal`
task unless one is already on its way (a flag in the cache, cleared when the task
starts, so an entry committed after the clear asks again and one committed before
is seen by the task's read). The task takes the one head lock, seals every pending
entry in id order and empties the list. Only the sealer takes the head lock: actions
never wait for each other on it, and a slow sealer delays seals, not members.

The flag needs a cache every process shares, or tasks that run in the process that
asked: with Redis or the immediate backend it is used; with the database backend
and per-process memory each commit asks for its own task (sealing an empty list is
a quick no-op). `manage.py seal_audit` seals by hand; `verify_audit` says how many
entries wait.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from haven.audit.hashing import GENESIS, seal_hash
from haven.audit.models import AuditHead, AuditPending, AuditSeal
from haven.core.tasks import retried

ASKED = "haven:audit:seal-asked"
ASKED_SECONDS = 30  # the flag's lifetime if its task never clears it (a lost task)
BATCH = 5000


def seal_soon() -> None:
    """Ask for a seal task, unless one is already asked for (see the module's text)."""
    shared = bool(settings.REDIS_URL) or settings.TASKS_BACKEND == "immediate"
    if shared and not cache.add(ASKED, 1, ASKED_SECONDS):
        return
    seal_task.enqueue()


@retried
def seal_task() -> None:
    cache.delete(ASKED)
    seal_all()


def seal_all() -> int:
    """Seal every pending entry, a batch per transaction; return how many."""
    total = n = seal()
    while n == BATCH:
        n = seal()
        total += n
    return total


def seal(batch: int = BATCH) -> int:
    """Seal up to `batch` pending entries in id order, in one transaction; return how
    many. An entry removed before its seal stays pending, unsealed (verify_audit
    reports it)."""
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS}
        )
        pending = list(  # an entry removed before its seal drops out of the join
            AuditPending.objects.order_by("entry_id").values_list("entry_id", "entry__hash")[:batch]
        )
        if not pending:
            return 0
        prev, seq, now, seals = head.last_hash, head.seq, timezone.now(), []
        for entry_id, row_hash in pending:
            seq += 1
            digest = seal_hash(prev, seq, entry_id, row_hash)
            seals.append(AuditSeal(seq=seq, entry_id=entry_id, prev_hash=prev, hash=digest,
                                   sealed_at=now))  # fmt: skip
            prev = digest
        AuditSeal.objects.bulk_create(seals)
        AuditPending.objects.filter(entry_id__in=[e for e, _ in pending]).delete()
        AuditHead.objects.filter(pk=1).update(last_hash=prev, seq=seq)
    return len(pending)
