"""Blocking, PRODUCT.md's "Block" bullets one by one, through the API and the pages.

Alice blocks Bob in these tests (Bob is the harasser). The policy matrix
(test_matrix.py) walks every surface against the block both ways; here are the
block's own behaviours, the pages, what Bob never learns, and the cost.
"""

from __future__ import annotations

import html
import re

import pytest

from haven.chats.actions import send_message, start_chat
from haven.chats.models import Message
from haven.community.actions import add_comment, create_post, share
from haven.community.models import Comment, Post, Share
from haven.community.selectors import feed_for
from haven.conftest import make_member
from haven.core.tests.api_helpers import (
    assert_bad_cursors_refused,
    assert_error,
    assert_signed_out_refused,
    counted_get,
    walk_pages,
    warm,
)
from haven.friends.actions import accept_friend_request, send_friend_request
from haven.friends.models import FriendRequest, Friendship
from haven.friends.selectors import are_friends
from haven.members.models import Member
from haven.safety import policies
from haven.safety.blocks import block_member, unblock_member
from haven.safety.models import Block
from haven.safety.privacy import update_privacy

pytestmark = pytest.mark.django_db


def _befriend(a, b) -> None:
    accept_friend_request(actor=b, request=send_friend_request(actor=a, target=b))


def _text(response) -> str:
    return html.unescape(response.content.decode())


# The action and the API


def test_blocking_is_idempotent(api, alice, bob):
    first = api(alice).put("/me/blocks/bob")
    again = api(alice).put("/me/blocks/bob")
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert first.json()["member"]["username"] == "bob"
    assert Block.objects.filter(blocker=alice, blocked=bob).count() == 1


def test_blocking_withdraws_pending_friend_requests_either_way(alice, bob, carol):
    from_bob = send_friend_request(actor=bob, target=alice)
    to_carol = send_friend_request(actor=alice, target=carol)
    block_member(actor=alice, target=bob)
    block_member(actor=alice, target=carol)
    for request in (from_bob, to_carol):
        request.refresh_from_db()
        assert request.status == FriendRequest.Status.WITHDRAWN
        assert request.responded_at is not None


def test_blocking_ends_the_friendship_and_unblocking_does_not_bring_it_back(api, alice, bob):
    _befriend(alice, bob)
    assert api(alice).put("/me/blocks/bob").status_code == 200
    assert not Friendship.objects.exists()
    assert api(alice).delete("/me/blocks/bob").status_code == 204
    assert not are_friends(alice, bob) and not are_friends(bob, alice)
    assert api(bob).get("/me/friends").json()["items"] == []


def test_blocking_deletes_nothing_else(alice, bob):
    chat, _ = start_chat(actor=bob, target=alice, body="Hi")
    send_message(actor=alice, chat=chat, body="Hello")
    post = create_post(actor=alice, space="answers", title="Q", body="?")
    add_comment(actor=bob, post=post, body="Bob's answer")
    share(actor=bob, text="Bob's share")
    share(actor=alice, text="Alice's share")
    before = [m.objects.count() for m in (Message, Post, Comment, Share)]
    block_member(actor=alice, target=bob)
    assert [m.objects.count() for m in (Message, Post, Comment, Share)] == before


def test_past_messages_stay_readable_to_both_after_a_block(api, alice, bob):
    chat, _ = start_chat(actor=bob, target=alice, body="You again")
    block_member(actor=alice, target=bob)
    for member in (alice, bob):
        response = api(member).get(f"/chats/{chat.pk}/messages")
        assert [m["body"] for m in response.json()["items"]] == ["You again"]


def test_unblocking_is_idempotent(api, alice, bob):
    block_member(actor=alice, target=bob)
    assert api(alice).delete("/me/blocks/bob").status_code == 204
    assert api(alice).delete("/me/blocks/bob").status_code == 204
    assert not Block.objects.exists()
    assert unblock_member(actor=alice, target=bob) is False


def test_unblocking_lets_the_member_ask_again(api, alice, bob):
    block_member(actor=alice, target=bob)
    assert_error(api(bob).post("/friend-requests", {"username": "alice"}), 403)
    unblock_member(actor=alice, target=bob)
    assert api(bob).post("/friend-requests", {"username": "alice"}).status_code == 201


def test_nobody_can_block_themselves(api, alice):
    assert_error(api(alice).put("/me/blocks/alice"), 400, field="username")
    assert not Block.objects.exists()


