"""The help center: reading, languages, votes, search, editing, sanitizing, help links."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from haven.conftest import make_member
from haven.helpcenter.markdown import render
from haven.helpcenter.models import Article, Section, Vote

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def _article(slug="tea-guide", *, language="en", title="Ordering tea", published=True, **kw):
    return Article.objects.create(
        slug=slug,
        language=language,
        section=Section.objects.get(key="support"),
        title=title,
        body=kw.pop("body", "Say **ocha** when you order green tea in Kyoto."),
        published_at=timezone.now() if published else None,
        **kw,
    )


def _count_line(html: str) -> str:
    return re.search(r"\d+ out of \d+ found this helpful", html).group(0)


def test_home_lists_sections_and_recent_articles():
    page = Client().get("/help").content.decode()
    assert "Staying safe" in page and "Recent articles" in page
    assert "What should I do if I&#x27;m being harassed?" in page


def test_member_votes_once_and_may_change_the_vote(alice, bob, web):
    _article()
    web(alice).post("/help/tea-guide/vote", {"helpful": "yes"})
    web(alice).post("/help/tea-guide/vote", {"helpful": "yes"})
    web(bob).post("/help/tea-guide/vote", {"helpful": "no"})
    assert _count_line(Client().get("/help/tea-guide").content.decode()) == (
        "1 out of 2 found this helpful"
    )
    web(bob).post("/help/tea-guide/vote", {"helpful": "yes"})
    assert Vote.objects.filter(slug="tea-guide").count() == 2
    assert "2 out of 2 found this helpful" in Client().get("/help/tea-guide").content.decode()


def test_a_no_vote_can_say_what_was_missing_and_admins_read_it(alice, ada, web):
    article = _article()
    web(alice).post("/help/tea-guide/vote", {"helpful": "no"})
    assert "What was missing?" in web(alice).get("/help/tea-guide").content.decode()
    web(alice).post("/help/tea-guide/vote", {"helpful": "no", "missing": "Prices, please."})
    assert Vote.objects.get(member=alice).missing == "Prices, please."
    assert "Prices, please." in web(ada).get(f"/staff/help/{article.pk}").content.decode()


def test_signed_out_visitor_votes_once_per_browser():
    _article()
    browser = Client()
    browser.post("/help/tea-guide/vote", {"helpful": "yes"})
    browser.post("/help/tea-guide/vote", {"helpful": "no"})  # changes, does not add
    Client().post("/help/tea-guide/vote", {"helpful": "yes"})  # another browser
    assert list(Vote.objects.order_by("id").values_list("helpful", flat=True)) == [False, True]
    forged = Client()
    forged.cookies["haven_visitor"] = "made-up"  # unsigned: ignored, a new id is issued
    forged.post("/help/tea-guide/vote", {"helpful": "yes"})
    assert Vote.objects.count() == 3


def test_signed_out_votes_are_rate_limited_per_address(api):
    _article()
    statuses = {
        api().post("/help/articles/tea-guide/votes", {"helpful": True}).status_code
        for _ in range(61)
    }
    assert statuses == {200, 429}


def test_votes_through_the_api_report_the_counts(alice, bob, api):
    _article()
    assert api(alice).post("/help/articles/tea-guide/votes", {"helpful": True}).json() == {
        "helpful": 1,
        "votes": 1,
        "my_vote": True,
    }
    response = api(bob).post("/help/articles/tea-guide/votes", {"helpful": False})
    assert response.json() == {"helpful": 1, "votes": 2, "my_vote": False}
    assert api().get("/help/articles/tea-guide").json()["votes"] == 2
    assert api(alice).post("/help/articles/nope/votes", {"helpful": True}).status_code == 404


def test_drafts_are_invisible_to_members_and_visible_to_admins(alice, mia, ada, web, api):
    _article(published=False)
    assert Client().get("/help/tea-guide").status_code == 404
    assert web(alice).get("/help/tea-guide").status_code == 404
    assert web(mia).get("/help/tea-guide").status_code == 404
    assert api(alice).get("/help/articles/tea-guide").status_code == 404
    assert "tea-guide" not in str(api(alice).get("/help/articles").json())
    page = web(ada).get("/help/tea-guide")
    assert page.status_code == 200 and "Draft" in page.content.decode()
    assert web(alice).post("/help/tea-guide/vote", {"helpful": "yes"}).status_code == 404


def test_search_finds_an_article_by_a_word_in_its_body_with_a_highlighted_snippet(api):
    _article(body="Matcha is whisked, never steeped, in a proper tea ceremony.")
    _article(slug="draft-tea", title="Secret", body="whisked drafts", published=False)
    hits = api().get("/help/articles", {"q": "whisked"}).json()
    assert [h["slug"] for h in hits] == ["tea-guide"]
    assert "<mark>" in hits[0]["snippet"] and "whisked" in hits[0]["snippet"].lower()
    page = Client().get("/help", {"q": "whisked"}).content.decode()
    assert "Ordering tea" in page and "<mark>" in page


def test_search_ranks_title_matches_first_and_survives_odd_input(api):
    _article(slug="about-body", title="General notes", body="A word about ceremony here.")
    _article(slug="about-title", title="Ceremony basics", body="Nothing else.")
    hits = api().get("/help/articles", {"q": "ceremony"}).json()
    assert [h["slug"] for h in hits][:2] == ["about-title", "about-body"]
    for odd in ('"', "AND OR NOT", "*", "(", "tea:", "NEAR(", "'; DROP"):
        assert api().get("/help/articles", {"q": odd}).status_code == 200


def test_search_snippets_escape_article_text(api):
    _article(body="Beware <b>bold</b> claims about ceremony.")
    snippet = api().get("/help/articles", {"q": "ceremony"}).json()[0]["snippet"]
    # SQLite escapes the tag, PostgreSQL's headline drops it: either way, no markup.
    assert "<b>" not in snippet and "bold" in snippet


def test_markdown_with_script_or_javascript_links_is_sanitized():
    html = render(
        "Hello <script>alert(1)</script>\n\n[click](javascript:alert(1)) "
        "[ok](https://haven.example/x) [rel](/help/blocking)\n\n<img src=x onerror=alert(1)>"
    )
    assert "<script" not in html and "<img" not in html
    assert 'href="javascript' not in html
    assert 'href="https://haven.example/x"' in html and 'href="/help/blocking"' in html


def test_article_page_picks_the_members_language_and_falls_back_to_english(web, api):
    _article(title="Ordering tea")
    _article(language="es", title="Pedir té")
    spanish = make_member("lucia", native=("es",), learning=("ja",))
    german = make_member("jonas", native=("de",), learning=("ja",))
    assert "Pedir té" in web(spanish).get("/help/tea-guide").content.decode()
    page = web(german).get("/help/tea-guide").content.decode()
    assert "Ordering tea" in page and "?lang=es" in page  # the switcher offers Spanish
    assert "Pedir té" in Client().get("/help/tea-guide?lang=es").content.decode()
    assert api(spanish).get("/help/articles/tea-guide").json()["languages"] == ["en", "es"]
    assert api().get("/help/articles/tea-guide", {"language": "fr"}).json()["language"] == "en"


def test_votes_count_across_translations(alice, bob, web):
    _article()
    _article(language="es", title="Pedir té")
    web(alice).post("/help/tea-guide/vote?lang=es", {"helpful": "yes"})
    web(bob).post("/help/tea-guide/vote", {"helpful": "yes"})
    assert "2 out of 2" in Client().get("/help/tea-guide?lang=es").content.decode()


def test_admin_writes_previews_publishes_and_unpublishes_an_article(ada, alice, web):
    browser = web(ada)
    form = {
        "title": "Greetings",
        "slug": "",
        "section": "guidelines",
        "language": "en",
        "body": "Say *hi*.",
    }
    preview = browser.post("/staff/help/new", {**form, "preview": "1"})
    assert "<em>hi</em>" in preview.content.decode()
    assert not Article.objects.filter(slug="greetings").exists()
    browser.post("/staff/help/new", form)
    article = Article.objects.get(slug="greetings")
    assert article.published_at is None
    assert Client().get("/help/greetings").status_code == 404
    browser.post(f"/staff/help/{article.pk}/publish", {"published": "yes"})
    assert Client().get("/help/greetings").status_code == 200
    browser.post(f"/staff/help/{article.pk}", {**form, "body": "Say *hello*."})
    assert "<em>hello</em>" in Client().get("/help/greetings").content.decode()
    browser.post(f"/staff/help/{article.pk}/publish", {"published": "no"})
    assert Client().get("/help/greetings").status_code == 404


def test_only_admins_edit_articles(alice, mia, sam, web):
    article = _article()
    for member in (alice, mia, sam):
        assert web(member).get("/staff/help").status_code == 403
        assert web(member).post(f"/staff/help/{article.pk}/publish").status_code == 403
    assert Client().get("/staff/help")["Location"].startswith("/signin")


def test_every_help_link_in_every_template_resolves_to_a_published_article():
    slugs = set()
    for template in ROOT.glob("haven/**/templates/**/*.html"):
        slugs |= set(re.findall(r'help_link "([a-z0-9-]+)"', template.read_text()))
    assert {"blocking", "flag-content", "report-member", "privacy-settings"} <= slugs
    published = set(
        Article.objects.filter(published_at__isnull=False, language="en").values_list(
            "slug", flat=True
        )
    )
    assert slugs <= published, slugs - published


def test_havens_own_articles_ship_published():
    expected = {
        "being-harassed",
        "flag-content",
        "report-member",
        "blocking",
        "privacy-settings",
        "contact-support",
        "after-reporting",
        "standing-and-appeals",
        "community-guidelines",
    }
    shipped = set(
        Article.objects.filter(language="en", published_at__isnull=False).values_list(
            "slug", flat=True
        )
    )
    assert expected <= shipped


def test_an_upgrade_updates_shipped_articles_nobody_edited_and_keeps_edited_ones(ada, monkeypatch):
    from haven.helpcenter import actions, content_loader

    original = content_loader.shipped_articles()
    blocking = Article.objects.get(slug="blocking", language="en")
    actions.save_article(
        actor=ada, article=Article.objects.get(slug="flag-content", language="en"),
        title="Our own flag article", body="Edited by an admin.", section_key="safety",
    )  # fmt: skip

    def newer():
        return [{**a, "body": a["body"] + "\nNew in this release.\n"} for a in original]

    monkeypatch.setattr(content_loader, "shipped_articles", newer)
    content_loader.ensure_articles()
    assert Article.objects.get(pk=blocking.pk).body.endswith("New in this release.\n")
    edited = Article.objects.get(slug="flag-content", language="en")
    assert (edited.title, edited.body) == ("Our own flag article", "Edited by an admin.")
    assert Article.objects.filter(slug="blocking").count() == 1


def test_safety_controls_link_to_their_articles(alice, bob, web):
    assert '/help/blocking"' in web(alice).get("/u/bob").content.decode()
    assert '/help/privacy-settings"' in web(alice).get("/settings/privacy").content.decode()
    assert '/help/report-member"' in web(alice).get("/u/bob/report").content.decode()
