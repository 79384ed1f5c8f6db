"""One-to-one chats, messages and unread counts through the JSON API."""

import pytest

from haven.chats.models import MESSAGE_MAX
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


def _start(client, username: str, body="Bonjour!") -> dict:
    response = client.post("/chats", {"username": username, "body": body})
    assert response.status_code == 201, response.content
    return response.json()


def _send(client, chat_id: int, body: str) -> dict:
    response = client.post(f"/chats/{chat_id}/messages", {"body": body})
    assert response.status_code == 201, response.content
    return response.json()


def _chats(client) -> list[dict]:
    response = client.get("/chats")
    assert response.status_code == 200, response.content
    return response.json()["items"]


def _unread(client) -> dict[str, int]:
    return {chat["with_member"]["username"]: chat["unread"] for chat in _chats(client)}


# Starting a chat


def test_member_starts_a_chat_with_a_first_message(api, alice, bob):
    response = api(alice).post("/chats", {"username": "bob", "body": "  Bonjour Bob!  "})
    assert response.status_code == 201
    body = response.json()
    chat, message = body["chat"], body["message"]
    assert chat["with_member"] == {
        "username": "bob",
        "display_name": "Bob",
        "public_id": bob.public_id,
    }
    assert message["chat_id"] == chat["id"]
    assert message["body"] == "Bonjour Bob!"
    assert message["sender"]["username"] == "alice"
    assert chat["last_message"]["id"] == message["id"]
    assert chat["last_message"]["body"] == "Bonjour Bob!"
    assert chat["unread"] == 0


def test_the_other_member_sees_the_chat_with_one_unread_message(api, alice, bob):
    started = _start(api(alice), "bob", "Bonjour Bob!")
    [chat] = _chats(api(bob))
    assert chat["id"] == started["chat"]["id"]
    assert chat["with_member"]["username"] == "alice"
    assert chat["last_message"]["body"] == "Bonjour Bob!"
    assert chat["unread"] == 1
    assert _unread(api(alice)) == {"bob": 0}


def test_starting_a_chat_again_from_either_side_reuses_it(api, alice, bob):
    first = _start(api(alice), "bob", "Hi")
    again = _start(api(alice), "bob", "Still there?")
    reply = _start(api(bob), "alice", "Yes!")
    assert first["chat"]["id"] == again["chat"]["id"] == reply["chat"]["id"]
    assert len(_chats(api(alice))) == 1
    messages = api(alice).get(f"/chats/{first['chat']['id']}/messages").json()["items"]
    assert [m["body"] for m in messages] == ["Yes!", "Still there?", "Hi"]


def test_member_cannot_message_themselves(api, alice):
    response = api(alice).post("/chats", {"username": "alice", "body": "Note to self"})
    assert_error(response, 400, field="username")
    assert _chats(api(alice)) == []


def test_a_chat_with_an_unknown_member_is_404(api, alice):
    response = api(alice).post("/chats", {"username": "nobody", "body": "Hello?"})
    assert_error(response, 404, code="not_found")


def test_member_cannot_start_a_chat_with_an_inactive_member(api, alice, bob):
    Member.objects.filter(pk=bob.pk).update(is_active=False)
    assert_error(api(alice).post("/chats", {"username": "bob", "body": "Hi"}), (403, 404))
    assert _chats(api(alice)) == []


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"username": "bob", "body": "   "}, "body"),
        ({"username": "bob", "body": "x" * (MESSAGE_MAX + 1)}, "body"),
        ({"username": "bob"}, "body"),
        ({"body": "Hi"}, "username"),
        ({"username": ["bob"], "body": "Hi"}, "username"),
    ],
)
def test_starting_a_chat_refuses_bad_input(api, alice, bob, payload, field):
    assert_error(api(alice).post("/chats", payload), 400, field=field)
    assert _chats(api(bob)) == []


def test_starting_a_chat_refuses_a_malformed_body(api, alice, bob):
    assert_error(api(alice).post("/chats", '{"username": "bob" "body": "x"}'), 400, field="__all__")
    assert _chats(api(bob)) == []


