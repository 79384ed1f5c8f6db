"""SQL-side filters built on the same rules as `haven.safety.policies`.

Each function narrows a queryset to what `viewer` may see, in the database
(no Python loop over rows), so lists stay one query whatever their length.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet


def visible_members(viewer, members: QuerySet) -> QuerySet:
    return members.filter(is_active=True)


def visible_shares(viewer, shares: QuerySet) -> QuerySet:
    """Shares whose timelines the viewer may see (mirrors `can_view_share`)."""
    if viewer is None or not viewer.is_authenticated:
        return shares.none()
    return shares.filter(_not_hidden(viewer), author__is_active=True)


def _not_hidden(viewer, field: str = "author") -> Q:
    """Items hidden pending review stay visible to their own author only."""
    if viewer is None or not viewer.is_authenticated:
        return Q(hidden_at__isnull=True)
    return Q(hidden_at__isnull=True) | Q(**{field: viewer})


def visible_posts(viewer, posts: QuerySet) -> QuerySet:
    return posts.filter(_not_hidden(viewer), author__is_active=True)


def visible_comments(viewer, comments: QuerySet) -> QuerySet:
    return comments.filter(_not_hidden(viewer), author__is_active=True)


def visible_messages(viewer, messages: QuerySet) -> QuerySet:
    """Messages of a chat the viewer is in; one hidden for review shows to its sender only."""
    return messages.filter(_not_hidden(viewer, "sender"))
