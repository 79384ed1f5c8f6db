"""Filing a support ticket: who it is about, its frozen evidence, the signal on the case."""

import pytest

from haven.audit.models import AuditEntry
from haven.chats import actions as chat_actions
from haven.chats.models import Message
from haven.community import actions as community
from haven.conftest import make_member
from haven.core.tests.api_helpers import assert_error, assert_signed_out_refused
from haven.members.models import Member
from haven.moderation.models import Case, Signal
from haven.safety import evidence as frozen
from haven.safety.models import Evidence
from haven.safety.tests.upload_helpers import image_bytes, post_upload
from haven.support.actions import file_ticket
from haven.support.models import Ticket

pytestmark = pytest.mark.django_db


def ticket(client, **fields):
    body = {"topic": "safety", "description": "He keeps writing to me.", **fields}
    return client.post("/support/tickets", body)


@pytest.mark.parametrize(
    "about",
    [
        "https://haven.example/u/bob",
        "http://127.0.0.1:8000/u/bob/",
        "haven.example/u/bob?tab=posts",
        "/u/bob",
        "u/bob/report",
        "bob",
        "@bob",
        " @Bob ",
        "PUBLIC_ID",
    ],
)
def test_the_member_it_is_about_can_be_a_profile_link_a_username_or_a_public_id(
    alice, bob, api, about
):
    about = about.replace("PUBLIC_ID", str(bob.public_id))
    response = ticket(api(alice), about=about)
    assert response.status_code == 201, response.content
    assert response.json()["about"]["username"] == "bob"
    assert Ticket.objects.get().subject == bob


def test_a_public_id_may_come_as_a_json_number(alice, bob, api):
    response = ticket(api(alice), about=bob.public_id)
    assert response.status_code == 201, response.content
    assert response.json()["about"]["username"] == "bob"


def test_a_public_id_wins_over_a_username_made_of_the_same_digits(alice, bob, api):
    make_member(str(bob.public_id))  # a username that is bob's member ID
    response = ticket(api(alice), about=str(bob.public_id))
    assert response.json()["about"]["username"] == "bob"


def test_whom_nobody_can_find_is_a_clear_400_on_about_and_nothing_is_filed(alice, bob, api):
    gone = make_member("gone")
    Member.objects.filter(pk=gone.pk).update(is_active=False)
    client = api(alice)
    for about in (
        "nobody",
        "https://haven.example/u/nobody",
        "/u/gone",
        "12345",
        "a b c",
        "x" * 301,
    ):
        error = assert_error(ticket(client, about=about), 400, field="about")
        assert "profile" in error["message"] or "too long" in error["message"]
    missing_id = 100_000_000 if bob.public_id != 100_000_000 else 100_000_001
    assert_error(ticket(client, about=str(missing_id)), 400, field="about")
    error = assert_error(ticket(client, about="alice"), 400, field="about")
    assert "That's you" in error["message"]
    assert not Ticket.objects.exists() and not Case.objects.exists()


def test_an_account_question_needs_no_member_and_adds_no_signal(alice, api):
    response = ticket(api(alice), topic="account", description="I can't change my email.")
    assert response.status_code == 201
    body = response.json()
    assert body["about"] is None and body["status"] == "new" and body["messages"] == []
    assert not Signal.objects.exists()


def test_bad_bodies_are_400_with_field_messages(alice, bob, api):
    client = api(alice)
    assert_error(ticket(client, topic="billing"), 400, field="topic")
    assert_error(ticket(client, description="   "), 400, field="description")
    assert_error(ticket(client, description="x" * 5001), 400, field="description")
    assert_error(ticket(client, links=["javascript:alert(1)"]), 400, field="links")
    assert_error(client.post("/support/tickets", "[1, 2"), 400)
    assert not Ticket.objects.exists()


