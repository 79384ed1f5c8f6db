"""Privacy settings: the API, the page, and what each setting means.

The matrix (test_matrix.py) walks every setting against every surface; here are
the settings themselves, signed-out visitors, and the choices the gate makes
where PRODUCT.md leaves room (see the policies.py docstring).
"""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from haven.chats.actions import start_chat
from haven.community.actions import share
from haven.conftest import make_member
from haven.core.tests.api_helpers import assert_error, assert_signed_out_refused
from haven.friends.actions import accept_friend_request, send_friend_request
from haven.friends.models import FriendRequest
from haven.members.models import Member
from haven.safety import policies
from haven.safety.privacy import update_privacy

pytestmark = pytest.mark.django_db

DEFAULTS = {
    "who_can_chat": "everyone",
    "who_can_friend": "everyone",
    "who_can_see_timeline": "members",
    "searchable": True,
}


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _befriend(a, b) -> None:
    accept_friend_request(actor=b, request=send_friend_request(actor=a, target=b))


# The API


def test_privacy_defaults_are_everyone_everyone_members_and_searchable(api, alice):
    response = api(alice).get("/me/privacy")
    assert response.status_code == 200 and response.json() == DEFAULTS


def test_member_changes_privacy_settings_and_fields_left_out_keep_their_value(api, alice):
    changed = api(alice).put("/me/privacy", {"who_can_chat": "friends", "searchable": False})
    assert changed.status_code == 200
    expected = {**DEFAULTS, "who_can_chat": "friends", "searchable": False}
    assert changed.json() == expected
    assert api(alice).get("/me/privacy").json() == expected
    everything = {
        "who_can_chat": "nobody",
        "who_can_friend": "friends_of_friends",
        "who_can_see_timeline": "only_me",
        "searchable": True,
    }
    assert api(alice).put("/me/privacy", everything).json() == everything
    alice.refresh_from_db()
    assert (alice.who_can_chat, alice.who_can_see_timeline) == ("nobody", "only_me")


@pytest.mark.parametrize(
    "payload",
    [
        {"who_can_chat": "friends_of_friends"},
        {"who_can_friend": "members"},
        {"who_can_see_timeline": "nobody"},
        {"searchable": "perhaps"},
        {"who_can_chat": 3},
    ],
)
def test_privacy_refuses_values_that_are_not_choices(api, alice, payload):
    (field,) = payload
    assert_error(api(alice).put("/me/privacy", payload), 400, field=field)
    assert api(alice).get("/me/privacy").json() == DEFAULTS


def test_the_privacy_action_refuses_values_that_are_not_choices(alice):
    with pytest.raises(Exception) as refused:
        update_privacy(actor=alice, who_can_friend="friends")
    assert refused.value.fields == {
        "who_can_friend": ["Choose one of: everyone, friends_of_friends, nobody."]
    }


def test_privacy_needs_sign_in(api):
    assert_signed_out_refused(api().get("/me/privacy"))
    assert_signed_out_refused(api().put("/me/privacy", {"searchable": False}))


# The page


def test_privacy_page_shows_the_settings_and_saves_them(web, alice):
    browser = web(alice)
    page = _text(browser.get("/settings/privacy"))
    assert "Who can start a chat with me" in page and "Friends of friends" in page
    assert re.search(r'value="members"[^>]*checked', page)
    form = {
        "who_can_chat": "friends",
        "who_can_friend": "nobody",
        "who_can_see_timeline": "friends",
        "searchable": "no",
    }
    response = browser.post("/settings/privacy", form)
    assert response.status_code == 302 and response["Location"] == "/settings/privacy"
    alice.refresh_from_db()
    assert (alice.who_can_chat, alice.who_can_friend) == ("friends", "nobody")
    assert (alice.who_can_see_timeline, alice.searchable) == ("friends", False)
    assert "privacy settings are saved" in _text(browser.get("/settings/privacy"))


def test_privacy_page_refuses_a_value_that_is_not_a_choice(web, alice):
    form = {**DEFAULTS, "who_can_chat": "strangers", "searchable": "yes"}
    response = web(alice).post("/settings/privacy", form)
    assert response.status_code == 400
    alice.refresh_from_db()
    assert alice.who_can_chat == "everyone"


def test_privacy_page_needs_sign_in(client):
    response = client.get("/settings/privacy")
    assert response.status_code == 302 and response["Location"].startswith("/signin")


def test_settings_link_to_privacy_and_blocked_members(web, alice):
    page = web(alice).get("/settings").content.decode()
    assert 'href="/settings/privacy"' in page and 'href="/settings/blocked"' in page


# What the settings mean


def test_a_setting_applies_from_the_very_next_request(api, alice, bob):
    update_privacy(actor=alice, who_can_chat="nobody")
    refused = assert_error(api(bob).post("/chats", {"username": "alice", "body": "Hi"}), 403)
    assert refused["message"] == policies.CANNOT_CHAT
    update_privacy(actor=alice, who_can_chat="everyone")
    assert api(bob).post("/chats", {"username": "alice", "body": "Hi"}).status_code == 201


