"""Reads on cases for staff. The priority queue arrives with the staff-desk issue;
for now cases list by their latest signal."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from haven.core.errors import Invalid, NotSignedIn, Refused
from haven.core.pagination import Page, paginate
from haven.members.roles import MODERATOR, RANKS, rank_of
from haven.moderation.models import Case, Signal

STAFF_ONLY = "Only moderators and admins can see cases."


def require_case_reader(viewer) -> None:
    """Cases name reporters, so only moderators and admins may read them (not support agents)."""
    if viewer is None or not viewer.is_authenticated:
        raise NotSignedIn("Sign in to do this.")
    if not viewer.is_active or rank_of(viewer) < RANKS[MODERATOR]:
        raise Refused(STAFF_ONLY)


def _cases() -> QuerySet[Case]:
    signals = Signal.objects.select_related("category", "reporter").order_by("created_at", "id")
    return Case.objects.select_related("subject").prefetch_related(
        Prefetch("signals", queryset=signals)
    )


def cases_for(
    viewer, *, status: str | None = None, cursor: str | None = None, limit: int | None = None
) -> Page:
    """Cases, most recent signal first, each with its signals: three queries per page."""
    require_case_reader(viewer)
    cases = _cases()
    if status:
        if status not in Case.Status.values:
            raise Invalid.field("status", "Choose open or closed.")
        cases = cases.filter(status=status)
    return paginate(cases, cursor=cursor, order=("-last_signal_at", "-id"), limit=limit)


def categories_of(case: Case) -> list:
    """The distinct policy categories named by a case's signals, first named first."""
    seen: dict[int, object] = {}
    for signal in case.signals.all():
        seen.setdefault(signal.category_id, signal.category)
    return list(seen.values())


def reporters_of(case: Case) -> list:
    """The distinct members who flagged or reported (staff eyes only)."""
    seen: dict[int, object] = {}
    for signal in case.signals.all():
        if signal.reporter is not None:
            seen.setdefault(signal.reporter_id, signal.reporter)
    return list(seen.values())
