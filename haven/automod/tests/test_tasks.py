"""The detectors run as tasks after the member's action commits; a task run twice (a
retry, a second worker) raises one signal."""

import pytest
from django.db import transaction

from haven.automod import tasks
from haven.chats.actions import start_chat
from haven.conftest import make_member
from haven.friends.actions import decline_friend_request, send_friend_request
from haven.moderation.models import Case, Signal

pytestmark = pytest.mark.django_db
PITCH = "Cheap essay writing service, visit essays-now.example today!"


@pytest.fixture(autouse=True)
def _low_thresholds(settings):
    settings.HAVEN_SPAM_RECIPIENTS = 3
    settings.HAVEN_NEW_CHATS_PER_HOUR = 100


def _signals(member):
    return Signal.objects.filter(case__subject=member, kind="automated")


def test_a_detector_runs_only_once_the_action_commits(bob, committed):
    strangers = [make_member(f"learner{n}") for n in range(3)]
    with committed(), transaction.atomic():
        for member in strangers:
            start_chat(actor=bob, target=member, body=PITCH)
        assert not _signals(bob).exists()  # nothing ran inside the transaction
    assert _signals(bob).count() == 1


def test_a_rolled_back_message_is_never_checked(bob, committed):
    strangers = [make_member(f"learner{n}") for n in range(3)]
    for member in strangers[:2]:
        start_chat(actor=bob, target=member, body=PITCH)
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        start_chat(actor=bob, target=strangers[2], body=PITCH)
        raise RuntimeError
    assert not _signals(bob).exists()


def test_the_repeated_message_check_run_twice_raises_one_signal(bob):
    strangers = [make_member(f"learner{n}") for n in range(3)]
    last = [start_chat(actor=bob, target=member, body=PITCH)[1] for member in strangers][-1]
    tasks.check_message.enqueue(last.pk)
    tasks.check_message.enqueue(last.pk)
    assert _signals(bob).count() == 1


def test_the_declined_requests_check_run_twice_raises_one_signal_per_request(alice, bob):
    for _ in range(2):
        request = send_friend_request(actor=bob, target=alice)
        decline_friend_request(actor=alice, request=request)
    again = send_friend_request(actor=bob, target=alice)
    tasks.check_requests_after_declines.enqueue(again.pk)
    tasks.check_requests_after_declines.enqueue(again.pk)
    assert _signals(bob).count() == 1
    decline_friend_request(actor=alice, request=again)
    once_more = send_friend_request(actor=bob, target=alice)
    tasks.check_requests_after_declines.enqueue(once_more.pk)
    assert _signals(bob).count() == 2  # persistence still raises it, once per request


def test_the_new_account_note_run_twice_raises_one_signal(bob):
    tasks.note_new_account_limit.enqueue(bob.pk, "a new chat")
    tasks.note_new_account_limit.enqueue(bob.pk, "a new chat")
    assert _signals(bob).count() == 1
    assert Case.objects.get(subject=bob).signal_count == 1


def test_a_check_for_a_message_deleted_meanwhile_does_nothing(bob, alice):
    chat, message = start_chat(actor=bob, target=alice, body=PITCH)
    message.delete()
    tasks.check_message.enqueue(message.pk)
    assert not _signals(bob).exists()
