from django.conf import settings
from django.db import models
from django.db.models import Q

from haven.members.languages import LANGUAGE_CHOICES

TITLE_MAX = 200
BODY_MAX = 20_000
COMMENT_MAX = 5_000
SHARE_MAX = 1_000


class Space(models.TextChoices):
    ANSWERS = "answers", "Answers"
    NOTEBOOK = "notebook", "Notebook"
    DISCUSSIONS = "discussions", "Discussions"


class Post(models.Model):
    """A question (Answers), an entry to be corrected (Notebook) or a thread (Discussions).

    `comment_count` is kept in the same transaction as comment writes so lists
    need no per-row count.
    """

    space = models.CharField(max_length=12, choices=Space.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts"
    )
    title = models.CharField(max_length=TITLE_MAX)
    body = models.TextField(max_length=BODY_MAX)
    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES, blank=True)
    comment_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)  # under review: author-only
    removed_at = models.DateTimeField(null=True, blank=True)  # by moderators (also hidden)

    class Meta:
        indexes = [
            models.Index(fields=["space", "-created_at", "-id"], name="post_by_space"),
            models.Index(fields=["author", "-created_at"], name="post_by_author"),
        ]

    def __str__(self) -> str:
        return self.title


class Comment(models.Model):
    """A comment on a post (an answer in Answers, a correction in Notebook) or on a
    timeline share, or a reply to one: replies are one level deep, `parent` is
    always top-level. Exactly one of `post` and `share` is set."""

    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    share = models.ForeignKey(
        "Share", null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(max_length=COMMENT_MAX)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)  # under review: author-only
    removed_at = models.DateTimeField(null=True, blank=True)  # by moderators (also hidden)

    class Meta:
        indexes = [
            models.Index(fields=["post", "parent", "created_at", "id"], name="comment_by_post"),
            models.Index(fields=["share", "parent", "created_at", "id"], name="comment_by_share"),
            models.Index(fields=["author", "-created_at"], name="comment_by_author"),
            # Replies prefetched by parent: SQLite otherwise scanned (530 ms -> <1 ms at 1M).
            models.Index(
                fields=["parent", "created_at", "id"],
                condition=Q(parent__isnull=False),
                name="comment_replies",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(post__isnull=False, share__isnull=True)
                | Q(post__isnull=True, share__isnull=False),
                name="comment_on_one_thing",
            )
        ]

    def __str__(self) -> str:
        return self.body[:50]


class Share(models.Model):
    """A timeline entry: a status, or a link to a community post with optional words.

    A share of a post that is later deleted stays, showing the post is gone."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shares"
    )
    text = models.TextField(max_length=SHARE_MAX, blank=True)
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="shares"
    )
    comment_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    hidden_at = models.DateTimeField(null=True, blank=True)  # under review: author-only
    removed_at = models.DateTimeField(null=True, blank=True)  # by moderators (also hidden)

    class Meta:
        indexes = [
            models.Index(fields=["author", "-created_at", "-id"], name="share_by_author"),
            models.Index(fields=["-created_at", "-id"], name="share_recent"),
        ]

    def __str__(self) -> str:
        return self.text[:50]
