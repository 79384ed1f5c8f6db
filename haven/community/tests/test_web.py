"""Spaces, posts, comments and timelines through the pages."""

import pytest
from django.test import Client

from haven.community import actions
from haven.community.models import Comment, Post, Share
from haven.conftest import make_member
from haven.friends.actions import accept_friend_request, send_friend_request

pytestmark = pytest.mark.django_db


def _post(author, space="answers", title="How do I say hello?", **extra):
    return actions.create_post(actor=author, space=space, title=title, body="Body text", **extra)


def _befriend(a, b):
    accept_friend_request(actor=b, request=send_friend_request(actor=a, target=b))


def test_member_asks_a_question_and_it_appears_in_answers(alice, web):
    browser = web(alice)
    response = browser.post("/answers/new", {"title": "Is 'ciao' formal?", "body": "Asking."})
    post = Post.objects.get(title="Is 'ciao' formal?")
    assert response["Location"] == f"/posts/{post.pk}"
    assert post.space == "answers"
    assert "Is &#x27;ciao&#x27; formal?" in Client().get("/answers").content.decode()


def test_notebook_entry_needs_its_language(alice, web):
    response = web(alice).post("/notebook/new", {"title": "Mon jour", "body": "Aujourd'hui..."})
    assert response.status_code == 400
    assert response.context["form"].errors["language"]
    response = web(alice).post(
        "/notebook/new", {"title": "Mon jour", "body": "Aujourd'hui...", "language": "fr"}
    )
    assert response.status_code == 302


def test_empty_or_too_long_post_is_refused_with_field_messages(alice, web):
    response = web(alice).post("/discussions/new", {"title": "", "body": "x" * 20_001})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "title" in errors and "body" in errors
    assert not Post.objects.exists()


def test_writing_a_post_needs_sign_in():
    response = Client().post("/answers/new", {"title": "t", "body": "b"})
    assert response.status_code == 302
    assert response["Location"].startswith("/signin")


def test_unknown_space_is_404(alice):
    assert Client().get("/gossip").status_code == 404


def test_comments_and_one_level_replies_show_on_the_post_page(alice, bob, carol, web):
    post = _post(alice)
    web(bob).post(f"/posts/{post.pk}/comments", {"body": "Say 'hola'."})
    answer = Comment.objects.get(body="Say 'hola'.")
    web(carol).post(f"/posts/{post.pk}/comments", {"body": "Agreed", "parent_id": answer.pk})
    reply = Comment.objects.get(body="Agreed")
    web(alice).post(f"/posts/{post.pk}/comments", {"body": "Thanks!", "parent_id": reply.pk})
    thanks = Comment.objects.get(body="Thanks!")
    assert reply.parent_id == answer.pk
    assert thanks.parent_id == answer.pk  # a reply to a reply joins the same thread
    page = Client().get(f"/posts/{post.pk}")
    assert [c.pk for c in page.context["page"].items] == [answer.pk]
    assert "Agreed" in page.content.decode()
    post.refresh_from_db()
    assert post.comment_count == 3


def test_empty_comment_is_refused(alice, bob, web):
    post = _post(alice)
    response = web(bob).post(f"/posts/{post.pk}/comments", {"body": "  "})
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_author_edits_and_deletes_their_post_after_confirming(alice, web):
    post = _post(alice)
    browser = web(alice)
    browser.post(f"/posts/{post.pk}/edit", {"title": "Better title", "body": "New body"})
    post.refresh_from_db()
    assert post.title == "Better title" and post.edited_at is not None
    assert "Delete this post?" in browser.get(f"/posts/{post.pk}/delete").content.decode()
    assert Post.objects.filter(pk=post.pk).exists()
    browser.post(f"/posts/{post.pk}/delete")
    assert not Post.objects.filter(pk=post.pk).exists()


def test_member_cannot_edit_or_delete_someone_elses_post_or_comment(alice, bob, web):
    post = _post(alice)
    comment = actions.add_comment(actor=alice, post=post, body="mine")
    browser = web(bob)
    assert browser.post(f"/posts/{post.pk}/edit", {"title": "x", "body": "y"}).status_code == 403
    assert browser.post(f"/posts/{post.pk}/delete").status_code == 403
    assert browser.post(f"/comments/{comment.pk}/edit", {"body": "y"}).status_code == 403
    assert browser.post(f"/comments/{comment.pk}/delete").status_code == 403
    post.refresh_from_db()
    comment.refresh_from_db()
    assert post.title == "How do I say hello?" and comment.body == "mine"


def test_deleting_a_comment_removes_its_replies_and_fixes_the_count(alice, bob, web):
    post = _post(alice)
    comment = actions.add_comment(actor=bob, post=post, body="first")
    actions.add_comment(actor=alice, post=post, body="reply", parent=comment)
    web(bob).post(f"/comments/{comment.pk}/delete")
    post.refresh_from_db()
    assert post.comment_count == 0
    assert not Comment.objects.exists()


def test_shares_reach_friends_feeds_but_not_strangers(alice, bob, carol, web):
    _befriend(alice, carol)
    web(alice).post("/timeline", {"text": "I passed my JLPT N4!"})
    assert "I passed my JLPT N4!" in web(carol).get("/").content.decode()
    assert "I passed my JLPT N4!" not in web(bob).get("/").content.decode()
    assert "I passed my JLPT N4!" in web(bob).get("/u/alice").content.decode()


def test_sharing_a_post_links_it_on_the_timeline(alice, bob, web):
    post = _post(bob)
    web(alice).post("/timeline", {"post_id": post.pk})
    share = Share.objects.get(author=alice)
    page = web(alice).get(f"/timeline/{share.pk}").content.decode()
    assert f"/posts/{post.pk}" in page
    post.delete()
    page = web(alice).get(f"/timeline/{share.pk}").content.decode()
    assert "no longer available" in page


def test_signed_out_visitors_do_not_see_timelines(alice):
    share = actions.share(actor=alice, text="members only")
    assert "members only" not in Client().get("/u/alice").content.decode()
    response = Client().get(f"/timeline/{share.pk}")
    assert response.status_code == 302 and response["Location"].startswith("/signin")


def test_only_the_author_removes_a_share(alice, bob, web):
    share = actions.share(actor=alice, text="hello")
    assert web(bob).post(f"/timeline/{share.pk}/delete").status_code == 403
    web(alice).post(f"/timeline/{share.pk}/delete")
    assert not Share.objects.exists()


def _count(count_queries, browser, url):
    with count_queries() as queries:
        assert browser.get(url).status_code == 200
    return len(queries)


def test_space_post_feed_and_profile_pages_cost_the_same_queries_for_more_items(
    alice, bob, web, count_queries
):
    _befriend(alice, bob)
    post = _post(alice)
    browser = web(alice)

    def grow(n):
        for i in range(n):
            other = make_member(f"m{i}_{Post.objects.count()}")
            _post(other, title=f"q{i}")
            top = actions.add_comment(actor=other, post=post, body=f"c{i}")
            actions.add_comment(actor=bob, post=post, body="r", parent=top)
            actions.share(actor=bob, text=f"s{i}")
            actions.share(actor=alice, text=f"a{i}")

    urls = ["/answers", f"/posts/{post.pk}", "/", "/u/alice"]
    grow(2)
    small = [_count(count_queries, browser, u) for u in urls]
    grow(10)
    large = [_count(count_queries, browser, u) for u in urls]
    assert small == large
