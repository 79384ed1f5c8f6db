"""One search selector over two engines: SQLite FTS5 (the embedded default) and
PostgreSQL full-text search. Both return published articles in one language,
best first, each with an HTML snippet whose matches are wrapped in <mark>."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection
from django.utils.html import escape

from haven.helpcenter.models import Article

START, STOP = "\x02", "\x03"  # markers that cannot occur in text, escaped around
LIMIT = 20


@dataclass
class Hit:
    article: Article
    snippet: str  # safe HTML


def _highlight(raw: str) -> str:
    return escape(raw).replace(START, "<mark>").replace(STOP, "</mark>")


def _fts5_query(text: str) -> str:
    words = re.findall(r"\w+", text, flags=re.UNICODE)
    return " ".join('"' + w.replace('"', '""') + '"' for w in words[:12])


def _sqlite(text: str, language: str) -> list[Hit]:
    query = _fts5_query(text)
    if not query:
        return []
    sql = (
        "SELECT a.id, snippet(helpcenter_article_fts, 1, %s, %s, '…', 16) "
        "FROM helpcenter_article_fts JOIN helpcenter_article a "
        "ON a.id = helpcenter_article_fts.rowid "
        "WHERE helpcenter_article_fts MATCH %s AND a.published_at IS NOT NULL "
        "AND a.language = %s "
        "ORDER BY bm25(helpcenter_article_fts, 5.0, 1.0) LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [START, STOP, query, language, LIMIT])
        rows = cursor.fetchall()
    articles = Article.objects.select_related("section").in_bulk([pk for pk, _ in rows])
    return [Hit(articles[pk], _highlight(snippet)) for pk, snippet in rows]


def _postgres(text: str, language: str) -> list[Hit]:
    from django.contrib.postgres.search import (
        SearchHeadline,
        SearchQuery,
        SearchRank,
        SearchVector,
    )

    if not re.search(r"\w", text):
        return []
    query = SearchQuery(text, search_type="websearch", config="english")
    vector = SearchVector("title", weight="A", config="english") + SearchVector(
        "body", weight="B", config="english"
    )
    found = (
        Article.objects.filter(published_at__isnull=False, language=language)
        .annotate(rank=SearchRank(vector, query))
        .filter(rank__gt=0)
        .annotate(
            snippet=SearchHeadline(
                "body",
                query,
                config="english",
                start_sel=START,
                stop_sel=STOP,
                max_words=30,
                min_words=12,
            )
        )
        .select_related("section")
        .order_by("-rank", "id")[:LIMIT]
    )
    return [Hit(a, _highlight(a.snippet)) for a in found]


def search_articles(text: str, *, language: str = "en") -> list[Hit]:
    text = (text or "").strip()[:200]
    if not text:
        return []
    if connection.vendor == "postgresql":
        return _postgres(text, language)
    return _sqlite(text, language)
