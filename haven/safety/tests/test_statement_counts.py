"""How many SQL statements each hot path costs, so they cannot creep back (issue 11).

Counted through the API as a member calls it, with the token already cached (the
client's second request) and the default in-process tasks, so the count includes
what runs right after the commit: the spam check of a message, the audit sealer.
Inside a test, each transaction is a savepoint, which counts as two statements
(SAVEPOINT, RELEASE) where a real request has BEGIN and COMMIT."""

from __future__ import annotations

import pytest

from haven.chats.actions import send_message, start_chat
from haven.community.actions import add_comment, create_post, share
from haven.friends.models import Friendship
from haven.members.models import TimelinePrivacy
from haven.safety.blocks import block_member

pytestmark = pytest.mark.django_db


def _statements(client, count_queries, method: str, path: str, body=None):
    assert client.get("/me").status_code == 200  # the token is cached from here
    with count_queries() as captured:
        response = getattr(client, method)(path, *([body] if body is not None else []))
    assert response.status_code in (200, 201), response.content
    return [q["sql"] for q in captured]


def test_sending_a_message(api, alice, bob, count_queries):
    chat, _ = start_chat(actor=alice, target=bob, body="Hi Bob")
    sql = _statements(api(alice), count_queries, "post", f"/chats/{chat.pk}/messages",
                      {"body": "How was the lesson?"})  # fmt: skip
    # the request: access + policy, SAVEPOINT, INSERT (a trigger moves the preview),
    # RELEASE; then the check the worker runs: the message, the sender locked, in a
    # savepoint, and the chat's latest senders (the classifier reads no table for a
    # message it finds nothing in)
    assert len(sql) == 4 + 5


def test_flagging_a_comment(api, alice, bob, count_queries):
    post = create_post(actor=alice, space="discussions", title="Hello", body="Say hi")
    comment = add_comment(actor=bob, post=post, body="Buy essays at essays.example")
    flag = {"target_type": "comment", "target_id": comment.pk, "category": "spam"}
    sql = _statements(api(alice), count_queries, "post", "/flags", flag)
    # 18 for the flag (was 28 with the audit head lock, the case get-or-create and the
    # flagger's role read per request), then the audit sealer's 7, which runs once per
    # sealing round, not per action
    assert len(sql) == 25


def _report_statements(api, alice, bob, count_queries, messages: int) -> int:
    chat, first = start_chat(actor=bob, target=alice, body="You again")
    sent = [first] + [
        send_message(actor=bob, chat=chat, body="Answer me") for _ in range(1, messages)
    ]
    body = {"username": "bob", "category": "harassment", "details": "He insists.",
            "evidence": [{"type": "message", "id": m.pk} for m in sent]}  # fmt: skip
    return len(_statements(api(alice), count_queries, "post", "/reports", body))


def test_reporting_with_two_messages(api, alice, bob, count_queries):
    # 19 for the report (the messages' two context reads each, one INSERT for all the
    # evidence, the answer from what was stored), the sealer's 7 as for a flag
    assert _report_statements(api, alice, bob, count_queries, 2) == 26


def test_more_evidence_costs_only_its_context_reads(api, alice, bob, count_queries):
    assert _report_statements(api, alice, bob, count_queries, 4) == 26 + 2 * 2


def test_blocking(api, alice, bob, count_queries):
    sql = _statements(api(alice), count_queries, "put", "/me/blocks/bob", {})
    assert len(sql) == 17  # 10 for the block (the member it names read with it), sealer 7


def test_reading_a_timeline(api, alice, bob, carol, count_queries):
    Friendship.objects.bulk_create(
        [Friendship(member=alice, friend=bob), Friendship(member=bob, friend=alice)]
    )
    alice.who_can_see_timeline = TimelinePrivacy.FRIENDS
    alice.save()
    share(actor=alice, text="Passed my JLPT N3!")
    path = "/members/alice/timeline"
    # the owner with the block and friendship probes, then the page of shares
    assert len(_statements(api(bob), count_queries, "get", path)) == 2
    assert api(carol).get(path).status_code == 403  # friends only: the same refusal
    block_member(actor=alice, target=bob)
    assert api(bob).get(path).status_code == 403  # blocked: the same words
    assert api(bob).get(path).json() == api(carol).get(path).json()
