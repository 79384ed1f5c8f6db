"""The classifier on what members write (issue 13, item 3): a message, post, comment or
share that looks abusive raises an automated signal on its author's case, with the
frozen item and what the classifier saw; a learner's question raises nothing; and a
signal never punishes or tells anyone."""

from __future__ import annotations

import pytest

from haven.audit.log import first_broken
from haven.automod import tasks
from haven.community.actions import create_post
from haven.conftest import make_member
from haven.friends.actions import accept_friend_request, send_friend_request
from haven.moderation.models import Case, Signal
from haven.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def diego(db):
    return make_member("diego", native=("es",), learning=("en",))


def _case(member) -> Case | None:
    """The case about what `member` wrote (its item's case, as for a flag)."""
    return Case.objects.filter(subject=member).first()


def _file(api, staff, member) -> dict:
    case = _case(member)
    assert case is not None, f"no case about {member.username}"
    return api(staff).get(f"/staff/cases/{case.pk}").json()


def test_an_insult_in_spanish_reaches_the_queue_with_frozen_evidence(api, diego, alice, mia):
    sent = api(diego).post("/chats", {"username": "alice", "body": "eres un pendejo de mierda"})
    assert sent.status_code == 201  # delivered: chat messages are never held

    queue = api(mia).get("/staff/cases").json()["items"]
    assert [(c["subject"]["username"], c["target"]["type"]) for c in queue] == [
        ("diego", "message")
    ]
    file = _file(api, mia, diego)
    [signal] = file["signals"]
    assert signal["kind"] == "automated" and signal["reporter"] is None
    assert signal["category"]["slug"] == "harassment"
    kinds = {e["kind"]: e for e in file["evidence"]}
    assert kinds["message"]["payload"]["text"] == "eres un pendejo de mierda"
    seen = kinds["pattern"]["payload"]
    assert seen["pattern"] == "classifier" and seen["label"] == "harassment"
    assert seen["score"] >= 0.6
    assert any("pendejo" in span["text"] for span in seen["spans"])
    assert all(e["verified"] for e in file["evidence"])
    assert first_broken() is None


def test_a_crypto_pitch_in_portuguese_is_a_scam_signal(api, diego, alice, mia):
    pitch = ("Oi! Ganho 2000 reais por semana com investimento em bitcoin, me chama no "
             "WhatsApp +55 11 91234-5678 que te coloco no grupo")  # fmt: skip
    assert api(diego).post("/chats", {"username": "alice", "body": pitch}).status_code == 201
    [signal] = _file(api, mia, diego)["signals"]
    assert signal["category"]["slug"] == "scam"


def test_one_pitch_to_several_members_is_one_case_and_every_recipient_is_warned(
    api, diego, alice, bob, carol
):
    pitch = ("Oi! Ganho 2000 reais por semana com investimento em bitcoin, me chama no "
             "WhatsApp +55 11 91234-5678 que te coloco no grupo")  # fmt: skip
    for member in (alice, bob, carol):
        sent = api(diego).post("/chats", {"username": member.username, "body": pitch})
        assert sent.status_code == 201
    assert Case.objects.filter(subject=diego).count() == 1  # not one per copy
    for member in (alice, bob, carol):
        chat = api(member).get("/chats").json()["items"][0]["id"]
        [seen] = api(member).get(f"/chats/{chat}/messages").json()["items"]
        assert seen["haven_warning"] == "scam", member.username


def test_a_learner_asking_what_a_swear_word_means_raises_nothing(api, diego, alice):
    question = "¿Qué significa «gilipollas»? Lo oí en una serie y no sé si es muy fuerte"
    assert api(diego).post("/chats", {"username": "alice", "body": question}).status_code == 201
    asked = {"space": "answers", "title": "Is 'baka' rude?", "body": "What does 'baka' mean?"}
    assert api(alice).post("/posts", asked).status_code == 201
    assert Case.objects.count() == 0


def test_a_threat_in_a_comment_cites_violence_and_freezes_the_comment(api, alice, bob, mia):
    post = create_post(actor=alice, space="discussions", title="Hello", body="Say hi")
    said = api(bob).post(f"/posts/{post.pk}/comments", {"body": "I know where you live"})
    assert said.status_code == 201
    file = _file(api, mia, bob)
    assert [s["category"]["slug"] for s in file["signals"]] == ["violence"]
    frozen = next(e for e in file["evidence"] if e["kind"] == "comment")
    assert frozen["payload"]["text"] == "I know where you live"


