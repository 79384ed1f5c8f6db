"""The audit log: safety actions write one row in their own transaction; the chain
of hashes shows any tampering; the database refuses edits; admins read and export."""

import csv
import io
from contextlib import nullcontext

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from haven.audit.log import entry_hash, first_broken, unsealed
from haven.audit.models import AuditEntry, AuditPending, AuditSeal
from haven.audit.sealer import seal
from haven.chats.actions import start_chat
from haven.core.errors import HavenError
from haven.safety.blocks import block_member, unblock_member
from haven.safety.flags import flag_item
from haven.safety.privacy import update_privacy
from haven.safety.reports import file_report

pytestmark = pytest.mark.django_db


def _events():
    return list(AuditEntry.objects.order_by("id").values_list("event", flat=True))


def test_each_safety_action_writes_one_readable_row(alice, bob):
    chat, message = start_chat(actor=bob, target=alice, body="you again")
    flag_item(
        actor=alice, target_type="message", target_id=message.pk, category="harassment",
        details="",
    )  # fmt: skip
    file_report(
        actor=alice, subject=bob, category="harassment", details="He insists.",
        where="on_haven", evidence=[], links=[], also_block=False,
    )  # fmt: skip
    update_privacy(actor=alice, who_can_chat="friends")
    block_member(actor=alice, target=bob)
    block_member(actor=alice, target=bob)  # idempotent: nothing new to record
    unblock_member(actor=alice, target=bob)
    assert _events() == ["flag", "report", "privacy_change", "block", "unblock"]
    flag, report, privacy, block, _ = AuditEntry.objects.order_by("id")
    assert flag.snapshot["text"] == "you again" and flag.reason == "harassment"
    assert report.target_label.startswith("bob") and report.snapshot == {"details": "He insists."}
    assert privacy.old == {"who_can_chat": "everyone"} and privacy.new == {
        "who_can_chat": "friends"
    }
    assert block.actor_id == alice.pk and block.target_id == bob.pk


def test_a_refused_action_writes_nothing(alice):
    with pytest.raises(HavenError):
        file_report(
            actor=alice, subject=alice, category="harassment", details="",
            where="on_haven", evidence=[], links=[], also_block=False,
        )  # fmt: skip
    assert not AuditEntry.objects.exists()


def test_a_rolled_back_action_leaves_no_row(alice, bob):
    with pytest.raises(RuntimeError), transaction.atomic():
        block_member(actor=alice, target=bob)
        raise RuntimeError("the request failed after the block")
    assert not AuditEntry.objects.exists() and unsealed() == 0


def _three(alice, bob, carol, committed, *, sealed=True):
    """Three entries, each action committed (so the sealer ran after each) or not."""
    with committed() if sealed else nullcontext():
        block_member(actor=alice, target=bob)
        block_member(actor=alice, target=carol)
        unblock_member(actor=alice, target=bob)
    return list(AuditEntry.objects.order_by("id"))


def test_committed_entries_are_sealed_into_a_chain_that_verifies(alice, bob, carol, committed):
    entries = _three(alice, bob, carol, committed)
    seals = list(AuditSeal.objects.order_by("seq"))
    assert [s.entry_id for s in seals] == [e.pk for e in entries]
    assert [s.seq for s in seals] == [1, 2, 3]
    assert seals[0].prev_hash == "0" * 64
    assert [s.prev_hash for s in seals[1:]] == [s.hash for s in seals[:-1]]
    assert unsealed() == 0 and first_broken() is None
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "3 entries, 0 not sealed yet" in out.getvalue()


def test_an_action_takes_no_lock_and_its_entry_waits_for_the_sealer(
    alice, bob, count_queries, committed
):
    with count_queries() as queries, transaction.atomic():
        block_member(actor=alice, target=bob)
    sql = " ".join(q["sql"] for q in queries)
    assert "audit_audithead" not in sql and "FOR UPDATE" not in sql
    assert sum("audit_auditentry" in q["sql"] for q in queries) == 1  # one INSERT
    assert unsealed() == 1 and first_broken() is None  # waiting is not broken
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "1 entries, 1 not sealed yet" in out.getvalue()
    call_command("seal_audit", stdout=io.StringIO())
    assert unsealed() == 0 and AuditSeal.objects.get().entry.event == "block"


def test_requests_leave_their_entries_sealed(api, alice, bob):
    assert api(alice).put("/me/blocks/bob").status_code == 200
    assert unsealed() == 0 and AuditSeal.objects.count() == 1 and first_broken() is None


def test_entries_the_sealer_missed_are_sealed_later_in_id_order(alice, bob, carol, committed):
    entries = _three(alice, bob, carol, committed, sealed=False)
    assert seal(batch=2) == 2 and seal() == 1 and seal() == 0
    assert list(AuditSeal.objects.order_by("seq").values_list("entry_id", flat=True)) == [
        e.pk for e in entries
    ]
    assert first_broken() is None


def test_the_database_refuses_to_change_an_entry_or_a_seal(alice, bob, committed):
    with committed():
        block_member(actor=alice, target=bob)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.update(reason="nothing happened")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditSeal.objects.update(hash="0" * 64)
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEntry.objects.all().delete()
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditSeal.objects.all().delete()


def _without_guards():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_no_change")
            cursor.execute("ALTER TABLE audit_auditseal DISABLE TRIGGER audit_seal_no_change")
        else:
            cursor.execute("DROP TRIGGER audit_no_update")
            cursor.execute("DROP TRIGGER audit_seal_no_update")


def _broken_at(pk):
    assert first_broken().pk == pk
    with pytest.raises(CommandError, match=f"row {pk}"):
        call_command("verify_audit")


