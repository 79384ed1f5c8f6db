"""The help center: sections, articles (Markdown, per language) and helpfulness votes."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Section(models.Model):
    key = models.SlugField(max_length=40, unique=True)
    title = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Article(models.Model):
    """One article in one language. Translations share the `slug`; English is the
    fallback. Drafts (`published_at` null) are visible to admins only."""

    slug = models.SlugField(max_length=80)
    language = models.CharField(max_length=8, default="en")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="articles")
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=50_000, help_text="Markdown")
    published_at = models.DateTimeField(null=True, blank=True)
    # SHA-256 of the title and body last loaded from content/ (see content_loader):
    # while the row still matches it, nobody edited it and a newer shipped text replaces it.
    # (Nullable so SQLite adds the column in place, keeping the search triggers.)
    shipped_sha256 = models.CharField(max_length=64, null=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["slug", "language"], name="article_per_language")
        ]
        indexes = [
            models.Index(fields=["language", "-updated_at"], name="article_recent"),
            models.Index(fields=["section", "language"], name="article_by_section"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Vote(models.Model):
    """ "Was this article helpful?" One per member per article (changeable), or one per
    browser for signed-out visitors (a random id in a signed cookie). Counted per
    slug, across languages."""

    slug = models.SlugField(max_length=80)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    visitor = models.CharField(max_length=40, blank=True)
    helpful = models.BooleanField()
    missing = models.TextField(max_length=2000, blank=True, help_text="What was missing?")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["slug", "member"], condition=Q(member__isnull=False), name="vote_per_member"
            ),
            models.UniqueConstraint(
                fields=["slug", "visitor"], condition=~Q(visitor=""), name="vote_per_visitor"
            ),
            models.CheckConstraint(
                condition=Q(member__isnull=False, visitor="")
                | Q(member__isnull=True) & ~Q(visitor=""),
                name="vote_by_member_or_visitor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.slug}: {'yes' if self.helpful else 'no'}"
