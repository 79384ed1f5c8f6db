"""Automated protection: patterns raise a case for staff and never punish on their own."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from haven.audit.log import first_broken
from haven.chats.actions import start_chat
from haven.chats.fingerprints import fingerprint
from haven.chats.models import Message
from haven.conftest import make_member
from haven.core.tests.api_helpers import assert_error
from haven.members import token_cache
from haven.moderation.models import Case
from haven.notifications.models import Notification

PITCH = "Cheap essay writing service, visit essays-now.example today!"


@pytest.fixture(autouse=True)
def _contact_limits_above_the_thresholds(settings):
    # These tests reach the spam threshold (10 recipients) within a minute, past the
    # contact limits every member has (haven.safety.limits).
    settings.HAVEN_NEW_CHATS_PER_HOUR = 100
    settings.HAVEN_MESSAGES_PER_MINUTE = 100


@pytest.fixture
def spammer(db):
    return make_member("spammy")


@pytest.fixture
def strangers(db):
    return [make_member(f"learner{n}") for n in range(11)]


def _pitch(api, sender, members, text=PITCH):
    client = api(sender)
    for member in members:
        response = client.post("/chats", {"username": member.username, "body": text})
        assert response.status_code == 201, response.content


def _member_case(member):
    return Case.objects.filter(target_type="member", target_id=member.pk).first()


def test_the_same_message_to_many_members_raises_one_spam_case(
    api, spammer, strangers, mia, ada, web
):
    _pitch(api, spammer, strangers[:9])
    assert _member_case(spammer) is None  # nine is below the threshold of ten

    # Case and spacing do not make a different message.
    _pitch(api, spammer, strangers[9:10], text="  cheap ESSAY writing  service,\n " + PITCH[29:])
    case = _member_case(spammer)
    assert case is not None and case.status == "open"
    file = api(mia).get(f"/staff/cases/{case.pk}").json()
    [signal] = file["signals"]
    assert signal["kind"] == "automated"
    assert signal["reporter"] is None
    assert signal["category"]["slug"] == "spam"
    [evidence] = file["evidence"]
    assert evidence["kind"] == "pattern" and evidence["verified"]
    assert evidence["payload"]["summary"] == "Sent the same message to 10 members within 24 hours."
    recipients = {item["to"]["username"] for item in evidence["payload"]["items"]}
    assert recipients == {m.username for m in strangers[:10]}
    # Its weight: severity 10 × 2 (spam) + 5 for the automated signal, plus age.
    assert file["case"]["priority"] == pytest.approx(25, abs=0.2)

    page = web(mia).get(f"/staff/cases/{case.pk}").content.decode()
    assert "by Haven" in page
    assert "Sent the same message to 10 members within 24 hours." in page
    assert "learner3" in page

    # Neither the eleventh recipient nor copies to members already counted pile more
    # signals on the same text (each would bump the case version under the moderator).
    _pitch(api, spammer, strangers[10:])
    _pitch(api, spammer, strangers[:5])
    case.refresh_from_db()
    assert case.signal_count == 1

    audit = api(ada).get("/staff/audit", {"event": "automated_signal"}).json()["items"]
    assert [a["target_label"].split()[0] for a in audit] == ["spammy"]
    assert audit[0]["actor_label"] == "system"
    assert first_broken() is None


def test_an_automated_signal_never_punishes_or_tells_the_sender(api, spammer, strangers):
    _pitch(api, spammer, strangers)
    assert _member_case(spammer) is not None
    spammer.refresh_from_db()
    assert not spammer.is_suspended() and not spammer.is_restricted()
    assert not Notification.objects.filter(member=spammer).exists()
    # every message was delivered, the one that tripped the detector included
    for member in strangers:
        assert PITCH in str(api(member).get("/chats").json())


def test_short_or_different_messages_raise_nothing(api, spammer, strangers):
    _pitch(api, spammer, strangers, text="Hello! Nice to meet")  # 19 characters
    for n, member in enumerate(strangers):
        _pitch(api, spammer, [member], text=f"{PITCH} ({n})")
    assert _member_case(spammer) is None


def test_messages_older_than_the_window_do_not_count(api, spammer, strangers):
    _pitch(api, spammer, strangers[:9])
    Message.objects.filter(sender=spammer).update(created_at=timezone.now() - timedelta(hours=25))
    _pitch(api, spammer, strangers[9:10])
    assert _member_case(spammer) is None


def test_copies_sent_at_the_same_moment_past_the_threshold_still_raise_it(api, spammer, strangers):
    # Two sends at once may each count one short (9 and 9, then 11): the next new
    # recipient at or past the threshold raises it.
    _pitch(api, spammer, strangers[:9])
    chat = start_chat(actor=strangers[9], target=spammer, body="Hello there")[0]
    Message.objects.create(chat=chat, sender=spammer, body=PITCH, fingerprint=fingerprint(PITCH))
    assert _member_case(spammer) is None  # that copy went in without the detector
    _pitch(api, spammer, strangers[10:])
    assert _member_case(spammer).signal_count == 1


@override_settings(HAVEN_SPAM_RECIPIENTS=3)
def test_the_threshold_comes_from_the_settings(api, spammer, strangers):
    _pitch(api, spammer, strangers[:3])
    assert _member_case(spammer).signal_count == 1


def test_friend_requests_after_two_declines_raise_a_harassment_case(api, alice, bob, mia, web):
    def ask_and_decline():
        sent = api(bob).post("/friend-requests", {"username": "alice"})
        assert sent.status_code == 201
        declined = api(alice).post(f"/friend-requests/{sent.json()['id']}/decline")
        assert declined.status_code == 200

    ask_and_decline()
    ask_and_decline()
    assert _member_case(bob) is None  # declining twice is the member's right, not a pattern

    assert api(bob).post("/friend-requests", {"username": "alice"}).status_code == 201
    case = _member_case(bob)
    file = api(mia).get(f"/staff/cases/{case.pk}").json()
    [signal] = file["signals"]
    assert (signal["kind"], signal["category"]["slug"]) == ("automated", "harassment")
    [evidence] = file["evidence"]
    assert evidence["payload"]["to"]["username"] == "alice"
    assert len(evidence["payload"]["items"]) == 2
    assert "after 2 were declined" in web(mia).get(f"/staff/cases/{case.pk}").content.decode()

    # Persistence keeps raising the same case: each further request after a decline.
    pending = api(alice).get("/friend-requests").json()["items"][0]["id"]
    api(alice).post(f"/friend-requests/{pending}/decline")
    api(bob).post("/friend-requests", {"username": "alice"})
    case.refresh_from_db()
    assert case.signal_count == 2
    # and the member who declined is never told anything about it
    assert not Notification.objects.filter(member=alice).exists()


def test_the_spam_check_costs_the_request_one_insert_and_runs_on_the_worker(
    api, settings, spammer, strangers, count_queries
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = api(spammer)
    client.post("/chats", {"username": strangers[0].username, "body": "Hi"})
    chat = client.get("/chats").json()["items"][0]["id"]
    with count_queries() as short:
        client.post(f"/chats/{chat}/messages", {"body": "Hi again"})
    with count_queries() as long:
        client.post(f"/chats/{chat}/messages", {"body": PITCH})
    # every message enqueues its one check (the classifier reads short ones too)
    assert len(long) == len(short)
    for captured in (short, long):
        [enqueued] = [q for q in captured if "django_tasks_database_dbtaskresult" in q["sql"]]
        assert enqueued["sql"].startswith("INSERT")
    queued = DBTaskResult.objects.filter(task_path__endswith="check_message")
    assert {r.status for r in queued} == {"READY"} and queued.count() == 3  # + the opening one


# ---------------------------------------------------------------- new accounts


@override_settings(HAVEN_NEW_ACCOUNT_CONTACTS=3)
def test_a_new_account_contacts_so_many_strangers_a_day_then_429_and_one_signal(
    api, web, strangers, mia
):
    newbie = make_member("newbie")
    client = api(newbie)
    for member in strangers[:2]:
        assert (
            client.post("/chats", {"username": member.username, "body": "Hi!"}).status_code == 201
        )
    assert client.post("/friend-requests", {"username": strangers[2].username}).status_code == 201

    refused = client.post("/chats", {"username": strangers[3].username, "body": "Hi!"})
    error = assert_error(refused, 429, code="rate_limited")
    assert int(refused["Retry-After"]) > 0
    assert "New accounts can contact up to 3 members" in error["message"]
    assert_error(client.post("/friend-requests", {"username": strangers[4].username}), 429)
    page = web(newbie).post(f"/chats/new/{strangers[5].username}", {"body": "Hi!"})
    assert page.status_code == 429 and "try again tomorrow" in page.content.decode()
    assert not Message.objects.filter(chat__member_high__in=strangers[3:6]).exists()

    # Chats already started go on (friends: the next test).
    chat = client.get("/chats").json()["items"][0]["id"]
    assert client.post(f"/chats/{chat}/messages", {"body": "Still here"}).status_code == 201

    # One automated signal for the day, however many refusals.
    case = _member_case(newbie)
    file = api(mia).get(f"/staff/cases/{case.pk}").json()
    [signal] = file["signals"]
    assert (signal["kind"], signal["category"]["slug"]) == ("automated", "spam")
    assert "tried to contact more than 3 members" in file["evidence"][0]["payload"]["summary"]


@override_settings(HAVEN_NEW_ACCOUNT_CONTACTS=2)
def test_a_failed_or_accepting_request_uses_up_no_contact(api, alice, bob, carol, strangers):
    client = api(alice)  # a new account
    assert client.post("/friend-requests", {"username": "bob"}).status_code == 201
    for _ in range(3):  # double clicks: 409, not counted
        assert_error(client.post("/friend-requests", {"username": "bob"}), 409)
    assert api(carol).post("/friend-requests", {"username": "alice"}).status_code == 201
    accepted = client.post("/friend-requests", {"username": "carol"})  # accepts hers
    assert accepted.json()["status"] == "accepted"
    assert (
        client.post("/chats", {"username": strangers[0].username, "body": "Hi"}).status_code == 201
    )
    assert_error(client.post("/chats", {"username": strangers[1].username, "body": "Hi"}), 429)
    assert _member_case(alice).signal_count == 1


@override_settings(HAVEN_NEW_ACCOUNT_CONTACTS=1)
def test_friends_and_older_accounts_are_not_limited(api, alice, bob, carol, strangers):
    from haven.friends.actions import _befriend

    _befriend(alice, bob)
    _befriend(alice, carol)
    client = api(alice)  # a new account: alice joined just now
    assert client.post("/chats", {"username": "bob", "body": "Hi"}).status_code == 201
    assert client.post("/chats", {"username": "carol", "body": "Hi"}).status_code == 201

    alice.__class__.objects.filter(pk=alice.pk).update(
        date_joined=timezone.now() - timedelta(days=4)
    )
    token_cache.forget_member(alice.pk)  # days passed: her token's cached member with them
    for member in strangers[:3]:
        response = client.post("/chats", {"username": member.username, "body": "Hi"})
        assert response.status_code == 201
    assert _member_case(alice) is None
