"""Reads for community spaces and timelines, scoped to the viewer and paginated."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from haven.community.models import Comment, Post, Share
from haven.core.errors import NotFound, NotSignedIn
from haven.core.pagination import Page, paginate
from haven.friends.selectors import friend_ids
from haven.safety import policies
from haven.safety.selectors import (
    feed_shares,
    visible_comments,
    visible_posts,
    visible_shares,
    with_collapsed,
)


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


def _comments(viewer, **thread) -> QuerySet[Comment]:
    """Top-level comments of one thread, each with its replies prefetched; both
    carry `collapsed` (the viewer blocks the author), computed in the same SQL."""
    replies = with_collapsed(
        viewer, visible_comments(viewer, Comment.objects.select_related("author"))
    ).order_by("created_at", "id")
    top = Comment.objects.filter(parent__isnull=True, **thread).select_related("author")
    return with_collapsed(viewer, visible_comments(viewer, top)).prefetch_related(
        Prefetch("replies", queryset=replies)
    )


def comments_on(viewer, post: Post, *, cursor: str | None = None, limit: int | None = None) -> Page:
    """Top-level comments oldest first, each with its replies: two queries per page."""
    return paginate(
        _comments(viewer, post=post), cursor=cursor, order=("created_at", "id"), limit=limit
    )


def comments_on_share(
    viewer, share: Share, *, cursor: str | None = None, limit: int | None = None
) -> Page:
    """The same for a timeline share; the caller has already checked the viewer may
    see the share (`access_share`)."""
    return paginate(
        _comments(viewer, share=share), cursor=cursor, order=("created_at", "id"), limit=limit
    )


def access_comment(viewer, comment_id: int) -> Comment:
    """A comment the viewer may see: on a visible post, or on a share whose timeline
    the viewer may see (one query either way)."""
    # Correlated EXISTS on the comment's own post/share: an IN over every visible
    # post made this 687 ms at 1M members on PostgreSQL (5 ms now).
    on_visible_thread = Exists(
        visible_posts(viewer, Post.objects.filter(pk=OuterRef("post_id")))
    ) | Exists(visible_shares(viewer, Share.objects.filter(pk=OuterRef("share_id"))))
    comment = (
        visible_comments(
            viewer,
            Comment.objects.select_related("author", "post__author", "share__author"),
        )
        .filter(on_visible_thread, pk=comment_id)
        .first()
    )
    if comment is None:
        raise NotFound("No such comment.")
    return comment


def _post_gone(viewer, post) -> bool:
    """A shared post the viewer may not see through the share: hidden (for review or
    removed by moderators) unless the viewer wrote it, or its author left Haven."""
    if not post.author.is_active:
        return True
    mine = viewer is not None and viewer.is_authenticated and viewer.pk == post.author_id
    return post.hidden_at is not None and not mine


def _hide_gone_posts(viewer, page: Page) -> Page:
    """Shares keep their text; the post they embed (joined, no extra query) is dropped
    when the viewer may not see it, so a share is no way round a removal."""
    for share in page.items:
        if share.post is not None and _post_gone(viewer, share.post):
            share.post = None
    return page


def _shares(viewer) -> QuerySet[Share]:
    return visible_shares(viewer, Share.objects.select_related("author", "post__author"))


def feed_for(viewer, *, cursor: str | None = None, limit: int | None = None) -> Page:
    """The home feed: the viewer's own shares and their friends', newest first. Blocks
    and timeline settings filter inside the same query (`feed_shares`)."""
    # The author ids go in as a list: as a subquery, PostgreSQL misjudged it at 1M
    # members and walked the global recent-shares index (203 ms vs 7 ms; see
    # docs/benchmarks.md). One extra indexed query, constant in the page size.
    authors = [viewer.pk, *friend_ids(viewer).values_list("friend_id", flat=True)]
    shares = feed_shares(viewer, Share.objects.select_related("author", "post__author"))
    shares = shares.filter(author_id__in=authors)
    return _hide_gone_posts(viewer, paginate(shares, cursor=cursor, limit=limit))


def timeline_of(viewer, owner, *, cursor: str | None = None, limit: int | None = None) -> Page:
    policies.can_view_timeline(viewer, owner).enforce()
    page = paginate(_shares(viewer).filter(author=owner), cursor=cursor, limit=limit)
    return _hide_gone_posts(viewer, page)


def access_share(viewer, share_id: int) -> Share:
    """A share the viewer may see (one query: `visible_shares` is the policy's SQL
    twin). Signed-out visitors asking for one they may not see are told to sign in,
    whether or not it exists."""
    share = _shares(viewer).filter(pk=share_id).first()
    if share is not None:
        _hide_gone_posts(viewer, Page(items=[share], next=None))
    if share is None:
        if viewer is None or not viewer.is_authenticated:
            raise NotSignedIn(policies.SIGN_IN_TO_VIEW)
        raise NotFound("No such share.")
    return share
