"""Reads for the help center: articles in the reader's language, with English as
the fallback; drafts only for admins."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from haven.core.errors import NotFound
from haven.helpcenter.models import Article, Section, Vote
from haven.members.roles import ADMIN, role_of

FALLBACK = "en"


def can_edit(viewer) -> bool:
    return role_of(viewer) == ADMIN


def reader_language(viewer, requested: str | None = None) -> str:
    """An explicit choice wins; otherwise the member's first native language."""
    if requested:
        return requested
    if viewer is not None and viewer.is_authenticated:
        native = [x.code for x in viewer.languages.all() if x.kind == "native"]
        if native:
            return native[0]
    return FALLBACK


def _readable(viewer) -> QuerySet[Article]:
    articles = Article.objects.select_related("section")
    return articles if can_edit(viewer) else articles.filter(published_at__isnull=False)


def access_article(viewer, slug: str, *, language: str = FALLBACK) -> Article:
    """The article in `language` if it exists (and is readable), else in English."""
    found = {a.language: a for a in _readable(viewer).filter(slug=slug)}
    article = found.get(language) or found.get(FALLBACK) or next(iter(found.values()), None)
    if article is None:
        raise NotFound("No such article.")
    return article


def languages_of(viewer, slug: str) -> list[str]:
    return sorted(_readable(viewer).filter(slug=slug).values_list("language", flat=True))


def _one_per_slug(articles: list[Article], language: str) -> list[Article]:
    best: dict[str, Article] = {}
    for article in articles:
        current = best.get(article.slug)
        if current is None or article.language == language:
            best[article.slug] = article
    return list(best.values())


def articles_for(viewer, *, language: str = FALLBACK, section: Section | None = None) -> list:
    """Every readable article once, in the reader's language where it exists."""
    articles = _readable(viewer).filter(language__in={language, FALLBACK})
    if section is not None:
        articles = articles.filter(section=section)
    picked = _one_per_slug(list(articles.order_by("title")), language)
    return sorted(picked, key=lambda a: (a.section.position, a.title))


def recent_articles(viewer, *, language: str = FALLBACK, limit: int = 5) -> list[Article]:
    picked = _one_per_slug(
        list(_readable(viewer).filter(language__in={language, FALLBACK})), language
    )
    return sorted(picked, key=lambda a: a.updated_at, reverse=True)[:limit]


def sections() -> list[Section]:
    return list(Section.objects.all())


def helpful_counts(slug: str) -> tuple[int, int]:
    """(found it helpful, voted) for the article across its languages."""
    counts = Vote.objects.filter(slug=slug).aggregate(
        yes=Count("id", filter=Q(helpful=True)), total=Count("id")
    )
    return counts["yes"], counts["total"]


def vote_of(slug: str, *, member=None, visitor: str = "") -> Vote | None:
    if member is not None and member.is_authenticated:
        return Vote.objects.filter(slug=slug, member=member).first()
    if visitor:
        return Vote.objects.filter(slug=slug, visitor=visitor).first()
    return None


def feedback(slug: str) -> QuerySet[Vote]:
    """What readers said was missing (staff only)."""
    return Vote.objects.filter(slug=slug, helpful=False).exclude(missing="")