def test_blocking_an_unknown_or_closed_account_is_404(api, alice, bob):
    Member.objects.filter(pk=bob.pk).update(is_active=False)
    assert_error(api(alice).put("/me/blocks/bob"), 404)
    assert_error(api(alice).put("/me/blocks/nobody"), 404)
    assert_error(api(alice).delete("/me/blocks/nobody"), 404)


def test_blocks_need_sign_in(api, bob):
    assert_signed_out_refused(api().get("/me/blocks"))
    assert_signed_out_refused(api().put("/me/blocks/bob"))
    assert_signed_out_refused(api().delete("/me/blocks/bob"))


def test_only_the_blocker_sees_their_block_list(api, alice, bob, carol):
    block_member(actor=alice, target=bob)
    listed = api(alice).get("/me/blocks").json()["items"]
    assert [b["member"]["username"] for b in listed] == ["bob"]
    assert api(bob).get("/me/blocks").json()["items"] == []
    assert api(carol).get("/me/blocks").json()["items"] == []


def test_block_list_pages_walk_every_block_once(api, alice):
    for i in range(12):
        block_member(actor=alice, target=make_member(f"pest{i}"))
    items, pages = walk_pages(api(alice), "/me/blocks", limit=5)
    assert pages == 3
    assert [b["member"]["username"] for b in items] == [f"pest{i}" for i in range(11, -1, -1)]
    assert_bad_cursors_refused(api(alice), "/me/blocks")


def test_block_list_costs_the_same_queries_for_2_or_12_blocks(api, alice):
    reader = warm(api(alice))
    for i in range(2):
        block_member(actor=alice, target=make_member(f"pest{i}"))
    two, _ = counted_get(reader, "/me/blocks")
    for i in range(2, 12):
        block_member(actor=alice, target=make_member(f"pest{i}"))
    twelve, body = counted_get(reader, "/me/blocks")
    assert len(body["items"]) == 12 and twelve == two


# What the block does (each surface is also in the matrix)


def test_blocker_cannot_message_the_blocked_member_either(api, alice, bob):
    chat, _ = start_chat(actor=bob, target=alice, body="Hi")
    block_member(actor=alice, target=bob)
    refused = assert_error(api(alice).post(f"/chats/{chat.pk}/messages", {"body": "Stop"}), 403)
    assert refused["message"] == policies.CANNOT_MESSAGE
    refused = assert_error(api(alice).post("/chats", {"username": "bob", "body": "x"}), 403)
    assert refused["message"] == policies.CANNOT_CHAT


def test_blocker_no_longer_sees_the_blocked_members_shares_in_the_feed(alice, bob):
    _befriend(alice, bob)
    bobs = share(actor=bob, text="Bob's share")
    assert bobs in feed_for(alice).items
    # Even with the friendship row left in place, the feed's own filter drops them.
    Block.objects.create(blocker=alice, blocked=bob)
    assert Friendship.objects.filter(member=alice, friend=bob).exists()
    assert bobs not in feed_for(alice).items
    assert share(actor=alice, text="mine") not in feed_for(bob).items


def test_blocked_members_comments_are_collapsed_for_the_blocker(api, web, alice, bob, carol):
    post = create_post(actor=carol, space="discussions", title="Travel", body="Where to?")
    bobs = add_comment(actor=bob, post=post, body="Bob's comment")
    add_comment(actor=carol, post=post, body="Carol's reply to Bob", parent=bobs)
    carols = add_comment(actor=carol, post=post, body="Carol's comment")
    add_comment(actor=bob, post=post, body="Bob's reply to Carol", parent=carols)
    block_member(actor=alice, target=bob)

    def collapsed(member) -> dict[str, bool]:
        items = api(member).get(f"/posts/{post.pk}/comments").json()["items"]
        every = items + [r for c in items for r in c["replies"]]
        return {c["body"]: c["collapsed"] for c in every}

    assert collapsed(alice) == {
        "Bob's comment": True,
        "Carol's reply to Bob": False,
        "Carol's comment": False,
        "Bob's reply to Carol": True,
    }
    assert not any(collapsed(carol).values()) and not any(collapsed(bob).values())
    page = _text(web(alice).get(f"/posts/{post.pk}"))
    folded = re.findall(r'<details class="collapsed">(.*?)</details>', page, re.S)
    assert len(folded) == 2 and "Bob's comment" in folded[0] and "Bob's reply" in folded[1]
    assert "Bob's comment" in page  # still there, behind "show"
    assert 'class="collapsed"' not in web(carol).get(f"/posts/{post.pk}").content.decode()


# Cost: one query per check, and lists filter inside their own query