@pytest.mark.parametrize("sealed", [True, False], ids=["sealed", "waiting"])
def test_verify_names_the_first_edited_row(alice, bob, carol, committed, sealed):
    second = _three(alice, bob, carol, committed, sealed=sealed)[1]
    _without_guards()  # someone with database access, bypassing the app
    AuditEntry.objects.filter(pk=second.pk).update(target_label="someone else")
    _broken_at(second.pk)


def test_verify_names_an_edited_row_whose_own_hash_was_recomputed(alice, bob, carol, committed):
    second = _three(alice, bob, carol, committed)[1]
    _without_guards()
    second.target_label = "someone else"
    AuditEntry.objects.filter(pk=second.pk).update(
        target_label=second.target_label, hash=entry_hash(second)
    )
    _broken_at(second.pk)  # the seal still holds the hash the row had


@pytest.mark.parametrize("sealed", [True, False], ids=["sealed", "waiting"])
def test_verify_notices_a_removed_row(alice, bob, carol, committed, sealed):
    middle, last = _three(alice, bob, carol, committed, sealed=sealed)[1:3]
    _without_guards()
    AuditEntry.objects.filter(pk=middle.pk).delete()
    _broken_at(middle.pk)
    AuditEntry.objects.filter(pk=last.pk).delete()  # the tail too
    assert first_broken() is not None


def test_verify_notices_reordered_rows(alice, bob, carol, committed):
    first, second, _ = _three(alice, bob, carol, committed)
    _without_guards()
    fields = ["created_at", "actor_id", "actor_label", "event", "target_type", "target_id",
              "target_label", "reason", "old", "new", "snapshot", "prev_hash", "hash"]  # fmt: skip
    a = {f: getattr(first, f) for f in fields}
    b = {f: getattr(second, f) for f in fields}
    AuditEntry.objects.filter(pk=first.pk).update(hash="swap")  # the unique hash, in turn
    AuditEntry.objects.filter(pk=second.pk).update(**a)
    AuditEntry.objects.filter(pk=first.pk).update(**b)
    _broken_at(first.pk)


def test_verify_notices_a_removed_seal(alice, bob, carol, committed):
    entries = _three(alice, bob, carol, committed)
    _without_guards()
    AuditSeal.objects.filter(seq=2).delete()  # a gap in the chain
    _broken_at(entries[2].pk)


def test_verify_notices_a_removed_last_seal(alice, bob, carol, committed):
    _three(alice, bob, carol, committed)
    _without_guards()
    AuditSeal.objects.filter(seq=3).delete()  # the head no longer matches
    assert "head" in first_broken().event
    with pytest.raises(CommandError, match="the chain's end"):
        call_command("verify_audit")


def test_verify_notices_an_entry_neither_sealed_nor_waiting(alice, bob, committed):
    with committed():
        block_member(actor=alice, target=bob)
    with transaction.atomic():
        block_member(actor=bob, target=alice)
    stray = AuditEntry.objects.order_by("id").last()
    AuditPending.objects.filter(entry_id=stray.pk).delete()  # off the list: never sealed
    _broken_at(stray.pk)


def test_admins_filter_and_export_the_log_others_are_refused(alice, bob, ada, mia, web, api):
    block_member(actor=alice, target=bob)
    update_privacy(actor=bob, searchable=False)
    page = web(ada).get("/staff/audit", {"event": "block"}).content.decode()
    assert "block" in page and "privacy_change" not in page.split('<ul class="list">')[1]
    changes = web(ada).get("/staff/audit", {"event": "privacy_change"}).content.decode()
    assert "&quot;searchable&quot;: false" in changes  # JSON, as the CSV and API give it
    assert (
        "<option selected>member</option>"
        in web(ada).get("/staff/audit", {"target_type": "member"}).content.decode()
    )
    export = web(ada).get("/staff/audit", {"format": "csv", "actor": "bob"})
    assert export["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert rows[0][:4] == ["id", "created_at", "actor_label", "event"]
    assert [r[3] for r in rows[1:]] == ["privacy_change"]
    assert api(ada).get("/staff/audit").json()["items"][0]["event"] == "privacy_change"
    for member in (alice, mia):
        assert web(member).get("/staff/audit").status_code == 403
        assert api(member).get("/staff/audit").status_code == 403


def test_the_csv_export_quotes_text_a_spreadsheet_would_run(alice, ada, web):
    from haven.audit.log import record

    with transaction.atomic():  # an appeal's text is its entry's reason, as the member wrote it
        record(actor=alice, event="appeal", target=alice, reason='=HYPERLINK("http://x","Go")')
        record(actor=alice, event="appeal", target=alice, reason="Please look again")
    export = web(ada).get("/staff/audit", {"format": "csv", "event": "appeal"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    reasons = [row[rows[0].index("reason")] for row in rows[1:]]
    assert reasons == ['\'=HYPERLINK("http://x","Go")', "Please look again"]


def test_system_as_actor_finds_haven_s_own_entries(alice, ada, web, api):
    from haven.automod.detectors import _raise

    with transaction.atomic():
        _raise(alice, pattern="test", category_slug="spam", summary="Seen", payload={})
    found = api(ada).get("/staff/audit", {"actor": "system"}).json()["items"]
    assert [e["event"] for e in found] == ["automated_signal"]


def test_the_audit_list_costs_the_same_queries_for_more_entries(alice, ada, web, count_queries):
    from haven.conftest import make_member

    def grow(n):
        for i in range(n):
            block_member(actor=alice, target=make_member(f"target{AuditEntry.objects.count()}_{i}"))

    browser = web(ada)

    def count():
        with count_queries() as queries:
            browser.get("/staff/audit")
        return len(queries)

    grow(2)
    small = count()
    grow(10)
    assert count() == small
