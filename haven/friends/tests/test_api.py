"""Friend requests and friendships through the JSON API."""

import pytest

from haven.conftest import make_member
from haven.core.tests.api_helpers import (
    assert_bad_cursors_refused,
    assert_error,
    assert_signed_out_refused,
    counted_get,
    walk_pages,
    warm,
)
from haven.members.models import Member

pytestmark = pytest.mark.django_db


def _ask(client, username: str) -> dict:
    response = client.post("/friend-requests", {"username": username})
    assert response.status_code == 201, response.content
    return response.json()


def _requests(client, direction: str) -> list[dict]:
    response = client.get("/friend-requests", {"direction": direction})
    assert response.status_code == 200, response.content
    return response.json()["items"]


def _friends(client) -> list[str]:
    response = client.get("/me/friends")
    assert response.status_code == 200, response.content
    return [f["member"]["username"] for f in response.json()["items"]]


# Requests


def test_member_sends_a_friend_request_both_sides_see_it(api, alice, bob):
    response = api(alice).post("/friend-requests", {"username": "bob"})
    assert response.status_code == 201
    sent = response.json()
    assert sent["from_member"] == {
        "username": "alice",
        "display_name": "Alice",
        "public_id": alice.public_id,
    }
    assert sent["to_member"]["username"] == "bob"
    assert (sent["status"], sent["responded_at"]) == ("pending", None)
    assert _requests(api(bob), "incoming") == [sent]
    assert _requests(api(alice), "outgoing") == [sent]
    assert _requests(api(alice), "incoming") == []
    assert _friends(api(alice)) == []


def test_incoming_is_the_default_direction(api, alice, bob):
    sent = _ask(api(alice), "bob")
    assert [r["id"] for r in api(bob).get("/friend-requests").json()["items"]] == [sent["id"]]


def test_an_unknown_direction_is_400(api, alice):
    response = api(alice).get("/friend-requests", {"direction": "sideways"})
    assert_error(response, 400, field="direction")


def test_accepting_a_request_makes_friends_both_ways(api, alice, bob):
    sent = _ask(api(alice), "bob")
    response = api(bob).post(f"/friend-requests/{sent['id']}/accept")
    assert response.status_code == 200
    accepted = response.json()
    assert accepted["status"] == "accepted"
    assert accepted["responded_at"] is not None
    assert _friends(api(alice)) == ["bob"]
    assert _friends(api(bob)) == ["alice"]
    assert _requests(api(bob), "incoming") == []
    assert _requests(api(alice), "outgoing") == []


def test_declining_a_request_makes_no_friendship(api, alice, bob):
    sent = _ask(api(alice), "bob")
    response = api(bob).post(f"/friend-requests/{sent['id']}/decline")
    assert response.status_code == 200
    assert response.json()["status"] == "declined"
    assert _friends(api(alice)) == _friends(api(bob)) == []
    assert _requests(api(bob), "incoming") == []
    assert _requests(api(alice), "outgoing") == []


def test_sender_cancels_their_request(api, alice, bob):
    sent = _ask(api(alice), "bob")
    assert api(alice).delete(f"/friend-requests/{sent['id']}").status_code == 204
    assert _requests(api(bob), "incoming") == []
    assert _requests(api(alice), "outgoing") == []
    assert_error(api(bob).post(f"/friend-requests/{sent['id']}/accept"), 409)
    assert _friends(api(bob)) == []


def test_asking_someone_who_already_asked_you_accepts_their_request(api, alice, bob):
    theirs = _ask(api(bob), "alice")
    response = api(alice).post("/friend-requests", {"username": "bob"})
    assert response.status_code == 201
    result = response.json()
    assert result["id"] == theirs["id"]
    assert result["status"] == "accepted"
    assert result["from_member"]["username"] == "bob"
    assert _friends(api(alice)) == ["bob"]
    assert _friends(api(bob)) == ["alice"]
    assert _requests(api(alice), "incoming") == []
    assert _requests(api(alice), "outgoing") == []


def test_member_cannot_befriend_themselves(api, alice):
    assert_error(api(alice).post("/friend-requests", {"username": "alice"}), 400, field="username")
    assert _requests(api(alice), "outgoing") == []


def test_a_second_request_to_the_same_member_is_a_conflict(api, alice, bob):
    _ask(api(alice), "bob")
    assert_error(api(alice).post("/friend-requests", {"username": "bob"}), 409)
    assert len(_requests(api(bob), "incoming")) == 1