def test_may_a_message_b_costs_one_query(alice, bob, count_queries):
    chat, _ = start_chat(actor=bob, target=alice, body="Hi")
    for blocked in range(2):
        with count_queries() as queries:
            decision = policies.can_message(bob, chat)
        assert len(queries) == 1
        assert bool(decision) == (blocked == 0)
        block_member(actor=alice, target=bob)


def test_feed_costs_the_same_queries_with_50_blocked_members_as_with_none(api, alice):
    members = [make_member(f"m{i:02d}") for i in range(100)]
    Friendship.objects.bulk_create(
        [Friendship(member=alice, friend=m) for m in members]
        + [Friendship(member=m, friend=alice) for m in members]
    )
    Share.objects.bulk_create([Share(author=m, text=f"by {m.username}") for m in members])
    reader = warm(api(alice))
    none_blocked, body = counted_get(reader, "/feed", {"limit": 100})
    assert len(body["items"]) == 100
    # Rows straight in the table, friendships kept: the feed's NOT EXISTS must do the work.
    Block.objects.bulk_create([Block(blocker=alice, blocked=m) for m in members[:25]])
    Block.objects.bulk_create([Block(blocker=m, blocked=alice) for m in members[25:50]])
    fifty_blocked, body = counted_get(reader, "/feed", {"limit": 100})
    assert fifty_blocked == none_blocked
    assert sorted(s["author"]["username"] for s in body["items"]) == [
        m.username for m in members[50:]
    ]


# The blocked member is never told


