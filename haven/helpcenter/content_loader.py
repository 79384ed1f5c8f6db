"""Haven's own articles ship as Markdown files in content/ and are loaded after
every migrate: created when missing, and updated when the shipped text changed
and nobody edited the row since it was loaded (so the help center keeps
describing what Haven does after an upgrade). A row an admin edited in the staff
area is never overwritten; to retire an article, unpublish it."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

CONTENT_DIR = Path(__file__).resolve().parent / "content"
SECTIONS = [
    ("safety", "Staying safe"),
    ("privacy", "Privacy and your account"),
    ("support", "Getting help"),
    ("guidelines", "Community guidelines"),
]


def parse(path: Path) -> dict[str, str]:
    """Front matter (`key: value` lines between `---`) and the Markdown body."""
    text = path.read_text(encoding="utf-8")
    _, header, body = text.split("---", 2)
    meta = dict(
        (key.strip(), value.strip())
        for key, value in (line.split(":", 1) for line in header.strip().splitlines())
    )
    return {**meta, "body": body.strip() + "\n"}


def shipped_articles() -> list[dict[str, str]]:
    return [parse(path) for path in sorted(CONTENT_DIR.glob("*.md"))]


def ensure_articles(**kwargs) -> None:
    from haven.helpcenter.models import Article, Section

    using = kwargs.get("using", "default")
    for position, (key, title) in enumerate(SECTIONS):
        Section.objects.using(using).get_or_create(
            key=key, defaults={"title": title, "position": position}
        )
    sections = {s.key: s for s in Section.objects.using(using).all()}
    shipped = shipped_articles()
    existing = _refresh_untouched(Article.objects.using(using), shipped)
    now = timezone.now()
    Article.objects.using(using).bulk_create(
        [
            Article(
                slug=a["slug"],
                language=a.get("language", "en"),
                section=sections[a["section"]],
                title=a["title"],
                body=a["body"],
                published_at=now,
                shipped_sha256=digest(a["title"], a["body"]),
            )
            for a in shipped
            if (a["slug"], a.get("language", "en")) not in existing
        ]
    )


def digest(title: str, body: str) -> str:
    return hashlib.sha256(f"{title}\n{body}".encode()).hexdigest()


def _untouched(row) -> bool:
    """Nobody edited the row since it was loaded. Rows from before `shipped_sha256`
    existed count as untouched when they were never saved after being created."""
    if row.shipped_sha256:
        return row.shipped_sha256 == digest(row.title, row.body)
    return row.updated_at - row.created_at < timedelta(seconds=1)


def _refresh_untouched(articles, shipped: list[dict[str, str]]) -> set[tuple[str, str]]:
    """Bring untouched shipped articles up to date; return every (slug, language) present."""
    by_key = {(a["slug"], a.get("language", "en")): a for a in shipped}
    present = set()
    for row in articles.filter(slug__in={slug for slug, _ in by_key}):
        key = (row.slug, row.language)
        present.add(key)
        new = by_key.get(key)
        if new is None or not _untouched(row):
            continue
        fresh = digest(new["title"], new["body"])
        if row.shipped_sha256 != fresh:
            row.title, row.body, row.shipped_sha256 = new["title"], new["body"], fresh
            row.save(update_fields=["title", "body", "shipped_sha256", "updated_at"])
    return present | set(articles.values_list("slug", "language"))
