"""Reads for community spaces and timelines, scoped to the viewer and paginated."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from haven.community.models import Comment, Post, Share
from haven.core.errors import NotFound
from haven.core.pagination import Page, paginate
from haven.friends.selectors import friend_ids
from haven.safety import policies
from haven.safety.selectors import visible_comments, visible_posts, visible_shares


def _posts(viewer) -> QuerySet[Post]:
    return visible_posts(viewer, Post.objects.select_related("author"))


def posts_in(viewer, *, space: str, cursor: str | None = None, limit: int | None = None) -> Page:
    return paginate(_posts(viewer).filter(space=space), cursor=cursor, limit=limit)


def posts_by(viewer, author, *, cursor: str | None = None, limit: int | None = None) -> Page:
    return paginate(_posts(viewer).filter(author=author), cursor=cursor, limit=limit)


def access_post(viewer, post_id: int) -> Post:
    post = _posts(viewer).filter(pk=post_id).first()
    if post is None:
        raise NotFound("No such post.")
    return post


def comments_on(viewer, post: Post, *, cursor: str | None = None, limit: int | None = None) -> Page:
    """Top-level comments oldest first, each with its replies: two queries per page."""
    replies = visible_comments(viewer, Comment.objects.select_related("author")).order_by(
        "created_at", "id"
    )
    top = visible_comments(
        viewer,
        Comment.objects.filter(post=post, parent__isnull=True)
        .select_related("author")
        .prefetch_related(Prefetch("replies", queryset=replies)),
    )
    return paginate(top, cursor=cursor, order=("created_at", "id"), limit=limit)


def access_comment(viewer, comment_id: int) -> Comment:
    comment = (
        visible_comments(viewer, Comment.objects.select_related("author", "post__author"))
        .filter(pk=comment_id, post__author__is_active=True)
        .first()
    )
    if comment is None:
        raise NotFound("No such comment.")
    return comment


def _shares(viewer) -> QuerySet[Share]:
    return visible_shares(viewer, Share.objects.select_related("author", "post__author"))


def feed_for(viewer, *, cursor: str | None = None, limit: int | None = None) -> Page:
    """The home feed: the viewer's own shares and their friends', newest first."""
    shares = _shares(viewer).filter(Q(author=viewer) | Q(author__in=friend_ids(viewer)))
    return paginate(shares, cursor=cursor, limit=limit)


def timeline_of(viewer, owner, *, cursor: str | None = None, limit: int | None = None) -> Page:
    policies.can_view_timeline(viewer, owner).enforce()
    return paginate(_shares(viewer).filter(author=owner), cursor=cursor, limit=limit)


def access_share(viewer, share_id: int) -> Share:
    share = _shares(viewer).filter(pk=share_id).first()
    if share is None or not policies.can_view_share(viewer, share):
        raise NotFound("No such share.")
    return share
