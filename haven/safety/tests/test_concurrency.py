"""Two people doing one thing at the same instant, on PostgreSQL (SQLite has one writer,
so nothing races there): one wins and the other is told, or both stand, and nothing
is written twice or half-written."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections
from django.utils import timezone

from haven.audit.models import AuditEntry
from haven.chats.actions import start_chat
from haven.conftest import ApiClient, make_member
from haven.friends.models import Friendship
from haven.members.roles import MODERATOR
from haven.moderation.actions import add_signal
from haven.moderation.models import Case, Enforcement, Signal
from haven.safety.models import Block, PolicyCategory
from haven.safety.reports import EvidenceRef, file_report

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite serializes writers; no race to lose"
    ),
    pytest.mark.django_db(transaction=True),
]


def _at_once(*calls: Callable[[], object]) -> list:
    """Run the calls in threads released together; their results in call order."""
    start = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i: int, call) -> None:
        try:
            start.wait(timeout=10)
            results[i] = call()
        except BaseException as exc:  # noqa: BLE001 - returned to the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _staff(username: str):
    from django.contrib.auth.models import Group

    member = make_member(username)
    member.groups.add(Group.objects.get_or_create(name=MODERATOR)[0])
    return member


def test_two_moderators_deciding_one_case_at_once_one_wins_one_gets_409():
    alice, bob = make_member("alice"), make_member("bob")
    _, message = start_chat(actor=bob, target=alice, body="You are worthless")
    file_report(actor=alice, subject=bob, category="harassment", details="Insults.",
                evidence=[EvidenceRef("message", message.pk)])  # fmt: skip
    case = Case.objects.get(target_type="member", subject=bob)
    mia, max_ = ApiClient(_staff("mia")), ApiClient(_staff("maxim"))

    def decide(client, action: str, days: int | None):
        body = {"action": action, "category": "harassment", "reason": "Insults in chat.",
                "version": case.version, **({"days": days} if days else {})}  # fmt: skip
        return client.post(f"/staff/cases/{case.pk}/actions", body).status_code

    statuses = _at_once(lambda: decide(mia, "warn", None), lambda: decide(max_, "suspend", 7))
    assert sorted(statuses) == [201, 409], statuses
    assert Enforcement.objects.filter(case=case).count() == 1
    assert AuditEntry.objects.filter(event__startswith="enforce_").count() == 1


def test_two_members_blocking_each_other_at_once_both_blocks_stand():
    alice, bob = make_member("alice"), make_member("bob")
    Friendship.objects.bulk_create(
        [Friendship(member=alice, friend=bob), Friendship(member=bob, friend=alice)]
    )
    a, b = ApiClient(alice), ApiClient(bob)
    statuses = _at_once(
        lambda: a.put("/me/blocks/bob", {}).status_code,
        lambda: b.put("/me/blocks/alice", {}).status_code,
    )
    assert statuses == [200, 200], statuses
    assert Block.objects.filter(blocker=alice, blocked=bob).exists()
    assert Block.objects.filter(blocker=bob, blocked=alice).exists()
    assert not Friendship.objects.exists()  # ended, once, whoever came second
    assert AuditEntry.objects.filter(event="block").count() == 2


def test_two_signals_re_opening_a_closed_case_at_once_make_one_round():
    bob = make_member("bob")
    reporters = [make_member(f"reporter{i}") for i in range(2)]
    category = PolicyCategory.objects.get(slug="harassment")
    add_signal(target_type="member", target_id=bob.pk, subject=bob, kind=Signal.Kind.REPORT,
               category=category, reporter=make_member("first"))  # fmt: skip
    case = Case.objects.get()
    case.signals.update(outcome=Signal.Outcome.AGREED)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, closed_at=timezone.now())

    def signal(reporter):
        from django.db import transaction

        with transaction.atomic():
            return add_signal(target_type="member", target_id=bob.pk, subject=bob,
                              kind=Signal.Kind.REPORT, category=category,
                              reporter=reporter)  # fmt: skip

    results = _at_once(*(lambda r=r: signal(r) for r in reporters))
    assert not [r for r in results if isinstance(r, BaseException)], results
    reopened = Case.objects.get()
    assert (reopened.pk, reopened.status, reopened.signal_count) == (case.pk, "open", 3)
    assert reopened.reporter_count == 2  # this round's two reporters, neither lost


def test_a_detector_checking_a_member_never_makes_others_wait_to_block_or_message_them():
    """The automated checks lock the member they may raise a signal about (tasks take
    turns per member). That lock must not stop rows that merely point at the member,
    a block or a message, or a block could wait on a check that waits on it: the
    deadlock the load test once met as a 500."""
    from django.db import transaction

    from haven.automod.tasks import _lock

    alice, bob = make_member("alice"), make_member("bob")
    chat, _ = start_chat(actor=alice, target=bob, body="Hello Bob")
    locked, release = threading.Event(), threading.Event()

    def checking_bob():
        with transaction.atomic():
            _lock(bob.pk)
            locked.set()
            release.wait(timeout=20)

    def meanwhile():
        from haven.chats.actions import send_message
        from haven.safety.blocks import block_member

        assert locked.wait(timeout=10)
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '2s'")
                send_message(actor=bob, chat=chat, body="Hi Alice")  # the member writes
                block_member(actor=alice, target=bob)  # and is blocked
            return "done"
        finally:
            release.set()

    results = _at_once(checking_bob, meanwhile)
    assert results[1] == "done", results
    assert Block.objects.filter(blocker=alice, blocked=bob).exists()
