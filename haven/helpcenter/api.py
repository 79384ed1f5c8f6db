import uuid
from datetime import datetime

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from haven.core.api import OPTIONAL, ErrorOut, viewer
from haven.core.ratelimit import client_ip
from haven.helpcenter import actions, selectors
from haven.helpcenter.markdown import render as render_markdown
from haven.helpcenter.search import search_articles
from haven.helpcenter.views import VISITOR_COOKIE, VISITOR_SALT, YEAR, visitor_id
from haven.members.languages import LANGUAGES

router = Router(tags=["help"])
ERRORS = {400: ErrorOut, 404: ErrorOut, 429: ErrorOut}


class ArticleBrief(Schema):
    slug: str
    title: str
    section: str
    language: str
    updated_at: datetime
    snippet: str | None = None


class ArticleOut(ArticleBrief):
    body_html: str
    languages: list[str]
    helpful: int
    votes: int


class VoteIn(Schema):
    helpful: bool
    missing: str = ""


class VoteOut(Schema):
    helpful: int
    votes: int
    my_vote: bool


def _brief(article, snippet: str | None = None) -> dict:
    return {
        "slug": article.slug,
        "title": article.title,
        "section": article.section.title,
        "language": article.language,
        "updated_at": article.updated_at,
        "snippet": snippet,
    }


def _language(request: HttpRequest, language: str | None) -> str:
    return selectors.reader_language(viewer(request), language if language in LANGUAGES else None)


@router.get("/help/articles", auth=OPTIONAL, response={200: list[ArticleBrief], **ERRORS})
def list_articles(request: HttpRequest, q: str = "", language: str | None = None):
    """Published articles in the reader's language (English where there is no
    translation); with `q`, ranked search results with highlighted snippets."""
    lang = _language(request, language)
    if q.strip():
        return [_brief(hit.article, hit.snippet) for hit in search_articles(q, language=lang)]
    return [_brief(article) for article in selectors.articles_for(viewer(request), language=lang)]


@router.get("/help/articles/{slug}", auth=OPTIONAL, response={200: ArticleOut, **ERRORS})
def get_article(request: HttpRequest, slug: str, language: str | None = None):
    """One article, in `language` when translated, else English; body as sanitized HTML."""
    article = selectors.access_article(viewer(request), slug, language=_language(request, language))
    yes, total = selectors.helpful_counts(article.slug)
    return {
        **_brief(article),
        "body_html": render_markdown(article.body),
        "languages": selectors.languages_of(viewer(request), article.slug),
        "helpful": yes,
        "votes": total,
    }


@router.post("/help/articles/{slug}/votes", auth=OPTIONAL, response={200: VoteOut, **ERRORS})
def vote(request: HttpRequest, slug: str, payload: VoteIn, response: HttpResponse):
    """Was this article helpful? One vote per member (or per browser, by a signed
    cookie, when signed out); voting again changes it."""
    member = viewer(request)
    signed_in = member.is_authenticated
    visitor = "" if signed_in else (visitor_id(request) or uuid.uuid4().hex)
    found = actions.vote(
        slug=slug, helpful=payload.helpful, missing=payload.missing,
        member=member if signed_in else None, visitor=visitor, address=client_ip(request),
    )  # fmt: skip
    if visitor and visitor != visitor_id(request):
        response.set_signed_cookie(
            VISITOR_COOKIE, visitor, salt=VISITOR_SALT, max_age=YEAR, httponly=True,
            samesite="Lax",
        )  # fmt: skip
    yes, total = selectors.helpful_counts(slug)
    return Status(200, {"helpful": yes, "votes": total, "my_vote": found.helpful})
