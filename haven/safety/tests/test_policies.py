"""The policy gate's basic rules, and that refusals stay neutral."""

import pytest
from django.contrib.auth.models import AnonymousUser

from haven.chats.actions import start_chat
from haven.community.actions import add_comment, create_post, share
from haven.conftest import make_member
from haven.core.errors import Invalid, NotSignedIn, Refused
from haven.safety import policies

pytestmark = pytest.mark.django_db


def test_signed_out_visitors_can_do_nothing(alice):
    with pytest.raises(NotSignedIn):
        policies.can_start_chat(AnonymousUser(), alice)
    with pytest.raises(NotSignedIn):
        policies.can_send_friend_request(AnonymousUser(), alice)
    assert not policies.can_view_timeline(AnonymousUser(), alice)


def test_nobody_chats_with_or_befriends_themselves(alice):
    with pytest.raises(Invalid):
        policies.can_start_chat(alice, alice)
    with pytest.raises(Invalid):
        policies.can_send_friend_request(alice, alice)


def test_inactive_members_cannot_be_reached_and_the_refusal_is_neutral(alice):
    gone = make_member("gone")
    post = create_post(actor=gone, space="discussions", title="t", body="b")
    chat, _ = start_chat(actor=alice, target=gone, body="hi")
    gone.is_active = False
    gone.save()
    assert policies.can_start_chat(alice, gone).message == policies.CANNOT_CHAT
    assert policies.can_message(alice, chat).message == policies.CANNOT_MESSAGE
    assert policies.can_send_friend_request(alice, gone).message == policies.CANNOT_BEFRIEND
    assert policies.can_comment(alice, post).message == policies.CANNOT_COMMENT
    assert not policies.can_view_timeline(alice, gone)
    for message in (policies.CANNOT_CHAT, policies.CANNOT_MESSAGE, policies.CANNOT_BEFRIEND):
        assert "block" not in message.lower() and "inactive" not in message.lower()


def test_an_inactive_actor_is_refused(alice, bob):
    alice.is_active = False
    with pytest.raises(Refused):
        policies.can_start_chat(alice, bob)


def test_members_see_each_others_timelines_and_replies_follow_comments(alice, bob):
    assert policies.can_view_timeline(bob, alice)
    assert policies.can_view_share(bob, share(actor=alice, text="hi"))
    post = create_post(actor=alice, space="answers", title="t", body="b")
    comment = add_comment(actor=alice, post=post, body="c")
    assert policies.can_reply(bob, comment)
