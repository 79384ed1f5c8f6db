"""Unwanted contact (issue 13, item 4): messages that keep coming to a member who never
answers, and attempts to reach a member who blocks you, raise a harassment signal for
staff; neither member is told, and the send path pays nothing for it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import F
from django.test import override_settings
from django.utils import timezone

from haven.automod import detectors
from haven.automod.models import RefusedContact
from haven.chats.models import Message
from haven.friends.models import Friendship
from haven.moderation.models import Case
from haven.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _member_case(member) -> Case | None:
    return Case.objects.filter(target_type="member", target_id=member.pk).first()


def _messages(api, sender, recipient, n: int, *, days_ago: float = 0) -> int:
    """`n` messages from sender to recipient (the first opens the chat), dated
    `days_ago`; the chat's id."""
    client = api(sender)
    opened = client.post("/chats", {"username": recipient.username, "body": "Hello, how are you?"})
    assert opened.status_code == 201, opened.content
    chat = opened.json()["chat"]["id"]
    for i in range(n - 1):
        sent = client.post(f"/chats/{chat}/messages", {"body": f"Are you there? ({i})"})
        assert sent.status_code == 201, sent.content
    if days_ago:
        when = timezone.now() - timedelta(days=days_ago)
        Message.objects.filter(chat_id=chat).update(created_at=when)
    return chat


def _harassment_signal(api, staff, member) -> tuple[Case, dict]:
    """The member's case, holding one automated harassment signal; its pattern."""
    case = _member_case(member)
    assert case is not None
    file = api(staff).get(f"/staff/cases/{case.pk}").json()
    [signal] = file["signals"]
    assert (signal["kind"], signal["category"]["slug"]) == ("automated", "harassment")
    [evidence] = file["evidence"]
    return case, evidence["payload"]


# ---------------------------------------------------------------- unanswered messages


def test_messages_over_two_days_to_someone_who_never_replies_raise_harassment(
    api, web, alice, bob, mia
):
    chat = _messages(api, bob, alice, 4, days_ago=3)
    assert _member_case(bob) is None  # four: below the five
    sent = api(bob).post(f"/chats/{chat}/messages", {"body": "Why won't you answer?"})
    assert sent.status_code == 201

    case, payload = _harassment_signal(api, mia, bob)
    assert (payload["pattern"], payload["count"], payload["to"]["username"]) == (
        "unanswered_messages", 5, "alice",
    )  # fmt: skip
    assert payload["items"][0]["text"] == "Why won't you answer?" and len(payload["items"]) == 5
    page = web(mia).get(f"/staff/cases/{case.pk}").content.decode()
    assert "Sent 5 messages over 3 days to alice, who has never replied." in page
    # Nobody is told: not the member who stays silent, not the sender.
    assert not Notification.objects.filter(member__in=[alice, bob]).exists()

    # Persistence raises it again, five messages on; not every message.
    for i in range(4):
        api(bob).post(f"/chats/{chat}/messages", {"body": f"Hello?? {i}"})
    case.refresh_from_db()
    assert case.signal_count == 1
    api(bob).post(f"/chats/{chat}/messages", {"body": "Answer me"})
    case.refresh_from_db()
    assert case.signal_count == 2


def test_a_reply_or_a_single_day_raises_nothing(api, alice, bob, carol):
    chat = _messages(api, bob, alice, 6)  # six in one day: eager, not a pattern yet
    assert _member_case(bob) is None

    replied = _messages(api, carol, alice, 1, days_ago=5)
    assert api(alice).post(f"/chats/{replied}/messages", {"body": "Hi!"}).status_code == 201
    Message.objects.filter(chat_id=replied).update(created_at=timezone.now() - timedelta(days=5))
    for i in range(6):
        api(carol).post(f"/chats/{replied}/messages", {"body": f"Lesson notes, part {i}"})
    assert _member_case(carol) is None  # alice answered once: a conversation
    assert chat != replied


def test_messages_after_please_stop_count_from_the_reply(api, web, alice, bob, mia):
    chat = _messages(api, bob, alice, 3, days_ago=10)
    reply = api(alice).post(f"/chats/{chat}/messages", {"body": "Please stop."})
    for i in range(4):
        api(bob).post(f"/chats/{chat}/messages", {"body": f"Why? ({i})"})
    assert _member_case(bob) is None  # four since her reply
    since = Message.objects.filter(chat_id=chat, id__gte=reply.json()["id"])
    since.update(created_at=timezone.now() - timedelta(days=3))
    api(bob).post(f"/chats/{chat}/messages", {"body": "Answer me"})
    case = _member_case(bob)
    assert case is not None
    page = web(mia).get(f"/staff/cases/{case.pk}").content.decode()
    assert "Sent 5 messages over 3 days to alice since their last reply." in page


def test_between_friends_unanswered_messages_raise_nothing(api, alice, bob):
    Friendship.objects.bulk_create(
        [Friendship(member=alice, friend=bob), Friendship(member=bob, friend=alice)]
    )
    chat = _messages(api, bob, alice, 4, days_ago=3)
    api(bob).post(f"/chats/{chat}/messages", {"body": "Hope the trip is great!"})
    assert _member_case(bob) is None


