"""Evidence is frozen at filing time: editing or deleting the original never changes it."""

import hashlib
import json

import pytest
from django.db.models import ProtectedError

from haven.chats import actions as chat_actions
from haven.chats.models import Message
from haven.community import actions as community
from haven.community.models import Share
from haven.safety import evidence as frozen
from haven.safety.models import Evidence, Upload
from haven.safety.reports import EvidenceRef, file_report
from haven.safety.tests.upload_helpers import image_bytes, named
from haven.safety.uploads import store_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def report_with(alice, bob, *refs, links=()):
    report = file_report(
        actor=alice,
        subject=bob,
        category="harassment",
        evidence=[EvidenceRef(type=kind, id=pk) for kind, pk in refs],
        links=links,
    )
    return list(report.evidence.order_by("id"))


def fresh(item: Evidence) -> tuple[dict, str]:
    item = Evidence.objects.get(pk=item.pk)
    assert frozen.verify(item)
    return item.payload, item.sha256


def test_a_message_copy_keeps_ten_messages_either_side_after_the_harasser_deletes_them(alice, bob):
    chat, _ = chat_actions.start_chat(actor=bob, target=alice, body="message 0")
    for i in range(1, 25):
        sender = bob if i % 2 == 0 else alice
        chat_actions.send_message(actor=sender, chat=chat, body=f"message {i}")
    target = Message.objects.get(body="message 12")
    target_id = target.pk
    (item,) = report_with(alice, bob, ("message", target_id))
    payload, digest = fresh(item)
    assert payload["text"] == "message 12" and payload["author"]["username"] == "bob"
    assert [m["text"] for m in payload["before"]] == [f"message {i}" for i in range(2, 12)]
    assert [m["text"] for m in payload["after"]] == [f"message {i}" for i in range(13, 23)]

    Message.objects.filter(chat=chat).update(body="nothing to see here")
    assert fresh(item) == (payload, digest)
    chat_actions.delete_message(actor=bob, message=target)  # the harasser takes it back
    assert fresh(item) == (payload, digest)
    Message.objects.filter(chat=chat).delete()  # even every row gone behind the app's back
    assert fresh(item) == (payload, digest)
    assert item.source_id == target_id


def test_a_post_copy_survives_the_author_editing_then_deleting_it(alice, bob):
    post = community.create_post(
        actor=bob, space="discussions", title="You all suck", body="Original words"
    )
    (item,) = report_with(alice, bob, ("post", post.pk))
    payload, digest = fresh(item)
    assert (payload["title"], payload["text"]) == ("You all suck", "Original words")
    community.edit_post(actor=bob, post=post, title="Hello", body="Nice words")
    assert fresh(item) == (payload, digest)
    community.delete_post(actor=bob, post=post)
    assert fresh(item) == (payload, digest)


def test_a_comment_copy_survives_the_author_editing_then_deleting_it(alice, bob, carol):
    post = community.create_post(actor=carol, space="answers", title="Help?", body="Question")
    comment = community.add_comment(actor=bob, post=post, body="Hateful answer")
    (item,) = report_with(alice, bob, ("comment", comment.pk))
    payload, digest = fresh(item)
    assert payload["text"] == "Hateful answer" and payload["post_id"] == post.pk
    community.edit_comment(actor=bob, comment=comment, body="Kind answer")
    assert fresh(item) == (payload, digest)
    community.delete_comment(actor=bob, comment=comment)
    assert fresh(item) == (payload, digest)


def test_a_share_copy_survives_the_author_changing_then_deleting_it(alice, bob):
    share = community.share(actor=bob, text="alice is a liar")
    (item,) = report_with(alice, bob, ("share", share.pk))
    payload, digest = fresh(item)
    assert payload["text"] == "alice is a liar"
    Share.objects.filter(pk=share.pk).update(text="edited")  # shares have no edit; the row can
    assert fresh(item) == (payload, digest)
    community.delete_share(actor=bob, share=share)
    assert fresh(item) == (payload, digest)


def test_a_link_is_stored_as_its_own_payload_and_hashes_the_same_every_time(alice, bob, carol):
    url = "https://elsewhere.example/bob/post/1"
    (item,) = report_with(alice, bob, links=[url])
    payload, digest = fresh(item)
    assert item.kind == Evidence.Kind.LINK and payload == {"url": url}
    (again,) = report_with(carol, bob, links=[url])
    assert fresh(again) == (payload, digest)


def test_a_screenshot_pins_the_upload_and_its_hash_and_the_upload_cannot_be_deleted(alice, bob):
    upload = store_upload(actor=alice, file=named(image_bytes(), "lesson.png"))
    (item,) = report_with(alice, bob, ("upload", upload.pk))
    payload, digest = fresh(item)
    assert item.kind == Evidence.Kind.SCREENSHOT and item.upload_id == upload.pk
    assert payload["sha256"] == upload.sha256 and payload["upload_id"] == upload.pk
    with upload.file.open("rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == payload["sha256"]
    Upload.objects.filter(pk=upload.pk).update(width=1, sha256="0" * 64)
    assert fresh(item) == (payload, digest)
    with pytest.raises(ProtectedError):
        Upload.objects.get(pk=upload.pk).delete()


def test_the_hash_is_sha256_over_canonical_json_so_the_same_payload_hashes_the_same():
    a = {"text": "héllo", "author": {"id": 1, "name": "Bob"}, "before": [{"id": 2}]}
    b = {"before": [{"id": 2}], "author": {"name": "Bob", "id": 1}, "text": "héllo"}
    assert frozen.canonical(a) == frozen.canonical(b)
    assert frozen.digest(a) == frozen.digest(b)
    expected = json.dumps(a, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert frozen.digest(a) == hashlib.sha256(expected.encode()).hexdigest()
    assert frozen.digest({**a, "text": "hello"}) != frozen.digest(a)


def test_every_stored_copy_verifies_after_a_database_round_trip_and_a_tampered_one_does_not(
    alice, bob
):
    chat, message = chat_actions.start_chat(actor=bob, target=alice, body="threat")
    post = community.create_post(actor=bob, space="answers", title="T", body="B")
    items = report_with(
        alice, bob, ("message", message.pk), ("post", post.pk), links=["http://x.example"]
    )
    assert len(items) == 3
    for item in Evidence.objects.filter(pk__in=[i.pk for i in items]):
        # PostgreSQL's jsonb reorders keys; the canonical form does not care.
        assert frozen.verify(item)
        assert item.sha256 == frozen.digest(item.payload)
        item.payload["text"] = "rewritten"
        assert not frozen.verify(item)


def test_a_message_context_holds_only_what_the_filer_could_see(alice, bob):
    """A message of bob's hidden for review is not shown to alice, so it is not copied
    into the context of the message she reports either."""
    from django.utils import timezone

    from haven.chats.actions import send_message, start_chat
    from haven.chats.models import Message
    from haven.safety.evidence import freeze

    chat, first = start_chat(actor=bob, target=alice, body="first")
    hidden = send_message(actor=bob, chat=chat, body="hidden for review")
    Message.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    reported = send_message(actor=bob, chat=chat, body="the reported one")
    payload = freeze("message", reported, viewer=alice)
    assert [m["text"] for m in payload["before"]] == ["first"]
    assert [m["text"] for m in freeze("message", reported)["before"]] == [
        "first",
        "hidden for review",
    ]
