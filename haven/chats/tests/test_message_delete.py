"""A sender may delete their own message; nobody else can."""

import pytest

from haven.chats import actions
from haven.chats.models import Chat, Message

pytestmark = pytest.mark.django_db


def test_sender_deletes_their_message_after_confirming_and_the_chat_list_moves_on(alice, bob, web):
    chat, first = actions.start_chat(actor=alice, target=bob, body="hello")
    second = actions.send_message(actor=alice, chat=chat, body="something I regret")
    browser = web(alice)
    url = f"/chats/{chat.pk}/messages/{second.pk}/delete"
    assert "Delete this message?" in browser.get(url).content.decode()
    assert Message.objects.filter(pk=second.pk).exists()
    browser.post(url)
    assert not Message.objects.filter(pk=second.pk).exists()
    assert Chat.objects.get(pk=chat.pk).last_message_id == first.pk
    assert "something I regret" not in web(bob).get(f"/chats/{chat.pk}").content.decode()


def test_deleting_through_the_api(alice, bob, api):
    chat, message = actions.start_chat(actor=alice, target=bob, body="hello")
    response = api(alice).delete(f"/chats/{chat.pk}/messages/{message.pk}")
    assert response.status_code == 204
    assert not Message.objects.exists()


def test_nobody_deletes_someone_elses_message(alice, bob, carol, api, web):
    chat, message = actions.start_chat(actor=alice, target=bob, body="my record")
    assert api(bob).delete(f"/chats/{chat.pk}/messages/{message.pk}").status_code == 403
    assert api(carol).delete(f"/chats/{chat.pk}/messages/{message.pk}").status_code == 404
    assert web(bob).post(f"/chats/{chat.pk}/messages/{message.pk}/delete").status_code == 403
    assert Message.objects.filter(pk=message.pk).exists()