def test_asking_a_friend_again_is_a_conflict(api, alice, bob):
    sent = _ask(api(alice), "bob")
    api(bob).post(f"/friend-requests/{sent['id']}/accept")
    response = api(alice).post("/friend-requests", {"username": "bob"})
    assert_error(response, 409, code="already_friends")
    assert _requests(api(bob), "incoming") == []


def test_a_request_is_answered_only_once(api, alice, bob):
    sent = _ask(api(alice), "bob")
    api(bob).post(f"/friend-requests/{sent['id']}/decline")
    assert_error(api(bob).post(f"/friend-requests/{sent['id']}/accept"), 409, code="not_pending")
    assert_error(api(bob).post(f"/friend-requests/{sent['id']}/decline"), 409)
    assert_error(api(alice).delete(f"/friend-requests/{sent['id']}"), 409)
    assert _friends(api(alice)) == []


def test_a_declined_member_may_ask_again_later(api, alice, bob):
    first = _ask(api(alice), "bob")
    api(bob).post(f"/friend-requests/{first['id']}/decline")
    second = _ask(api(alice), "bob")
    assert second["id"] != first["id"]
    assert second["status"] == "pending"


def test_only_the_recipient_answers_and_only_the_sender_cancels(api, alice, bob):
    sent = _ask(api(alice), "bob")
    assert_error(api(alice).post(f"/friend-requests/{sent['id']}/accept"), (403, 404))
    assert_error(api(alice).post(f"/friend-requests/{sent['id']}/decline"), (403, 404))
    assert_error(api(bob).delete(f"/friend-requests/{sent['id']}"), (403, 404))
    assert _requests(api(bob), "incoming") == [sent]
    assert _friends(api(alice)) == []


def test_someone_elses_friend_request_does_not_exist_for_you(api, alice, bob, carol):
    sent = _ask(api(alice), "bob")
    eve = api(carol)
    assert_error(eve.post(f"/friend-requests/{sent['id']}/accept"), (403, 404))
    assert_error(eve.post(f"/friend-requests/{sent['id']}/decline"), (403, 404))
    assert_error(eve.delete(f"/friend-requests/{sent['id']}"), (403, 404))
    assert _requests(eve, "incoming") == _requests(eve, "outgoing") == []
    assert _requests(api(bob), "incoming") == [sent]


def test_an_unknown_friend_request_is_404(api, alice):
    assert_error(api(alice).post("/friend-requests/999999/accept"), 404)
    assert_error(api(alice).post("/friend-requests/999999/decline"), 404)
    assert_error(api(alice).delete("/friend-requests/999999"), 404)


def test_asking_an_unknown_member_is_404(api, alice):
    response = api(alice).post("/friend-requests", {"username": "nobody"})
    assert_error(response, 404, code="not_found")


def test_member_cannot_befriend_an_inactive_member(api, alice, bob):
    Member.objects.filter(pk=bob.pk).update(is_active=False)
    assert_error(api(alice).post("/friend-requests", {"username": "bob"}), (403, 404))
    assert _requests(api(alice), "outgoing") == []


@pytest.mark.parametrize(
    "payload",
    [{}, {"username": None}, {"username": 42}, {"user": "bob"}],
)
def test_a_friend_request_refuses_bad_input(api, alice, bob, payload):
    assert_error(api(alice).post("/friend-requests", payload), 400, field="username")
    assert _requests(api(bob), "incoming") == []


def test_a_friend_request_refuses_a_malformed_body(api, alice, bob):
    assert_error(api(alice).post("/friend-requests", "username: bob"), 400, field="__all__")
    assert _requests(api(bob), "incoming") == []


def test_friend_requests_need_sign_in(api, alice, bob):
    sent = _ask(api(alice), "bob")
    assert_signed_out_refused(api().post("/friend-requests", {"username": "bob"}))
    assert_signed_out_refused(api().get("/friend-requests"))
    assert_signed_out_refused(api().get("/friend-requests", {"direction": "outgoing"}))
    assert_signed_out_refused(api().post(f"/friend-requests/{sent['id']}/accept"))
    assert_signed_out_refused(api().post(f"/friend-requests/{sent['id']}/decline"))
    assert_signed_out_refused(api().delete(f"/friend-requests/{sent['id']}"))
    assert _requests(api(bob), "incoming") == [sent]


# Friends


