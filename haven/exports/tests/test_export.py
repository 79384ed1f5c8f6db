"""Settings → Your data, POST /me/export and manage.py export_member: a member's own
data as one JSON document, never anyone else's private data."""

from __future__ import annotations

import html
import json

import pytest
from django.core.management import CommandError, call_command

from haven.audit.models import AuditEntry
from haven.chats.actions import send_message, start_chat
from haven.community.actions import add_comment, create_post, share
from haven.conftest import PASSWORD, make_member
from haven.core.tests.api_helpers import assert_error, decide
from haven.exports.export import collect
from haven.moderation.models import Case
from haven.safety.blocks import block_member
from haven.safety.reports import EvidenceRef, file_report
from haven.support import actions as support

pytestmark = pytest.mark.django_db
SECRET_REPLY = "bob's private reply to alice"
BOBS_REPORT = "bob says alice was rude in chat"
STAFF_NOTE = "internal: alice has asked twice before"


@pytest.fixture
def story(alice, bob, carol, mia, sam, api):
    """alice wrote, chatted, reported, blocked and asked support; bob reported her back;
    a moderator warned her."""
    post = create_post(actor=alice, space="answers", title="How do I say hello?", body="Help")
    add_comment(actor=alice, post=post, body="Thanks, everyone!")
    share(actor=alice, text="Learning Japanese today")
    chat, first = start_chat(actor=alice, target=bob, body="Hi Bob, want to practise?")
    reply = send_message(actor=bob, chat=chat, body=SECRET_REPLY)
    file_report(actor=alice, subject=bob, category="harassment", details="He keeps insisting.",
                evidence=[EvidenceRef("message", reply.pk)])  # fmt: skip
    file_report(actor=bob, subject=alice, category="harassment", details=BOBS_REPORT)
    block_member(actor=alice, target=carol)
    ticket = support.file_ticket(actor=alice, topic="account", description="I can't upload.")
    support.reply_as_staff(actor=sam, ticket=ticket, body="Try a smaller image.")
    support.reply_as_staff(actor=sam, ticket=ticket, body=STAFF_NOTE, internal=True)
    case = Case.objects.get(target_type="member", target_id=alice.pk)
    decide(api(mia), case, "warn", category="harassment", reason="Be kind in chat.")
    return alice


def test_a_member_downloads_their_data_from_settings_after_their_password(story, web):
    browser = web(story)
    page = browser.get("/settings/data")
    assert page.status_code == 200 and "Download my data" in page.content.decode()
    assert "/settings/data" in browser.get("/settings").content.decode()
    wrong = browser.post("/settings/data", {"password": "not it"})
    assert wrong.status_code == 400
    assert "That password isn't right." in html.unescape(wrong.content.decode())
    assert not AuditEntry.objects.filter(event="data_export").exists()

    download = browser.post("/settings/data", {"password": PASSWORD})
    assert download.status_code == 200
    assert download["Content-Type"] == "application/json"
    assert download["Content-Disposition"].startswith('attachment; filename="haven-alice-')
    data = json.loads(download.content)
    assert data["profile"]["username"] == "alice" and data["profile"]["email"] == story.email
    assert [p["title"] for p in data["posts"]] == ["How do I say hello?"]
    assert [c["body"] for c in data["comments"]] == ["Thanks, everyone!"]
    assert [s["text"] for s in data["shares"]] == ["Learning Japanese today"]
    assert [(m["to"], m["body"]) for m in data["messages_sent"]] == [
        ("bob", "Hi Bob, want to practise?")
    ]
    assert [(r["about"], r["details"]) for r in data["reports_filed"]] == [
        ("bob", "He keeps insisting.")
    ]
    assert data["blocked"] == ["carol"]
    [ticket] = data["support_tickets"]
    assert [m["from"] for m in ticket["messages"]] == ["Haven support"]
    assert [(d["kind"], d["reason"]) for d in data["decisions"]] == [("warn", "Be kind in chat.")]
    entry = AuditEntry.objects.get(event="data_export")
    assert (entry.actor, entry.target_id) == (story, story.pk)


def test_the_export_never_holds_anyone_elses_private_data(story, bob, mia, sam):
    text = json.dumps(collect(story))
    for private in (SECRET_REPLY, BOBS_REPORT, STAFF_NOTE, bob.email, "mia", "sam"):
        assert private not in text, private


def test_the_api_gives_the_same_document_after_the_password(story, api):
    client = api(story)
    assert_error(client.post("/me/export", {"password": "nope"}), 400)
    response = client.post("/me/export", {"password": PASSWORD})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response.json()["profile"]["username"] == "alice"
    assert api().post("/me/export", {"password": PASSWORD}).status_code == 401


def test_exports_are_limited_per_hour(alice, api):
    client = api(alice)
    for _ in range(5):
        assert client.post("/me/export", {"password": PASSWORD}).status_code == 200
    refused = client.post("/me/export", {"password": PASSWORD})
    assert_error(refused, 429)
    assert int(refused["Retry-After"]) > 0


def test_the_export_costs_the_same_queries_whatever_the_member_holds(alice, bob, count_queries):
    collect(alice)
    with count_queries() as few:
        collect(alice)
    chat, _ = start_chat(actor=alice, target=bob, body="Hello")
    for n in range(5):
        post = create_post(actor=alice, space="discussions", title=f"Post {n}", body="x")
        add_comment(actor=alice, post=post, body=f"Comment {n}")
        send_message(actor=alice, chat=chat, body=f"Message {n}")
        support.file_ticket(actor=alice, topic="other", description=f"Ticket {n}")
    with count_queries() as many:
        data = collect(alice)
    assert len(many) == len(few)
    assert len(data["posts"]) == 5 and len(data["messages_sent"]) == 6


def test_an_operator_exports_a_member_for_a_privacy_request(story, tmp_path):
    out = tmp_path / "alice.json"
    call_command("export_member", "Alice", "--reason", "Privacy request #42", "--output", str(out))
    assert json.loads(out.read_text())["profile"]["username"] == "alice"
    entry = AuditEntry.objects.get(event="data_export")
    assert (entry.actor, entry.reason) == (None, "Privacy request #42")
    with pytest.raises(CommandError, match="No member is called"):
        call_command("export_member", "nobody", "--reason", "x")
    assert make_member("dora").username == "dora"  # nothing else changed