def test_an_edit_is_read_again_but_the_same_words_count_once(api, alice, mia):
    made = api(alice).post("/posts", {"space": "discussions", "title": "Hi", "body": "Hello all"})
    post = made.json()["id"]
    assert _case(alice) is None
    api(alice).patch(f"/posts/{post}", {"body": "you are all fucking idiots"})
    api(alice).patch(f"/posts/{post}", {"body": "you are all fucking idiots"})  # same words
    assert Signal.objects.filter(case__subject=alice).count() == 1
    tasks.check_text.enqueue("post", post)  # a retry of the check
    assert Signal.objects.filter(case__subject=alice).count() == 1


def test_banter_between_friends_counts_for_less(api, alice, bob):
    accept_friend_request(actor=bob, request=send_friend_request(actor=alice, target=bob))
    assert (
        api(alice).post("/chats", {"username": "bob", "body": "shut up idiot lol"}).status_code
        == 201
    )
    assert _case(alice) is None  # a stranger sending the same would raise a signal
    carol = make_member("carola")
    api(carol).post("/chats", {"username": "bob", "body": "shut up idiot lol"})
    assert _case(carol) is not None


def test_a_signal_never_punishes_or_tells_anyone(api, diego, alice):
    api(diego).post("/chats", {"username": "alice", "body": "te voy a matar"})
    assert _case(diego) is not None
    diego.refresh_from_db()
    assert not diego.is_suspended() and not diego.is_restricted()
    assert not Notification.objects.filter(member__in=[diego, alice]).exists()
    assert api(diego).get("/chats").json()["items"]  # the chat goes on


def _act(api, moderator, case, action):
    case.refresh_from_db()
    api(moderator).post(f"/staff/cases/{case.pk}/claim", {"version": case.version})
    case.refresh_from_db()
    body = {"action": action, "category": "harassment", "reason": "Checked.",
            "version": case.version}  # fmt: skip
    return api(moderator).post(f"/staff/cases/{case.pk}/actions", body)


def test_a_public_post_past_its_spaces_hold_score_waits_for_a_moderator(api, alice, bob, mia):
    insult = "alice is a fucking idiot and a stupid bitch"
    made = api(bob).post("/posts", {"space": "discussions", "title": "Alice", "body": insult})
    post = made.json()["id"]
    assert api(alice).get(f"/posts/{post}").status_code == 404  # held: only bob sees it
    assert api(bob).get(f"/posts/{post}").json()["under_review"] is True
    [told] = Notification.objects.filter(member=bob)
    assert told.title == "Your post is held for review"
    assert "it looks like Bullying or harassment to Haven" in told.body
    # Dismissing the case shows it again, as for content flags hid.
    assert _act(api, mia, _case(bob), "dismiss").status_code == 201
    assert api(alice).get(f"/posts/{post}").status_code == 200


def test_below_the_hold_score_a_post_stays_up(api, bob, alice):
    made = api(bob).post("/posts", {"space": "discussions", "title": "Hmm",
                                     "body": "you are stupid"})  # fmt: skip
    assert _case(bob) is not None  # a signal…
    assert api(alice).get(f"/posts/{made.json()['id']}").status_code == 200  # …not a hold


def test_chat_messages_are_never_held_and_the_recipient_is_warned(api, web, diego, alice):
    api(diego).post("/chats", {"username": "alice", "body": "eres un pendejo de mierda"})
    chat = api(alice).get("/chats").json()["items"][0]["id"]
    [seen] = api(alice).get(f"/chats/{chat}/messages").json()["items"]
    assert seen["haven_warning"] == "harassment" and seen["under_review"] is False
    [sent] = api(diego).get(f"/chats/{chat}/messages").json()["items"]
    assert sent["haven_warning"] is None  # the sender is not told

    page = web(alice).get(f"/chats/{chat}").content.decode()
    assert "Haven thinks this message may be abusive." in page
    report = f"/u/diego/report?message={seen['id']}&amp;category=harassment"
    assert report in page and "/u/diego/block" in page
    assert "may be abusive" not in web(diego).get(f"/chats/{chat}").content.decode()

    form = web(alice).get(report.replace("&amp;", "&")).content.decode()
    assert 'value="harassment" selected' in form  # one click: category and message chosen
