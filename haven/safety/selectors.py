"""SQL-side filters built on the same rules as `haven.safety.policies`.

Each function narrows a queryset to what `viewer` may see, in the database
(no Python loop over rows), so lists stay one query whatever their length.
"""

from __future__ import annotations

from django.db.models import QuerySet


def visible_members(viewer, members: QuerySet) -> QuerySet:
    return members.filter(is_active=True)


def visible_shares(viewer, shares: QuerySet) -> QuerySet:
    """Shares whose timelines the viewer may see (mirrors `can_view_share`)."""
    if viewer is None or not viewer.is_authenticated:
        return shares.none()
    return shares.filter(author__is_active=True)


def visible_posts(viewer, posts: QuerySet) -> QuerySet:
    return posts.filter(author__is_active=True)


def visible_comments(viewer, comments: QuerySet) -> QuerySet:
    return comments.filter(author__is_active=True)
