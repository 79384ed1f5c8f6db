from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from haven.audit import selectors
from haven.core.api import ErrorOut, PageOut, page_limit, viewer
from haven.core.pagination import paginate

router = Router(tags=["staff"])


class AuditOut(Schema):
    id: int
    created_at: datetime
    actor_label: str
    event: str
    target_type: str
    target_id: int | None
    target_label: str
    reason: str
    old: Any = None
    new: Any = None
    snapshot: Any = None
    prev_hash: str = Field(
        description="The hash of the entry before, for entries written before seals; empty since."
    )
    hash: str = Field(description="The entry's own hash, over every field above.")


@router.get(
    "/staff/audit", response={200: PageOut[AuditOut], 401: ErrorOut, 403: ErrorOut, 400: ErrorOut}
)
def audit_log(
    request: HttpRequest,
    event: str = "",
    actor: str = "",
    target_type: str = "",
    target_id: int | None = None,
    cursor: str | None = None,
    limit: int | None = page_limit(),
):
    """The append-only audit log, newest first (admins only)."""
    found = selectors.entries(
        viewer(request), event=event, actor=actor, target_type=target_type, target_id=target_id
    )
    return paginate(found, cursor=cursor, order=("-id",), limit=limit)
