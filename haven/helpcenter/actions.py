"""Votes and article editing."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from haven.audit.log import record
from haven.core.errors import Invalid, NotFound, Refused, require_text
from haven.core.ratelimit import limit
from haven.helpcenter.models import Article, Section, Vote
from haven.helpcenter.selectors import can_edit
from haven.members.languages import LANGUAGES

MISSING_MAX = 2000
VOTES_PER_HOUR = 60


def vote(
    *,
    slug: str,
    helpful: bool,
    missing: str = "",
    member=None,
    visitor: str = "",
    address: str = "",
) -> Vote:
    """Record or change one reader's vote. Members vote as themselves; signed-out
    readers by the random id in their signed cookie, and a limit per address
    keeps a cookie-clearing script from stuffing the count."""
    if not Article.objects.filter(slug=slug, published_at__isnull=False).exists():
        raise NotFound("No such article.")
    missing = (missing or "").strip() if not helpful else ""
    if len(missing) > MISSING_MAX:
        raise Invalid.field("missing", f"Please keep it under {MISSING_MAX} characters.")
    if "\x00" in missing:
        raise Invalid.field("missing", "This text may not contain NUL characters.")
    signed_in = member is not None and member.is_authenticated
    if not signed_in:
        limit(
            "help-vote", address, max_hits=VOTES_PER_HOUR, window=3600,
            message="Too many votes from here. Try again later.",
        )  # fmt: skip
    who = {"member": member} if signed_in else {"visitor": visitor, "member": None}
    try:
        with transaction.atomic():
            found, _ = Vote.objects.update_or_create(
                slug=slug, **who, defaults={"helpful": helpful, "missing": missing}
            )
    except IntegrityError:  # two clicks at once: the other one stored it; change it
        found = Vote.objects.get(slug=slug, **who)
        found.helpful, found.missing = helpful, missing
        found.save(update_fields=["helpful", "missing", "updated_at"])
    return found


def save_article(
    *,
    actor,
    title: str,
    body: str,
    section_key: str,
    language: str = "en",
    slug: str = "",
    article: Article | None = None,
) -> Article:
    """Create (article None) or edit an article; new articles start as drafts."""
    if not can_edit(actor):
        raise Refused("Only admins edit help articles.")
    title = require_text("title", title, max_length=200)
    body = require_text("body", body, max_length=50_000)
    section = Section.objects.filter(key=section_key).first()
    if section is None:
        raise Invalid.field("section", "Choose a section.")
    if language not in LANGUAGES:
        raise Invalid.field("language", "Unknown language.")
    if article is None:
        slug = slugify(slug or title)[:80]
        if not slug:
            raise Invalid.field("slug", "Give the article an address (letters and digits).")
        article = Article(slug=slug, published_at=None)
    article.title, article.body, article.section, article.language = title, body, section, language
    try:
        with transaction.atomic():
            article.save()
            _audit(actor, article, "help_article_save", snapshot={"title": title, "body": body})
    except IntegrityError as exc:
        raise Invalid.field("slug", "An article with this address and language exists.") from exc
    return article


def set_published(*, actor, article: Article, published: bool) -> Article:
    if not can_edit(actor):
        raise Refused("Only admins publish help articles.")
    with transaction.atomic():
        article.published_at = (article.published_at or timezone.now()) if published else None
        article.save(update_fields=["published_at", "updated_at"])
        _audit(actor, article, "help_article_publish" if published else "help_article_unpublish")
    return article


def _audit(actor, article: Article, event: str, snapshot=None) -> None:
    record(
        actor=actor,
        event=event,
        target_type="help_article",
        target_id=article.pk,
        target_label=f"{article.slug} ({article.language})",
        snapshot=snapshot,
    )