def _strip_tokens(page: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": |nonce=)"[^"]+"', "", page)


def test_the_blocked_member_sees_what_a_privacy_setting_would_show(web, alice, bob):
    share(actor=alice, text="Alice's share")
    block_member(actor=alice, target=bob)
    blocked = _strip_tokens(web(bob).get("/u/alice").content.decode())
    unblock_member(actor=alice, target=bob)
    update_privacy(actor=alice, who_can_see_timeline="only_me")
    private = _strip_tokens(web(bob).get("/u/alice").content.decode())
    assert blocked == private


def test_no_page_or_api_response_of_the_blocked_member_mentions_the_block(api, web, alice, bob):
    chat, _ = start_chat(actor=bob, target=alice, body="Hi")
    post = create_post(actor=alice, space="answers", title="Q", body="?")
    alices = share(actor=alice, text="Alice's share")
    send_friend_request(actor=bob, target=alice)
    block_member(actor=alice, target=bob)
    bobs = api(bob)
    responses = [
        bobs.get("/me"),
        bobs.get("/me/blocks"),
        bobs.get("/chats"),
        bobs.get(f"/chats/{chat.pk}/messages"),
        bobs.post(f"/chats/{chat.pk}/messages", {"body": "?"}),
        bobs.post("/chats", {"username": "alice", "body": "?"}),
        bobs.get("/friend-requests", {"direction": "outgoing"}),
        bobs.post("/friend-requests", {"username": "alice"}),
        bobs.get("/members/alice"),
        bobs.get("/members/alice/timeline"),
        bobs.get(f"/timeline/{alices.pk}"),
        bobs.post(f"/posts/{post.pk}/comments", {"body": "!"}),
        bobs.get("/feed"),
        bobs.get("/members", {"q": "alice"}),
    ]
    browser = web(bob)
    pages = [
        browser.get("/u/alice"),
        browser.get(f"/chats/{chat.pk}"),
        browser.post(f"/chats/{chat.pk}/messages", {"body": "?"}),
        browser.get("/friends"),
        browser.get("/"),
    ]
    for response in responses + pages:
        text = _text(response).lower()
        assert "blocked" not in text and "unblock" not in text and "you block" not in text, text
    assert "haven't blocked anyone" in _text(browser.get("/settings/blocked"))


# The pages


def test_member_blocks_from_a_profile_after_a_page_that_says_what_it_does(web, alice, bob):
    browser = web(alice)
    profile = _text(browser.get("/u/bob"))
    assert "/u/bob/block" in profile
    confirm = _text(browser.get("/u/bob/block"))
    assert "Block Bob?" in confirm and "not told" in confirm and "Nothing is deleted" in confirm
    assert not Block.objects.exists()
    response = browser.post("/u/bob/block", {"next": "/u/bob"})
    assert response.status_code == 302 and response["Location"] == "/u/bob"
    assert Block.objects.filter(blocker=alice, blocked=bob).exists()
    profile = _text(browser.get("/u/bob"))
    assert "/u/bob/unblock" in profile and "You block Bob" in profile


def test_member_blocks_from_a_chat_page(web, alice, bob):
    chat, _ = start_chat(actor=bob, target=alice, body="Hi")
    browser = web(alice)
    page = _text(browser.get(f"/chats/{chat.pk}"))
    assert f"/u/bob/block?next=/chats/{chat.pk}" in page
    response = browser.post("/u/bob/block", {"next": f"/chats/{chat.pk}"})
    assert response["Location"] == f"/chats/{chat.pk}"
    page = _text(browser.get(f"/chats/{chat.pk}"))
    assert "/u/bob/unblock" in page and "Hi" in page
    refused = _text(browser.post(f"/chats/{chat.pk}/messages", {"body": "Go away"}))
    assert policies.CANNOT_MESSAGE in refused
    assert not Message.objects.filter(body="Go away").exists()


def test_member_unblocks_from_the_block_list_after_confirming(web, alice, bob):
    block_member(actor=alice, target=bob)
    browser = web(alice)
    listed = _text(browser.get("/settings/blocked"))
    assert "Bob" in listed and "/u/bob/unblock?next=/settings/blocked" in listed
    assert "Unblock Bob?" in _text(browser.get("/u/bob/unblock?next=/settings/blocked"))
    assert Block.objects.exists()
    response = browser.post("/u/bob/unblock", {"next": "/settings/blocked"})
    assert response["Location"] == "/settings/blocked"
    assert not Block.objects.exists()
    assert "haven't blocked anyone" in _text(browser.get("/settings/blocked"))


def test_member_unblocks_from_the_profile(web, alice, bob):
    block_member(actor=alice, target=bob)
    web(alice).post("/u/bob/unblock", {"next": "/u/bob"})
    assert not Block.objects.exists()
    assert "/u/bob/block" in _text(web(alice).get("/u/bob"))


def test_block_pages_ignore_a_next_address_off_haven(web, alice, bob):
    response = web(alice).post("/u/bob/block", {"next": "https://evil.example/"})
    assert response["Location"] == "/u/bob"


def test_blocking_yourself_on_the_web_is_refused(web, alice):
    assert "can't block yourself" in _text(web(alice).get("/u/alice/block"))
    assert web(alice).post("/u/alice/block").status_code == 400
    assert not Block.objects.exists()


def test_block_pages_need_sign_in(client, bob):
    for url in ("/settings/blocked", "/u/bob/block", "/u/bob/unblock"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/signin")
    assert client.post("/u/bob/block").status_code == 302
    assert not Block.objects.exists()


def test_blocked_member_is_refused_on_every_page_with_the_neutral_words(web, alice, bob):
    _befriend(alice, bob)
    post = create_post(actor=alice, space="answers", title="Q", body="?")
    alices = share(actor=alice, text="Alice's own share")
    block_member(actor=alice, target=bob)
    browser = web(bob)
    started = _text(browser.post("/chats/new/alice", {"body": "Hello?"}))
    assert policies.CANNOT_CHAT in started
    befriend = _text(browser.post("/friends/alice/request", follow=True))
    assert policies.CANNOT_BEFRIEND in befriend
    assert "Alice's own share" not in _text(browser.get("/"))
    assert browser.get(f"/timeline/{alices.pk}").status_code == 404
    comment = browser.post(f"/posts/{post.pk}/comments", {"body": "Hey"})
    assert comment.status_code == 403 and policies.CANNOT_COMMENT in _text(comment)
    assert browser.post(f"/timeline/{alices.pk}/comments", {"body": "Hey"}).status_code == 404
    assert not Comment.objects.exists()


def test_a_blocked_member_cannot_read_a_public_timeline_by_signing_out(alice, bob, api, web):
    """PRODUCT.md: "by any path". Signed-out reading is allowed only for a member
    who blocks nobody, since a visitor cannot be told apart from a blocked member."""
    from django.test import Client

    from haven.community.actions import share
    from haven.safety.blocks import block_member

    alice.who_can_see_timeline = "everyone"
    alice.save()
    post = share(actor=alice, text="public words")
    assert "public words" in Client().get("/u/alice").content.decode()
    assert api().get(f"/timeline/{post.pk}").status_code == 200
    block_member(actor=alice, target=bob)
    assert "public words" not in Client().get("/u/alice").content.decode()
    assert api().get(f"/timeline/{post.pk}").status_code == 401
    assert api().get("/members/alice/timeline").status_code == 401
    assert "public words" in web(alice).get("/u/alice").content.decode()