def test_a_ticket_about_a_member_freezes_its_evidence_and_joins_their_case(alice, bob, api):
    chat, message = chat_actions.start_chat(actor=bob, target=alice, body="I know where you live")
    post = community.create_post(actor=bob, space="answers", title="Bob asks", body="?")
    client = api(alice)
    upload_id = post_upload(client, image_bytes()).json()["id"]
    refs = [
        {"type": "message", "id": message.pk},
        {"type": "post", "id": post.pk},
        {"type": "upload", "id": upload_id},
    ]
    response = ticket(client, about="bob", evidence=refs, links=["https://elsewhere.example/b"])
    assert response.status_code == 201, response.content
    kinds = sorted(e["kind"] for e in response.json()["evidence"])
    assert kinds == ["link", "message", "post", "screenshot"]

    Message.objects.filter(pk=message.pk).update(body="nothing to see here")
    chat_actions.delete_message(actor=bob, message=Message.objects.get(pk=message.pk))
    copy = Evidence.objects.get(kind="message")
    assert copy.payload["text"] == "I know where you live" and frozen.verify(copy)
    assert all(frozen.verify(e) for e in Evidence.objects.all())

    filed = Ticket.objects.get()
    case = Case.objects.get(target_type="member", target_id=bob.pk)
    assert (case.subject, case.status, case.signal_count) == (bob, "open", 1)
    signal = case.signals.get()
    assert (signal.kind, signal.category.slug, signal.reporter) == ("ticket", "harassment", alice)
    assert filed.signal == signal and signal.ticket == filed


def test_a_ticket_on_another_topic_signals_under_other_and_joins_the_same_case(alice, carol, bob):
    file_ticket(actor=alice, topic="safety", description="Threats.", subject=bob)
    file_ticket(actor=carol, topic="lessons", description="He never showed up.", subject=bob)
    case = Case.objects.get(target_type="member", target_id=bob.pk)
    assert case.signal_count == 2
    assert [s.category.slug for s in case.signals.order_by("id")] == ["harassment", "other"]


def test_evidence_is_what_the_writer_could_see_and_needs_the_member_named(alice, bob, carol, api):
    _, theirs = chat_actions.start_chat(actor=bob, target=carol, body="private")
    client = api(alice)
    refused = ticket(client, about="bob", evidence=[{"type": "message", "id": theirs.pk}])
    assert f"message {theirs.pk}" in assert_error(refused, 400, field="evidence")["message"]
    unnamed = ticket(client, topic="other", evidence=[{"type": "message", "id": theirs.pk}])
    assert "Name the member" in assert_error(unnamed, 400, field="evidence")["message"]
    upload_id = post_upload(client, image_bytes()).json()["id"]
    screenshot = ticket(client, topic="lessons", evidence=[{"type": "upload", "id": upload_id}])
    assert screenshot.status_code == 201
    assert [e["kind"] for e in screenshot.json()["evidence"]] == ["screenshot"]
    assert Ticket.objects.count() == 1


def test_filing_writes_an_audit_row_in_the_same_transaction(alice, bob):
    filed = file_ticket(
        actor=alice, topic="safety", description="Rude.", subject=bob, links=["https://a.example"]
    )
    entry = AuditEntry.objects.get(event="ticket")
    assert (entry.actor, entry.target_type, entry.target_id) == (alice, "ticket", filed.pk)
    assert entry.new["subject"] == "bob" and entry.new["signal_id"] == filed.signal_id
    assert entry.snapshot == {"description": "Rude."}


def test_tickets_are_limited_per_hour_with_retry_after(alice, api, settings):
    settings.HAVEN_TICKETS_PER_HOUR = 2
    client = api(alice)
    assert ticket(client, topic="account").status_code == 201
    assert ticket(client, topic="account").status_code == 201
    response = ticket(client, topic="account")
    assert_error(response, 429, code="rate_limited")
    assert int(response["Retry-After"]) > 0
    assert Ticket.objects.count() == 2


def test_filing_needs_sign_in(bob, api):
    assert_signed_out_refused(ticket(api(), about="bob"))
    assert_signed_out_refused(api().get("/support/tickets"))