def test_chats_need_sign_in(api, alice, bob):
    chat_id = _start(api(alice), "bob")["chat"]["id"]
    assert_signed_out_refused(api().post("/chats", {"username": "bob", "body": "Hi"}))
    assert_signed_out_refused(api().get("/chats"))
    assert_signed_out_refused(api().get(f"/chats/{chat_id}/messages"))
    assert_signed_out_refused(api().post(f"/chats/{chat_id}/messages", {"body": "Hi"}))
    assert _unread(api(bob)) == {"alice": 1}


# Messages


def test_members_exchange_messages_newest_first(api, alice, bob):
    chat_id = _start(api(alice), "bob", "Bonjour!")["chat"]["id"]
    reply = _send(api(bob), chat_id, "Salut Alice")
    assert reply["chat_id"] == chat_id
    assert reply["body"] == "Salut Alice"
    assert reply["sender"]["username"] == "bob"
    page = api(alice).get(f"/chats/{chat_id}/messages").json()
    assert [(m["sender"]["username"], m["body"]) for m in page["items"]] == [
        ("bob", "Salut Alice"),
        ("alice", "Bonjour!"),
    ]
    assert page["next"] is None


def test_most_recent_chat_comes_first(api, alice, bob, carol):
    with_bob = _start(api(alice), "bob")["chat"]["id"]
    with_carol = _start(api(alice), "carol")["chat"]["id"]
    assert [c["id"] for c in _chats(api(alice))] == [with_carol, with_bob]
    _send(api(bob), with_bob, "Later")
    chats = _chats(api(alice))
    assert [c["id"] for c in chats] == [with_bob, with_carol]
    assert chats[0]["last_message"]["body"] == "Later"


def test_unread_counts_only_others_messages_and_reading_clears_them(api, alice, bob):
    chat_id = _start(api(alice), "bob", "One")["chat"]["id"]
    _send(api(alice), chat_id, "Two")
    assert _unread(api(bob)) == {"alice": 2}
    assert _unread(api(alice)) == {"bob": 0}
    assert api(bob).get(f"/chats/{chat_id}/messages").status_code == 200
    assert _unread(api(bob)) == {"alice": 0}
    _send(api(bob), chat_id, "Three")
    assert _unread(api(alice)) == {"bob": 1}
    assert _unread(api(bob)) == {"alice": 0}


def test_reading_an_older_page_does_not_mark_the_chat_read(api, alice, bob):
    chat_id = _start(api(alice), "bob", "One")["chat"]["id"]
    _send(api(alice), chat_id, "Two")
    first = api(alice).get(f"/chats/{chat_id}/messages", {"limit": 1}).json()
    assert api(bob).get(f"/chats/{chat_id}/messages", {"cursor": first["next"]}).status_code == 200
    assert _unread(api(bob)) == {"alice": 2}


def test_someone_elses_chat_does_not_exist_for_you(api, alice, bob, carol):
    chat_id = _start(api(alice), "bob", "Private")["chat"]["id"]
    eve = api(carol)
    assert_error(eve.get(f"/chats/{chat_id}/messages"), 404, code="not_found")
    assert_error(eve.post(f"/chats/{chat_id}/messages", {"body": "Hi"}), 404, code="not_found")
    assert _chats(eve) == []
    messages = api(alice).get(f"/chats/{chat_id}/messages").json()["items"]
    assert [m["body"] for m in messages] == ["Private"]


def test_an_unknown_chat_is_404(api, alice):
    assert_error(api(alice).get("/chats/999999/messages"), 404)
    assert_error(api(alice).post("/chats/999999/messages", {"body": "Hi"}), 404)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"body": ""}, "body"),
        ({"body": "\n\t "}, "body"),
        ({"body": "x" * (MESSAGE_MAX + 1)}, "body"),
        ({}, "body"),
        ({"body": None}, "body"),
    ],
)
def test_sending_refuses_bad_input(api, alice, bob, payload, field):
    chat_id = _start(api(alice), "bob", "Hi")["chat"]["id"]
    assert_error(api(bob).post(f"/chats/{chat_id}/messages", payload), 400, field=field)
    assert len(api(alice).get(f"/chats/{chat_id}/messages").json()["items"]) == 1