def test_friends_list_shows_each_friend_and_since_when(api, alice, bob, carol):
    for other in (api(bob), api(carol)):
        request = _ask(other, "alice")
        api(alice).post(f"/friend-requests/{request['id']}/accept")
    friends = api(alice).get("/me/friends").json()
    assert [f["member"]["username"] for f in friends["items"]] == ["carol", "bob"]
    assert friends["items"][0]["member"] == {
        "username": "carol",
        "display_name": "Carol",
        "public_id": carol.public_id,
    }
    assert friends["items"][0]["since"]
    assert friends["next"] is None


def test_unfriending_ends_the_friendship_for_both(api, alice, bob):
    _ask(api(bob), "alice")
    _ask(api(alice), "bob")
    assert api(alice).delete("/me/friends/bob").status_code == 204
    assert _friends(api(alice)) == _friends(api(bob)) == []
    assert_error(api(bob).delete("/me/friends/alice"), 404)


def test_unfriending_someone_who_is_not_a_friend_is_404(api, alice, bob):
    assert_error(api(alice).delete("/me/friends/bob"), 404)


def test_unfriending_an_unknown_member_is_404(api, alice):
    assert_error(api(alice).delete("/me/friends/nobody"), 404, code="not_found")


def test_member_cannot_unfriend_themselves(api, alice):
    assert_error(api(alice).delete("/me/friends/alice"), 400, field="username")


def test_friends_need_sign_in(api, alice, bob):
    _ask(api(bob), "alice")
    _ask(api(alice), "bob")
    assert_signed_out_refused(api().get("/me/friends"))
    assert_signed_out_refused(api().delete("/me/friends/bob"))
    assert _friends(api(alice)) == ["bob"]


def test_an_inactive_friend_leaves_the_friends_list(api, alice, bob):
    _ask(api(bob), "alice")
    _ask(api(alice), "bob")
    Member.objects.filter(pk=bob.pk).update(is_active=False)
    assert _friends(api(alice)) == []


# Pages and query counts


def _members(count: int) -> list[Member]:
    return [make_member(f"pal_{i}") for i in range(count)]


def test_friend_pages_walk_every_friend_exactly_once(api, alice):
    alices = api(alice)
    pals = _members(12)
    for pal in pals:
        _ask(api(pal), "alice")
        _ask(alices, pal.username)
    items, pages = walk_pages(alices, "/me/friends", limit=5)
    assert pages == 3
    assert [f["member"]["username"] for f in items] == [p.username for p in reversed(pals)]


@pytest.mark.parametrize("direction", ["incoming", "outgoing"])
def test_friend_request_pages_walk_every_request_exactly_once(api, alice, direction):
    alices = api(alice)
    pals = _members(12)
    for pal in pals:
        if direction == "incoming":
            _ask(api(pal), "alice")
        else:
            _ask(alices, pal.username)
    items, pages = walk_pages(alices, "/friend-requests", {"direction": direction}, limit=5)
    assert pages == 3
    other = "from_member" if direction == "incoming" else "to_member"
    assert [r[other]["username"] for r in items] == [p.username for p in reversed(pals)]


def test_an_invalid_cursor_is_400(api, alice):
    client = api(alice)
    assert_bad_cursors_refused(client, "/me/friends")
    assert_bad_cursors_refused(client, "/friend-requests", {"direction": "incoming"})
    assert_bad_cursors_refused(client, "/friend-requests", {"direction": "outgoing"})


def test_friends_list_costs_the_same_queries_for_2_or_12_friends(api, alice):
    alices = warm(api(alice))
    pals = _members(12)

    def befriend(pal: Member) -> None:
        _ask(api(pal), "alice")
        _ask(alices, pal.username)

    for pal in pals[:2]:
        befriend(pal)
    two, body = counted_get(alices, "/me/friends")
    assert len(body["items"]) == 2
    for pal in pals[2:]:
        befriend(pal)
    twelve, body = counted_get(alices, "/me/friends")
    assert len(body["items"]) == 12
    assert twelve == two


@pytest.mark.parametrize("direction", ["incoming", "outgoing"])
def test_friend_request_list_costs_the_same_queries_for_2_or_12_requests(api, alice, direction):
    alices = warm(api(alice))
    pals = _members(12)

    def ask(pal: Member) -> None:
        if direction == "incoming":
            _ask(api(pal), "alice")
        else:
            _ask(alices, pal.username)

    for pal in pals[:2]:
        ask(pal)
    two, body = counted_get(alices, "/friend-requests", {"direction": direction})
    assert len(body["items"]) == 2
    for pal in pals[2:]:
        ask(pal)
    twelve, body = counted_get(alices, "/friend-requests", {"direction": direction})
    assert len(body["items"]) == 12
    assert twelve == two