def test_who_can_chat_gates_starting_a_chat_not_an_existing_one(api, alice, bob):
    chat, _ = start_chat(actor=bob, target=alice, body="Hi")
    update_privacy(actor=alice, who_can_chat="nobody")
    assert api(bob).post(f"/chats/{chat.pk}/messages", {"body": "Still here"}).status_code == 201
    # "Starting" again with someone you already talk to is a message in that chat.
    assert api(bob).post("/chats", {"username": "alice", "body": "Again"}).status_code == 201


def test_friends_of_friends_means_sharing_at_least_one_friend(alice, bob, carol):
    update_privacy(actor=alice, who_can_friend="friends_of_friends")
    assert not policies.can_send_friend_request(bob, alice)
    _befriend(alice, carol)
    assert not policies.can_send_friend_request(bob, alice)
    _befriend(carol, bob)
    assert policies.can_send_friend_request(bob, alice)


def test_a_member_who_asked_first_can_always_be_answered(api, alice, bob):
    update_privacy(actor=alice, who_can_friend="nobody")
    send_friend_request(actor=alice, target=bob)
    response = api(bob).post("/friend-requests", {"username": "alice"})
    assert response.status_code == 201 and response.json()["status"] == "accepted"
    assert FriendRequest.objects.get().status == FriendRequest.Status.ACCEPTED


def test_the_web_refusal_for_a_setting_is_the_neutral_sentence(web, alice, bob):
    update_privacy(actor=alice, who_can_chat="friends", who_can_friend="nobody")
    browser = web(bob)
    assert policies.CANNOT_CHAT in _text(browser.post("/chats/new/alice", {"body": "Hi"}))
    befriend = _text(browser.post("/friends/alice/request", follow=True))
    assert policies.CANNOT_BEFRIEND in befriend


def test_a_timeline_open_to_everyone_is_seen_signed_out(api, alice):
    shared = share(actor=alice, text="Hello world")
    update_privacy(actor=alice, who_can_see_timeline="everyone")
    visitor = api()
    assert visitor.get("/members/alice/timeline").json()["items"][0]["text"] == "Hello world"
    assert visitor.get(f"/timeline/{shared.pk}").status_code == 200
    assert visitor.get(f"/timeline/{shared.pk}/comments").status_code == 200
    assert "Hello world" in _text(Client().get("/u/alice"))
    assert "Hello world" in _text(Client().get(f"/timeline/{shared.pk}"))


def test_a_members_only_timeline_asks_visitors_to_sign_in(api, alice):
    shared = share(actor=alice, text="Hello members")
    visitor = api()
    assert_signed_out_refused(visitor.get("/members/alice/timeline"))
    assert_signed_out_refused(visitor.get(f"/timeline/{shared.pk}"))
    assert_signed_out_refused(visitor.get(f"/timeline/{shared.pk}/comments"))
    assert_signed_out_refused(visitor.get("/timeline/999999"))  # never says which exist
    page = _text(Client().get("/u/alice"))
    assert "Hello members" not in page and policies.SIGN_IN_TO_VIEW in page


def test_an_only_me_timeline_is_still_seen_by_its_owner(api, web, alice, bob):
    _befriend(alice, bob)
    shared = share(actor=alice, text="Diary")
    update_privacy(actor=alice, who_can_see_timeline="only_me")
    assert [s["text"] for s in api(alice).get("/members/alice/timeline").json()["items"]] == [
        "Diary"
    ]
    assert api(alice).get(f"/timeline/{shared.pk}").status_code == 200
    assert [s["id"] for s in api(alice).get("/feed").json()["items"]] == [shared.pk]
    assert "Diary" in _text(web(alice).get("/u/alice"))
    assert api(bob).get("/feed").json()["items"] == []


def test_a_friends_timeline_reaches_friends_feeds_only(api, alice, bob, carol):
    _befriend(alice, bob)
    shared = share(actor=alice, text="For friends")
    update_privacy(actor=alice, who_can_see_timeline="friends")
    assert [s["id"] for s in api(bob).get("/feed").json()["items"]] == [shared.pk]
    assert_error(api(carol).get(f"/timeline/{shared.pk}"), 404)


def test_a_closed_account_is_refused_everything(alice, bob):
    Member.objects.filter(pk=bob.pk).update(is_active=False)
    bob.refresh_from_db()
    with pytest.raises(Exception) as refused:
        policies.can_post(bob)
    assert refused.value.message == policies.ACCOUNT_CANNOT
    assert policies.can_start_chat(alice, bob).message == policies.CANNOT_CHAT
    assert policies.can_send_friend_request(alice, make_member("dave"))
