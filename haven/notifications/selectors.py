from __future__ import annotations

from haven.core.errors import NotSignedIn
from haven.core.pagination import Page, paginate
from haven.notifications.models import Notification


def notifications_of(member, *, cursor: str | None = None, limit: int | None = None) -> Page:
    if member is None or not member.is_authenticated:
        raise NotSignedIn("Sign in to do this.")
    rows = Notification.objects.filter(member=member)
    return paginate(rows, cursor=cursor, order=("-created_at", "-id"), limit=limit)


def unread_count(member) -> int:
    return Notification.objects.filter(member=member, read_at__isnull=True).count()
