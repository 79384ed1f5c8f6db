"""Reading the audit log (admins only), filtered and paginated."""

from __future__ import annotations

from django.db.models import QuerySet

from haven.audit.models import AuditEntry
from haven.core.errors import Refused
from haven.members.roles import ADMIN, role_of


def require_admin(viewer) -> None:
    if role_of(viewer) != ADMIN:
        raise Refused("Only admins read the audit log.")


def entries(
    viewer, *, event: str = "", actor: str = "", target_type: str = "", target_id: int | None = None
) -> QuerySet[AuditEntry]:
    require_admin(viewer)
    found = AuditEntry.objects.all()
    if event:
        found = found.filter(event=event)
    if actor.strip().lower() == "system":  # Haven's own entries (automated signals)
        found = found.filter(actor__isnull=True)
    elif actor:
        found = found.filter(actor__username=actor.strip().lower())
    if target_type:
        found = found.filter(target_type=target_type)
    if target_id is not None:
        found = found.filter(target_id=target_id)
    return found


def event_names() -> list[str]:
    return sorted(AuditEntry.objects.values_list("event", flat=True).distinct())


def target_types() -> list[str]:
    """Every kind of target the log names (members, items, cases, tickets, settings)."""
    found = AuditEntry.objects.exclude(target_type="").values_list("target_type", flat=True)
    return sorted(found.distinct())