def test_a_message_of_exactly_the_maximum_length_is_accepted(api, alice, bob):
    chat_id = _start(api(alice), "bob", "Hi")["chat"]["id"]
    assert len(_send(api(bob), chat_id, "x" * MESSAGE_MAX)["body"]) == MESSAGE_MAX


def test_sending_refuses_a_malformed_body(api, alice, bob):
    chat_id = _start(api(alice), "bob", "Hi")["chat"]["id"]
    response = api(bob).post(f"/chats/{chat_id}/messages", "body=hello")
    assert_error(response, 400, field="__all__")


def test_a_chat_with_a_closed_account_is_gone_with_it(api, web, alice, bob):
    chat_id = _start(api(alice), "bob", "Hi")["chat"]["id"]
    Member.objects.filter(pk=bob.pk).update(is_active=False)
    assert_error(api(alice).post(f"/chats/{chat_id}/messages", {"body": "Hello?"}), 404)
    assert_error(api(alice).get(f"/chats/{chat_id}/messages"), 404)
    assert api(alice).get("/chats").json()["items"] == []
    assert web(alice).get(f"/chats/{chat_id}").status_code == 404
    Member.objects.filter(pk=bob.pk).update(is_active=True)  # reinstated: it is back
    assert len(api(alice).get(f"/chats/{chat_id}/messages").json()["items"]) == 1


# Pages and query counts


def test_message_pages_walk_every_message_exactly_once(api, alice, bob):
    alices, bobs = api(alice), api(bob)
    started = _start(alices, "bob", "Message 0")
    chat_id = started["chat"]["id"]
    sent = [started["message"]["id"]]
    sent += [_send(alices if i % 2 else bobs, chat_id, f"Message {i}")["id"] for i in range(1, 12)]
    items, pages = walk_pages(bobs, f"/chats/{chat_id}/messages", limit=5)
    assert pages == 3
    assert [m["id"] for m in items] == sent[::-1]


def test_chat_pages_walk_every_chat_exactly_once(api, alice, settings):
    settings.HAVEN_NEW_CHATS_PER_HOUR = 20
    client = api(alice)
    for i in range(12):
        make_member(f"friend_{i}")
        _start(client, f"friend_{i}", f"Hello {i}")
    items, pages = walk_pages(client, "/chats", limit=5)
    assert pages == 3
    assert [c["with_member"]["username"] for c in items] == [
        f"friend_{i}" for i in range(11, -1, -1)
    ]


def test_an_invalid_cursor_is_400(api, alice, bob):
    client = api(alice)
    chat_id = _start(client, "bob")["chat"]["id"]
    assert_bad_cursors_refused(client, "/chats")
    assert_bad_cursors_refused(client, f"/chats/{chat_id}/messages")


def test_chat_list_costs_the_same_queries_for_2_or_12_chats(api, alice):
    reader = warm(api(alice))
    for i in range(12):
        make_member(f"friend_{i}")

    def chat_with(i: int) -> None:
        # Half the chats were started by the other side, so they carry unread messages.
        if i % 2:
            _start(reader, f"friend_{i}", "Hi")
        else:
            _start(api(Member.objects.get(username=f"friend_{i}")), "alice", "Hi")

    for i in range(2):
        chat_with(i)
    two, body = counted_get(reader, "/chats")
    assert len(body["items"]) == 2
    for i in range(2, 12):
        chat_with(i)
    twelve, body = counted_get(reader, "/chats")
    assert len(body["items"]) == 12
    assert sorted(c["unread"] for c in body["items"]) == [0] * 6 + [1] * 6
    assert twelve == two


def test_message_list_costs_the_same_queries_for_2_or_12_messages(api, alice, bob):
    reader, alices = warm(api(bob)), api(alice)
    chat_id = _start(alices, "bob", "Message 0")["chat"]["id"]
    _send(reader, chat_id, "Message 1")
    two, body = counted_get(reader, f"/chats/{chat_id}/messages")
    assert len(body["items"]) == 2
    for i in range(2, 12):
        _send(alices if i % 2 else reader, chat_id, f"Message {i}")
    twelve, body = counted_get(reader, f"/chats/{chat_id}/messages")
    assert len(body["items"]) == 12
    assert twelve == two