def test_the_check_reads_one_row_in_a_chat_with_a_reply(api, alice, bob, count_queries):
    chat = _messages(api, bob, alice, 1)
    api(alice).post(f"/chats/{chat}/messages", {"body": "Hi Bob"})
    latest = Message.objects.select_related("chat__member_low", "chat__member_high", "sender")
    message = latest.filter(sender=bob).get()
    with count_queries() as queries:
        detectors.after_unanswered(message)
    assert len(queries) == 1


@override_settings(HAVEN_UNANSWERED_MESSAGES=3, HAVEN_UNANSWERED_DAYS=1)
def test_the_thresholds_come_from_the_settings(api, alice, bob):
    chat = _messages(api, bob, alice, 2, days_ago=1.5)
    api(bob).post(f"/chats/{chat}/messages", {"body": "Third"})
    assert _member_case(bob).signal_count == 1


# ---------------------------------------------------------------- attempts after a block


def _minutes_pass(minutes: int = 10) -> None:
    """The attempts kept so far happened `minutes` earlier (attempts within 5 minutes of
    the last count once)."""
    RefusedContact.objects.update(created_at=F("created_at") - timedelta(minutes=minutes))


def test_three_attempts_a_block_refused_raise_harassment_naming_the_blocker(
    api, web, alice, bob, mia
):
    chat = _messages(api, bob, alice, 1)
    post = api(alice).post("/posts", {"space": "discussions", "title": "Tips",
                                      "body": "How I learn kanji"}).json()["id"]  # fmt: skip
    assert api(alice).put("/me/blocks/bob", {}).status_code == 200
    client = api(bob)

    refused = client.post(f"/chats/{chat}/messages", {"body": "Why did you go?"})
    assert refused.status_code == 403
    _minutes_pass()
    assert client.post("/friend-requests", {"username": "alice"}).status_code == 403
    _minutes_pass()
    assert _member_case(bob) is None  # two: below the three
    comment = client.post(f"/posts/{post}/comments", {"body": "Talk to me"})
    assert comment.status_code == 403

    case, payload = _harassment_signal(api, mia, bob)
    assert payload["blocker"]["username"] == "alice"
    assert [i["tried"] for i in payload["items"]] == [
        "comment or reply", "send a friend request", "send a message",
    ]  # fmt: skip
    page = web(mia).get(f"/staff/cases/{case.pk}").content.decode()
    assert "Tried 3 times in 7 days to contact alice, who blocks them" in page

    # Once per blocker and week, however many more; nobody is told.
    _minutes_pass()
    assert client.post("/chats", {"username": "alice", "body": "hi"}).status_code == 403
    case.refresh_from_db()
    assert case.signal_count == 1
    assert not Notification.objects.filter(member__in=[alice, bob]).exists()


def test_refusals_by_a_privacy_setting_or_by_ones_own_block_count_nothing(api, alice, bob, carol):
    assert api(carol).put("/me/privacy", {"who_can_chat": "nobody"}).status_code == 200
    for _ in range(3):
        assert api(bob).post("/chats", {"username": "carol", "body": "hi"}).status_code == 403
    assert api(bob).put("/me/blocks/alice", {}).status_code == 200  # bob blocks alice
    for _ in range(3):
        assert api(bob).post("/chats", {"username": "alice", "body": "hi"}).status_code == 403
    assert not RefusedContact.objects.exists()
    assert _member_case(bob) is None


def test_a_double_tap_or_a_retry_is_one_attempt(api, alice, bob):
    assert api(alice).put("/me/blocks/bob", {}).status_code == 200
    for _ in range(4):  # four taps on a button that seemed not to work
        assert api(bob).post("/chats", {"username": "alice", "body": "hi"}).status_code == 403
    assert RefusedContact.objects.count() == 1
    assert _member_case(bob) is None


def test_attempts_older_than_the_window_are_forgotten(api, alice, bob):
    assert api(alice).put("/me/blocks/bob", {}).status_code == 200
    for _ in range(2):
        api(bob).post("/chats", {"username": "alice", "body": "hi"})
        _minutes_pass()
    RefusedContact.objects.update(created_at=timezone.now() - timedelta(days=8))
    api(bob).post("/chats", {"username": "alice", "body": "hi"})
    assert _member_case(bob) is None
    assert RefusedContact.objects.count() == 1  # the old ones went with the new one


def test_a_refused_attempt_costs_the_request_one_task_and_the_send_path_nothing(
    api, settings, alice, bob, carol, count_queries
):
    """A refusal by a block costs one INSERT more than the same refusal by a privacy
    setting: the task. A message that goes through costs what it did (the send-path
    statement counts in haven/chats/tests)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert api(alice).put("/me/blocks/bob", {}).status_code == 200
    assert api(bob).put("/me/privacy", {"who_can_chat": "nobody"}).status_code == 200
    with count_queries() as refused_by_privacy:
        api(carol).post("/chats", {"username": "bob", "body": "hi"})
    with count_queries() as refused_by_block:
        api(bob).post("/chats", {"username": "alice", "body": "hi"})
    extra = [q["sql"] for q in refused_by_block[len(refused_by_privacy) :]]
    assert len(refused_by_block) == len(refused_by_privacy) + 1, extra
    assert "django_tasks_database_dbtaskresult" in refused_by_block[-1]["sql"]
