"""Haven's own articles ship as Markdown files in content/ and are loaded after
every migrate when missing. Existing rows are never overwritten, so edits made
in the staff area stick; to retire an article, unpublish it."""

from __future__ import annotations

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
    existing = set(Article.objects.using(using).values_list("slug", "language"))
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
            )
            for a in shipped_articles()
            if (a["slug"], a.get("language", "en")) not in existing
        ]
    )
