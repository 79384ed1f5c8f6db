"""Chats through the pages."""

import pytest
from django.test import Client

from haven.chats import actions
from haven.chats.models import Chat, Message
from haven.conftest import make_member

pytestmark = pytest.mark.django_db


def test_member_starts_a_chat_from_a_profile_and_the_other_sees_it_unread(alice, bob, web):
    response = web(alice).post("/chats/new/bob", {"body": "Bonjour Bob!"})
    chat = Chat.objects.get()
    assert response["Location"] == f"/chats/{chat.pk}"
    listing = web(bob).get("/chats")
    assert listing.context["page"].items[0].unread == 1
    assert "Bonjour Bob!" in listing.content.decode()
    assert "Bonjour Bob!" in web(bob).get(f"/chats/{chat.pk}").content.decode()
    assert web(bob).get("/chats").context["page"].items[0].unread == 0


def test_opening_a_chat_with_someone_you_already_talk_to_goes_to_that_chat(alice, bob, web):
    chat, _ = actions.start_chat(actor=bob, target=alice, body="hi")
    response = web(alice).get("/chats/new/bob")
    assert response["Location"] == f"/chats/{chat.pk}"


def test_sending_a_message_with_htmx_returns_the_message_and_a_fresh_form(alice, bob, web):
    chat, _ = actions.start_chat(actor=alice, target=bob, body="hi")
    response = web(bob).post(
        f"/chats/{chat.pk}/messages", {"body": "Hello Alice"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'hx-swap-oob="beforeend:#messages"' in body and "Hello Alice" in body
    assert Message.objects.filter(chat=chat).count() == 2


def test_empty_or_too_long_message_is_refused(alice, bob, web):
    chat, _ = actions.start_chat(actor=alice, target=bob, body="hi")
    assert web(alice).post(f"/chats/{chat.pk}/messages", {"body": " "}).status_code == 400
    too_long = {"body": "x" * 2001}
    assert web(alice).post(f"/chats/{chat.pk}/messages", too_long).status_code == 400
    assert Message.objects.count() == 1


def test_member_cannot_message_themselves(alice, web):
    response = web(alice).post("/chats/new/alice", {"body": "me"})
    assert response.status_code == 400
    assert "yourself" in response.content.decode()
    assert not Chat.objects.exists()


def test_someone_elses_chat_does_not_exist_for_you(alice, bob, carol, web):
    chat, _ = actions.start_chat(actor=alice, target=bob, body="private")
    assert web(carol).get(f"/chats/{chat.pk}").status_code == 404
    assert web(carol).post(f"/chats/{chat.pk}/messages", {"body": "x"}).status_code == 404
    assert Message.objects.count() == 1


def test_chats_need_sign_in(alice, bob):
    chat, _ = actions.start_chat(actor=alice, target=bob, body="hi")
    for url in ("/chats", f"/chats/{chat.pk}", "/chats/new/bob"):
        assert Client().get(url)["Location"].startswith("/signin")


def test_inactive_member_cannot_be_messaged(alice, web):
    make_member("gone", is_active=False)
    assert web(alice).post("/chats/new/gone", {"body": "hello?"}).status_code == 404


def test_chat_list_and_chat_page_cost_the_same_queries_for_more_items(
    alice, bob, web, count_queries
):
    chat, _ = actions.start_chat(actor=bob, target=alice, body="first")
    browser = web(alice)

    def grow(n):
        for i in range(n):
            other = make_member(f"c{i}_{Chat.objects.count()}")
            actions.start_chat(actor=other, target=alice, body=f"hello {i}")
            actions.send_message(actor=bob, chat=chat, body=f"m{i}")

    def count(url):
        with count_queries() as queries:
            browser.get(url)
        return len(queries)

    grow(2)
    small = [count("/chats"), count(f"/chats/{chat.pk}")]
    grow(10)
    assert [count("/chats"), count(f"/chats/{chat.pk}")] == small
