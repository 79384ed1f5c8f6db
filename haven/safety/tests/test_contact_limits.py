"""Every member, however old their account, has limits on every contact verb
(haven.safety.limits): messages a minute, new chats and friend requests an hour,
friends more loosely than strangers. Past a limit: 429 with Retry-After, nothing sent."""

from datetime import timedelta

import pytest
from django.utils import timezone

from haven.chats.models import Chat, Message
from haven.conftest import make_member
from haven.core.tests.api_helpers import assert_error
from haven.friends.models import FriendRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def veteran(db):
    """An established account: the new-account limit no longer applies to it."""
    return make_member("veteran", date_joined=timezone.now() - timedelta(days=400))


def _strangers(n: int) -> list:
    return [make_member(f"stranger{i}") for i in range(n)]


def _befriend(api, a, b) -> None:
    assert api(a).post("/friend-requests", {"username": b.username}).status_code == 201
    assert api(b).post("/friend-requests", {"username": a.username}).status_code == 201


def _assert_limited(response, wording: str) -> None:
    error = assert_error(response, 429, code="rate_limited")
    assert wording in error["message"]
    assert 0 < int(response["Retry-After"]) <= 3600


def test_messages_to_a_stranger_stop_at_the_limit_per_minute(api, veteran, bob, settings):
    settings.HAVEN_MESSAGES_PER_MINUTE = 3
    client = api(veteran)
    chat_id = client.post("/chats", {"username": "bob", "body": "one"}).json()["chat"]["id"]
    for body in ("two", "three"):
        assert client.post(f"/chats/{chat_id}/messages", {"body": body}).status_code == 201
    response = client.post(f"/chats/{chat_id}/messages", {"body": "four"})
    _assert_limited(response, "sending messages very quickly")
    assert int(response["Retry-After"]) <= 60
    assert list(Message.objects.values_list("body", flat=True).order_by("id")) == [
        "one",
        "two",
        "three",
    ]


def test_friends_are_limited_more_loosely_than_strangers(api, veteran, bob, carol, settings):
    settings.HAVEN_MESSAGES_PER_MINUTE = 2
    settings.HAVEN_FRIEND_MESSAGES_PER_MINUTE = 5
    _befriend(api, veteran, carol)
    client = api(veteran)
    with_carol = client.post("/chats", {"username": "carol", "body": "1"}).json()["chat"]["id"]
    for n in range(2, 6):
        assert client.post(f"/chats/{with_carol}/messages", {"body": str(n)}).status_code == 201
    _assert_limited(client.post(f"/chats/{with_carol}/messages", {"body": "6"}), "quickly")
    # The stranger allowance is counted apart: two messages to bob still go through.
    with_bob = client.post("/chats", {"username": "bob", "body": "hi"}).json()["chat"]["id"]
    assert client.post(f"/chats/{with_bob}/messages", {"body": "there"}).status_code == 201
    _assert_limited(client.post(f"/chats/{with_bob}/messages", {"body": "again"}), "quickly")


def test_new_chats_with_strangers_stop_at_the_hourly_limit(api, veteran, settings):
    settings.HAVEN_NEW_CHATS_PER_HOUR = 2
    client = api(veteran)
    first, second, third = _strangers(3)
    for member in (first, second):
        response = client.post("/chats", {"username": member.username, "body": "Same text"})
        assert response.status_code == 201
    response = client.post("/chats", {"username": third.username, "body": "Same text"})
    _assert_limited(response, "started a lot of new chats")
    assert int(response["Retry-After"]) <= 3600
    assert Chat.objects.count() == 2 and Message.objects.count() == 2
    # Writing again in a chat that exists opens nothing new: not counted as a new chat.
    response = client.post("/chats", {"username": first.username, "body": "Follow-up"})
    assert response.status_code == 201


def test_a_refused_new_chat_gives_its_count_back(api, veteran, bob, settings):
    settings.HAVEN_NEW_CHATS_PER_HOUR = 1
    client = api(veteran)
    assert_error(client.post("/chats", {"username": "bob", "body": ""}), 400, field="body")
    assert client.post("/chats", {"username": "bob", "body": "Hello"}).status_code == 201


def test_new_chats_with_friends_have_their_own_looser_limit(api, veteran, settings):
    settings.HAVEN_NEW_CHATS_PER_HOUR = 1
    settings.HAVEN_FRIEND_NEW_CHATS_PER_HOUR = 3
    pals = _strangers(4)
    for pal in pals:
        _befriend(api, veteran, pal)
    client = api(veteran)
    for pal in pals[:3]:
        assert client.post("/chats", {"username": pal.username, "body": "Hi!"}).status_code == 201
    _assert_limited(client.post("/chats", {"username": pals[3].username, "body": "Hi!"}), "chats")


def test_friend_requests_stop_at_the_hourly_limit(api, veteran, settings):
    settings.HAVEN_FRIEND_REQUESTS_PER_HOUR = 3
    client = api(veteran)
    members = _strangers(4)
    for member in members[:2]:
        assert client.post("/friend-requests", {"username": member.username}).status_code == 201
    # A duplicate is refused for what it is and gives its count back.
    assert_error(client.post("/friend-requests", {"username": members[0].username}), 409)
    assert client.post("/friend-requests", {"username": members[2].username}).status_code == 201
    response = client.post("/friend-requests", {"username": members[3].username})
    _assert_limited(response, "sent a lot of friend requests")
    assert FriendRequest.objects.filter(from_member=veteran).count() == 3


def test_accepting_a_request_by_asking_back_is_not_counted(api, veteran, settings):
    settings.HAVEN_FRIEND_REQUESTS_PER_HOUR = 1
    asker, other = _strangers(2)
    assert api(asker).post("/friend-requests", {"username": "veteran"}).status_code == 201
    client = api(veteran)
    accepted = client.post("/friend-requests", {"username": asker.username})
    assert accepted.status_code == 201 and accepted.json()["status"] == "accepted"
    assert client.post("/friend-requests", {"username": other.username}).status_code == 201


def test_limits_are_per_member(api, veteran, bob, carol, settings):
    settings.HAVEN_NEW_CHATS_PER_HOUR = 1
    assert api(veteran).post("/chats", {"username": "bob", "body": "Hi"}).status_code == 201
    assert api(carol).post("/chats", {"username": "bob", "body": "Hi"}).status_code == 201


def test_the_chat_page_shows_the_limit_with_429_and_retry_after(api, web, veteran, bob, settings):
    settings.HAVEN_MESSAGES_PER_MINUTE = 1
    chat_id = api(veteran).post("/chats", {"username": "bob", "body": "Hi"}).json()["chat"]["id"]
    page = web(veteran).post(f"/chats/{chat_id}/messages", {"body": "Are you there?"})
    assert page.status_code == 429 and int(page["Retry-After"]) > 0
    assert "sending messages very quickly" in page.content.decode()
    assert not Message.objects.filter(body="Are you there?").exists()


def test_the_profile_says_when_friend_requests_are_limited(web, veteran, bob, carol, settings):
    settings.HAVEN_FRIEND_REQUESTS_PER_HOUR = 1
    browser = web(veteran)
    browser.post("/friends/bob/request")
    page = browser.post("/friends/carol/request", follow=True)
    assert "sent a lot of friend requests" in page.content.decode()
    assert not FriendRequest.objects.filter(from_member=veteran, to_member=carol).exists()
