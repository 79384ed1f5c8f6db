"""Every write in Answers, Notebook, Discussions and on timelines."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from haven.community.events import text_written
from haven.community.models import (
    BODY_MAX,
    COMMENT_MAX,
    SHARE_MAX,
    TITLE_MAX,
    Comment,
    Post,
    Share,
    Space,
)
from haven.core.errors import Invalid, Refused, require_text
from haven.core.events import emit
from haven.members.languages import LANGUAGES
from haven.safety import policies

NOT_YOURS = "You can only change what you wrote."


def _language(space: str, language: str | None) -> str:
    language = (language or "").strip()
    if language and language not in LANGUAGES:
        raise Invalid.field("language", "Unknown language.")
    if space == Space.NOTEBOOK and not language:
        raise Invalid.field("language", "Say which language this entry is written in.")
    return language


def _written(kind: str, item) -> None:
    """Say that text was written (automated protection reads it after the commit)."""
    emit(text_written, kind=kind, item_id=item.pk, author_id=item.author_id)


def create_post(*, actor, space: str, title: str, body: str, language: str | None = None) -> Post:
    policies.can_post(actor).enforce()
    if space not in Space.values:
        raise Invalid.field("space", "Choose Answers, Notebook or Discussions.")
    post = Post(
        space=space,
        author=actor,
        title=require_text("title", title, max_length=TITLE_MAX),
        body=require_text("body", body, max_length=BODY_MAX),
        language=_language(space, language),
    )
    with transaction.atomic():
        post.save()
        _written("post", post)
    return post


# What moderators removed stays as they judged it: if an appeal overturns the removal,
# the text that comes back is the text they read. Edits are one conditional UPDATE.
REMOVED_NO_EDIT = (
    "Haven's moderators removed this, so it can't be edited. "
    "You can appeal the decision from your account standing page."
)


def edit_post(
    *,
    actor,
    post: Post,
    title: str | None = None,
    body: str | None = None,
    language: str | None = None,
) -> Post:
    if post.author_id != actor.pk:
        raise Refused(NOT_YOURS)
    if title is not None:
        post.title = require_text("title", title, max_length=TITLE_MAX)
    if body is not None:
        post.body = require_text("body", body, max_length=BODY_MAX)
    if language is not None:
        post.language = _language(post.space, language)
    post.edited_at = timezone.now()
    fields = ("title", "body", "language", "edited_at")
    with transaction.atomic():  # unless moderators removed it meanwhile
        kept = Post.objects.filter(pk=post.pk, removed_at__isnull=True)
        if not kept.update(**{f: getattr(post, f) for f in fields}):
            raise Refused(REMOVED_NO_EDIT)
        _written("post", post)
    return post


def delete_post(*, actor, post: Post) -> None:
    if post.author_id != actor.pk:
        raise Refused(NOT_YOURS)
    with transaction.atomic():
        post.delete()


def _counter(comment: Comment):
    """The row whose `comment_count` a comment counts toward: its post or its share."""
    if comment.share_id is not None:
        return Share.objects.filter(pk=comment.share_id)
    return Post.objects.filter(pk=comment.post_id)


def add_comment(
    *,
    actor,
    post: Post | None = None,
    share: Share | None = None,
    body: str,
    parent: Comment | None = None,
) -> Comment:
    """Comment on a post or on a timeline share, or reply (`parent`) to a comment on it.
    The gate decides (blocks, the share's timeline setting, account state)."""
    if (post is None) == (share is None):
        raise ValueError("add_comment needs exactly one of post and share")
    thread = post if post is not None else share
    if parent is not None:
        if (parent.post_id, parent.share_id) != (
            getattr(post, "pk", None),
            getattr(share, "pk", None),
        ):
            raise Invalid.field("parent_id", f"That comment is not on this {_noun(thread)}.")
        if parent.parent_id is not None:
            parent = parent.parent  # replies stay one level deep
        policies.can_reply(actor, parent).enforce()
    else:
        policies.can_comment(actor, thread).enforce()
    comment = Comment(
        post=post,
        share=share,
        author=actor,
        parent=parent,
        body=require_text("body", body, max_length=COMMENT_MAX, label="Comment"),
    )
    with transaction.atomic():
        comment.save()
        _counter(comment).update(comment_count=F("comment_count") + 1)
        _written("comment", comment)
    return comment


def _noun(thread) -> str:
    return "share" if isinstance(thread, Share) else "post"


def edit_comment(*, actor, comment: Comment, body: str) -> Comment:
    if comment.author_id != actor.pk:
        raise Refused(NOT_YOURS)
    comment.body = require_text("body", body, max_length=COMMENT_MAX, label="Comment")
    comment.edited_at = timezone.now()
    with transaction.atomic():  # unless moderators removed it meanwhile
        kept = Comment.objects.filter(pk=comment.pk, removed_at__isnull=True)
        if not kept.update(body=comment.body, edited_at=comment.edited_at):
            raise Refused(REMOVED_NO_EDIT)
        _written("comment", comment)
    return comment


def delete_comment(*, actor, comment: Comment) -> None:
    if comment.author_id != actor.pk:
        raise Refused(NOT_YOURS)
    with transaction.atomic():
        removed = 1 + comment.replies.count()
        comment.delete()
        _counter(comment).update(comment_count=F("comment_count") - removed)


def share(*, actor, text: str = "", post: Post | None = None) -> Share:
    policies.can_post(actor).enforce()
    text = (text or "").strip()
    if not text and post is None:
        raise Invalid.field("text", "Write something or share a post.")
    if len(text) > SHARE_MAX:
        raise Invalid.field("text", f"Text must be at most {SHARE_MAX} characters.")
    with transaction.atomic():
        shared = Share.objects.create(author=actor, text=text, post=post)
        if text:
            _written("share", shared)
    return shared


def delete_share(*, actor, share: Share) -> None:
    if share.author_id != actor.pk:
        raise Refused(NOT_YOURS)
    with transaction.atomic():
        share.delete()
