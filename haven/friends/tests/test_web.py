"""Friend requests and friendships through the pages."""

import pytest

from haven.conftest import make_member
from haven.friends.models import FriendRequest, Friendship
from haven.friends.selectors import are_friends

pytestmark = pytest.mark.django_db


def test_request_then_accept_makes_friends_both_ways(alice, bob, web):
    web(alice).post("/friends/bob/request")
    request = FriendRequest.objects.get()
    assert "Accept" in web(bob).get("/friends").content.decode()
    web(bob).post(f"/friend-requests/{request.pk}/accept")
    assert are_friends(alice, bob) and are_friends(bob, alice)
    assert "Bob" in web(alice).get("/friends").content.decode()


def test_decline_and_cancel_leave_no_friendship(alice, bob, carol, web):
    web(alice).post("/friends/bob/request")
    web(bob).post(f"/friend-requests/{FriendRequest.objects.get(to_member=bob).pk}/decline")
    web(alice).post("/friends/carol/request")
    web(alice).post(f"/friend-requests/{FriendRequest.objects.get(to_member=carol).pk}/cancel")
    assert set(FriendRequest.objects.values_list("status", flat=True)) == {
        "declined",
        "cancelled",
    }
    assert not Friendship.objects.exists()


def test_only_the_recipient_can_accept(alice, bob, carol, web):
    web(alice).post("/friends/bob/request")
    request = FriendRequest.objects.get()
    assert web(carol).post(f"/friend-requests/{request.pk}/accept").status_code == 404
    web(alice).post(f"/friend-requests/{request.pk}/accept")
    assert not Friendship.objects.exists()


def test_befriending_yourself_is_refused(alice, web):
    response = web(alice).post("/friends/alice/request", follow=True)
    assert "befriend yourself" in response.content.decode()
    assert not FriendRequest.objects.exists()


def test_unfriend_asks_first_then_ends_the_friendship(alice, bob, web):
    web(alice).post("/friends/bob/request")
    web(bob).post("/friends/alice/request")  # asking back accepts
    assert are_friends(alice, bob)
    assert "Unfriend Bob?" in web(alice).get("/friends/bob/unfriend").content.decode()
    assert are_friends(alice, bob)
    web(alice).post("/friends/bob/unfriend")
    assert not are_friends(alice, bob) and not are_friends(bob, alice)


def test_friends_page_costs_the_same_queries_for_more_friends(alice, web, count_queries):
    browser = web(alice)

    def grow(n):
        for _ in range(n):
            other = make_member(f"f{Friendship.objects.count()}_{FriendRequest.objects.count()}")
            web(other).post("/friends/alice/request")
            browser.post(f"/friend-requests/{FriendRequest.objects.last().pk}/accept")
            pending = make_member(f"pend{FriendRequest.objects.count()}")
            web(pending).post("/friends/alice/request")

    def count():
        with count_queries() as queries:
            browser.get("/friends")
        return len(queries)

    grow(2)
    small = count()
    grow(10)
    assert count() == small
