"""Comments on timeline shares, through the API and the share page."""

from __future__ import annotations

import html

import pytest

from haven.community.actions import add_comment, create_post, delete_comment, share
from haven.community.models import COMMENT_MAX, Comment, Share
from haven.core.tests.api_helpers import (
    assert_bad_cursors_refused,
    assert_error,
    assert_signed_out_refused,
    counted_get,
    walk_pages,
    warm,
)
from haven.safety import policies
from haven.safety.privacy import update_privacy

pytestmark = pytest.mark.django_db


def _count(shared: Share) -> int:
    shared.refresh_from_db()
    return shared.comment_count


def test_member_comments_on_a_share_and_replies_to_a_comment(api, alice, bob, carol):
    shared = share(actor=alice, text="Passed my JLPT N3!")
    first = api(bob).post(f"/timeline/{shared.pk}/comments", {"body": "  Congratulations!  "})
    assert first.status_code == 201, first.content
    comment = first.json()
    assert (comment["body"], comment["share_id"], comment["post_id"]) == (
        "Congratulations!",
        shared.pk,
        None,
    )
    reply = api(alice).post(
        f"/timeline/{shared.pk}/comments", {"body": "Thanks!", "parent_id": comment["id"]}
    )
    assert reply.status_code == 201 and reply.json()["parent_id"] == comment["id"]
    listed = api(carol).get(f"/timeline/{shared.pk}/comments").json()
    assert [c["body"] for c in listed["items"]] == ["Congratulations!"]
    assert [r["body"] for r in listed["items"][0]["replies"]] == ["Thanks!"]
    assert listed["items"][0]["collapsed"] is False
    assert _count(shared) == 2
    assert api(carol).get(f"/timeline/{shared.pk}").json()["comment_count"] == 2


def test_a_reply_to_a_reply_stays_one_level_deep(alice, bob):
    shared = share(actor=alice, text="hi")
    top = add_comment(actor=bob, share=shared, body="one")
    deep = add_comment(actor=alice, share=shared, body="two", parent=top)
    assert add_comment(actor=bob, share=shared, body="three", parent=deep).parent_id == top.pk


def test_deleting_a_comment_keeps_the_share_count_right(alice, bob):
    shared = share(actor=alice, text="hi")
    top = add_comment(actor=bob, share=shared, body="one")
    add_comment(actor=alice, share=shared, body="two", parent=top)
    add_comment(actor=alice, share=shared, body="three")
    assert _count(shared) == 3
    delete_comment(actor=bob, comment=top)
    assert _count(shared) == 1


def test_a_reply_must_be_to_a_comment_on_the_same_share(api, alice, bob):
    shared = share(actor=alice, text="hi")
    other = share(actor=alice, text="other")
    elsewhere = add_comment(actor=bob, share=other, body="there")
    post = create_post(actor=alice, space="answers", title="Q", body="?")
    on_post = add_comment(actor=bob, post=post, body="an answer")
    for parent in (elsewhere, on_post):
        body = {"body": "x", "parent_id": parent.pk}
        assert_error(api(bob).post(f"/timeline/{shared.pk}/comments", body), 400, field="parent_id")
    assert _count(shared) == 0


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"body": "  "}, "body"), ({}, "body"), ({"body": "x" * (COMMENT_MAX + 1)}, "body")],
)
def test_share_comments_refuse_bad_input(api, alice, payload, field):
    shared = share(actor=alice, text="hi")
    assert_error(api(alice).post(f"/timeline/{shared.pk}/comments", payload), 400, field=field)
    assert not Comment.objects.exists()


def test_comments_on_a_share_no_one_may_see_do_not_exist(api, alice, bob):
    shared = share(actor=alice, text="private")
    update_privacy(actor=alice, who_can_see_timeline="only_me")
    assert_error(api(bob).get(f"/timeline/{shared.pk}/comments"), 404)
    assert_error(api(bob).post(f"/timeline/{shared.pk}/comments", {"body": "hi"}), 404)
    assert_error(api(bob).post("/timeline/999999/comments", {"body": "hi"}), 404)


def test_commenting_on_shares_needs_sign_in(api, alice):
    shared = share(actor=alice, text="hi")
    assert_signed_out_refused(api().post(f"/timeline/{shared.pk}/comments", {"body": "x"}))


def test_share_comment_pages_walk_every_comment_once_and_cost_the_same(api, alice, bob):
    shared = share(actor=alice, text="hi")
    reader = warm(api(bob))
    for i in range(2):
        top = add_comment(actor=bob, share=shared, body=f"c{i}")
        add_comment(actor=alice, share=shared, body=f"r{i}", parent=top)
    two, _ = counted_get(reader, f"/timeline/{shared.pk}/comments")
    for i in range(2, 12):
        top = add_comment(actor=bob, share=shared, body=f"c{i}")
        add_comment(actor=alice, share=shared, body=f"r{i}", parent=top)
    twelve, body = counted_get(reader, f"/timeline/{shared.pk}/comments")
    assert len(body["items"]) == 12 and twelve == two
    items, pages = walk_pages(reader, f"/timeline/{shared.pk}/comments", limit=5)
    assert pages == 3 and [c["body"] for c in items] == [f"c{i}" for i in range(12)]
    assert_bad_cursors_refused(reader, f"/timeline/{shared.pk}/comments")


# The share page


def test_share_page_shows_comments_and_takes_new_ones(web, alice, bob):
    shared = share(actor=alice, text="Passed!")
    add_comment(actor=bob, share=shared, body="Well done")
    browser = web(bob)
    page = html.unescape(browser.get(f"/timeline/{shared.pk}").content.decode())
    assert "Comments (1)" in page and "Well done" in page
    assert f'action="/timeline/{shared.pk}/comments"' in page
    response = browser.post(f"/timeline/{shared.pk}/comments", {"body": "Really"})
    comment = Comment.objects.get(body="Really")
    assert response["Location"] == f"/timeline/{shared.pk}#c{comment.pk}"
    reply = browser.post(
        f"/timeline/{shared.pk}/comments", {"body": "Indeed", "parent_id": comment.pk}
    )
    assert reply.status_code == 302
    assert Comment.objects.get(body="Indeed").parent_id == comment.pk


def test_share_page_shows_the_form_again_with_errors(web, alice):
    shared = share(actor=alice, text="hi")
    response = web(alice).post(f"/timeline/{shared.pk}/comments", {"body": ""})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    assert not Comment.objects.exists()


def test_editing_and_deleting_a_share_comment_return_to_the_share(web, alice, bob):
    shared = share(actor=alice, text="hi")
    comment = add_comment(actor=bob, share=shared, body="first")
    browser = web(bob)
    assert (
        f'href="/timeline/{shared.pk}#c{comment.pk}"'
        in browser.get(f"/comments/{comment.pk}/edit").content.decode()
    )
    edited = browser.post(f"/comments/{comment.pk}/edit", {"body": "second"})
    assert edited["Location"] == f"/timeline/{shared.pk}#c{comment.pk}"
    deleted = browser.post(f"/comments/{comment.pk}/delete")
    assert deleted["Location"] == f"/timeline/{shared.pk}"
    assert _count(shared) == 0


def test_the_blocked_member_gets_the_neutral_refusal_on_a_reply(alice, bob, carol):
    from haven.safety.blocks import block_member

    shared = share(actor=carol, text="hi")
    alices = add_comment(actor=alice, share=shared, body="mine")
    block_member(actor=alice, target=bob)
    assert policies.can_reply(bob, alices).message == policies.CANNOT_COMMENT
    assert policies.can_comment(bob, shared)
