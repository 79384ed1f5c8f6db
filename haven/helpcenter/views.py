import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from haven.core.errors import HavenError, Invalid, NotFound, Refused
from haven.core.forms import posted
from haven.core.ratelimit import client_ip
from haven.core.web import add_errors
from haven.helpcenter import actions, selectors
from haven.helpcenter.forms import ArticleForm, MissingForm
from haven.helpcenter.markdown import render as render_markdown
from haven.helpcenter.models import Article
from haven.helpcenter.search import search_articles
from haven.members.languages import LANGUAGES

VISITOR_COOKIE = "haven_visitor"
VISITOR_SALT = "helpcenter.votes"
YEAR = 365 * 24 * 3600


def visitor_id(request: HttpRequest) -> str:
    return request.get_signed_cookie(VISITOR_COOKIE, default="", salt=VISITOR_SALT)


def remember_visitor(request: HttpRequest, response: HttpResponse, visitor: str) -> None:
    if visitor and visitor != visitor_id(request):
        response.set_signed_cookie(
            VISITOR_COOKIE, visitor, salt=VISITOR_SALT, max_age=YEAR, httponly=True,
            samesite="Lax", secure=request.is_secure(),
        )  # fmt: skip


def _language(request: HttpRequest) -> str:
    requested = request.GET.get("lang")
    return selectors.reader_language(request.user, requested if requested in LANGUAGES else None)


def home(request: HttpRequest) -> HttpResponse:
    language = _language(request)
    query = request.GET.get("q", "").strip()
    context = {
        "query": query,
        "hits": search_articles(query, language=language) if query else None,
        "sections": selectors.sections(),
        "articles": selectors.articles_for(request.user, language=language),
        "recent": selectors.recent_articles(request.user, language=language),
    }
    if query and language != selectors.FALLBACK and not context["hits"]:
        context["hits"] = search_articles(query, language=selectors.FALLBACK)
    return render(request, "helpcenter/home.html", context)


def _article_context(request: HttpRequest, article: Article, **extra) -> dict:
    yes, total = selectors.helpful_counts(article.slug)
    related = [
        a
        for a in selectors.articles_for(
            request.user, language=article.language, section=article.section
        )
        if a.slug != article.slug
    ]
    return {
        "article": article,
        "body_html": render_markdown(article.body),
        "languages": [(code, LANGUAGES.get(code, code)) for code in
                      selectors.languages_of(request.user, article.slug)],
        "related": related,
        "recent": selectors.recent_articles(request.user, language=article.language),
        "helpful": yes,
        "votes": total,
        "my_vote": selectors.vote_of(
            article.slug, member=request.user, visitor=visitor_id(request)
        ),
        "missing_form": MissingForm(),
        "can_edit": selectors.can_edit(request.user),
        **extra,
    }  # fmt: skip


def article(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.access_article(request.user, slug, language=_language(request))
    return render(request, "helpcenter/article.html", _article_context(request, found))


@require_POST
def vote(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.access_article(request.user, slug, language=_language(request))
    visitor = "" if request.user.is_authenticated else (visitor_id(request) or uuid.uuid4().hex)
    form = MissingForm(request.POST)
    helpful = request.POST.get("helpful") == "yes"
    try:
        if not form.is_valid():
            raise Invalid("Please check the form.", fields={"missing": form.errors["missing"]})
        actions.vote(
            slug=found.slug, helpful=helpful, missing=form.cleaned_data["missing"],
            member=request.user, visitor=visitor, address=client_ip(request),
        )  # fmt: skip
    except HavenError as exc:
        add_errors(form, exc)
        context = _article_context(request, found, missing_form=form)
        return render(request, "helpcenter/article.html", context, status=exc.status)
    messages.success(request, "Thanks for your feedback!")
    target = reverse("helpcenter:article", args=[found.slug]) + f"?lang={found.language}"
    response = redirect(target + ("#feedback" if not helpful else "#helpful"))
    remember_visitor(request, response, visitor)
    return response


def _admin_only(request: HttpRequest) -> None:
    if not selectors.can_edit(request.user):
        raise Refused("Only admins edit help articles.")


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    articles = Article.objects.select_related("section").order_by("section__position", "slug")
    return render(request, "helpcenter/staff_list.html", {"articles": articles})


def _get_article(pk: int) -> Article:
    found = Article.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound("No such article.")
    return found


@login_required
@require_http_methods(["GET", "POST"])
def staff_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _admin_only(request)
    existing = _get_article(pk) if pk else None
    initial = {}
    if existing:
        initial = {
            "title": existing.title, "slug": existing.slug, "body": existing.body,
            "section": existing.section.key, "language": existing.language,
        }  # fmt: skip
    form = ArticleForm(posted(request), initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "preview" in request.POST:
            preview = render_markdown(data["body"])
        else:
            try:
                saved = actions.save_article(
                    actor=request.user, title=data["title"], body=data["body"],
                    section_key=data["section"], language=data["language"],
                    slug=data["slug"], article=existing,
                )  # fmt: skip
            except Invalid as exc:
                add_errors(form, exc)
            else:
                messages.success(request, "Article saved.")
                return redirect("helpcenter:staff_edit", saved.pk)
    context = {
        "form": form,
        "article": existing,
        "preview": preview,
        "feedback": selectors.feedback(existing.slug)[:50] if existing else [],
    }
    return render(
        request, "helpcenter/staff_edit.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def staff_publish(request: HttpRequest, pk: int) -> HttpResponse:
    _admin_only(request)
    found = _get_article(pk)
    publish = request.POST.get("published") == "yes"
    actions.set_published(actor=request.user, article=found, published=publish)
    messages.success(request, "Published." if publish else "Unpublished: members no longer see it.")
    return redirect("helpcenter:staff_edit", found.pk)
