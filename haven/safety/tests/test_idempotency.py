"""An `Idempotency-Key` on POST /reports and POST /flags (haven.core.idempotency): a
report or flag sent twice (a double tap, a retry after a lost answer) is filed once,
and the second request gets the first answer back."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from haven.chats.actions import start_chat
from haven.community.actions import add_comment, create_post
from haven.conftest import ApiClient, make_member
from haven.core.models import IdempotentRequest
from haven.core.tests.api_helpers import assert_error
from haven.safety.models import Flag, Report

pytestmark = pytest.mark.django_db


def _report_body(bob, alice, details="He keeps insulting me.") -> dict:
    _, message = start_chat(actor=bob, target=alice, body="You again")
    return {
        "username": "bob",
        "category": "harassment",
        "details": details,
        "evidence": [{"type": "message", "id": message.pk}],
    }


def _key(value: str) -> dict:
    return {"HTTP_IDEMPOTENCY_KEY": value}


def test_a_report_sent_twice_with_one_key_is_filed_once(api, alice, bob):
    client, body = api(alice), _report_body(bob, alice)
    first = client.post("/reports", body, **_key("report-7f3a"))
    again = client.post("/reports", body, **_key("report-7f3a"))
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Report.objects.filter(reporter=alice).count() == 1
    assert client.get("/me/reports").json()["items"][0]["id"] == first.json()["id"]


def test_without_a_key_each_request_files_a_report(api, alice, bob):
    client, body = api(alice), _report_body(bob, alice)
    assert client.post("/reports", body).status_code == 201
    assert client.post("/reports", body).status_code == 201
    assert Report.objects.filter(reporter=alice).count() == 2


def test_a_new_key_files_a_new_report(api, alice, bob):
    client, body = api(alice), _report_body(bob, alice)
    assert client.post("/reports", body, **_key("one")).status_code == 201
    assert client.post("/reports", body, **_key("two")).status_code == 201
    assert Report.objects.filter(reporter=alice).count() == 2


def test_one_key_for_a_different_request_is_refused_and_files_nothing(api, alice, bob):
    client = api(alice)
    assert client.post("/reports", _report_body(bob, alice), **_key("k1")).status_code == 201
    other = _report_body(bob, alice, details="Something else entirely.")
    assert_error(client.post("/reports", other, **_key("k1")), 422, field="Idempotency-Key")
    flag_body = {"target_type": "post", "target_id": 1, "category": "spam"}
    assert_error(client.post("/flags", flag_body, **_key("k1")), 422, field="Idempotency-Key")
    assert Report.objects.filter(reporter=alice).count() == 1


def test_keys_belong_to_their_member(api, alice, bob, carol):
    body = _report_body(bob, alice)
    assert api(alice).post("/reports", body, **_key("shared")).status_code == 201
    carols = {**body, "evidence": []}
    reply = api(carol).post("/reports", carols, **_key("shared"))
    assert reply.status_code == 201 and "Idempotent-Replayed" not in reply
    assert Report.objects.count() == 2


def test_a_request_that_failed_stored_nothing_and_can_be_retried(api, alice, bob):
    client = api(alice)
    body = {**_report_body(bob, alice), "category": "no-such-category"}
    assert_error(client.post("/reports", body, **_key("retry-me")), 400, field="category")
    assert not IdempotentRequest.objects.exists()
    fixed = {**body, "category": "harassment"}
    assert client.post("/reports", fixed, **_key("retry-me")).status_code == 201


@pytest.mark.parametrize("key", ["", "with space", "ключ", "x" * 256])
def test_a_malformed_key_is_a_400_naming_the_header(api, alice, bob, key):
    reply = api(alice).post("/reports", _report_body(bob, alice), **_key(key))
    assert_error(reply, 400, field="Idempotency-Key")
    assert not Report.objects.exists()


def test_a_key_is_kept_a_day(api, alice, bob):
    client, body = api(alice), _report_body(bob, alice)
    assert client.post("/reports", body, **_key("daily")).status_code == 201
    IdempotentRequest.objects.update(created_at=timezone.now() - timedelta(hours=25))
    again = client.post("/reports", body, **_key("daily"))
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert Report.objects.count() == 2
    assert IdempotentRequest.objects.count() == 1  # the expired one went


def test_a_flag_sent_twice_with_one_key_answers_201_both_times(api, alice, bob):
    post = create_post(actor=alice, space="discussions", title="Hi", body="x")
    comment = add_comment(actor=bob, post=post, body="Buy essays at essays.example")
    body = {"target_type": "comment", "target_id": comment.pk, "category": "spam"}
    client = api(alice)
    first = client.post("/flags", body, **_key("flag-1"))
    again = client.post("/flags", body, **_key("flag-1"))
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert_error(client.post("/flags", body), 409)  # without the key: already flagged
    assert Flag.objects.count() == 1


def test_the_api_documents_the_header():
    schema = Client().get("/api/openapi.json", follow=True).json()
    for path in ("/api/v1/reports", "/api/v1/flags"):
        operation = schema["paths"][path]["post"]
        headers = [p["name"] for p in operation["parameters"] if p["in"] == "header"]
        assert headers == ["Idempotency-Key"]
        assert "422" in operation["responses"]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serializes writers; no race to lose"
)
@pytest.mark.django_db(transaction=True)
def test_a_report_double_submitted_at_the_same_instant_is_filed_once():
    alice, bob = make_member("alice"), make_member("bob")
    client_a, client_b = ApiClient(alice), ApiClient(alice)
    body = _report_body(bob, alice)
    start = threading.Barrier(2)
    replies: list = []

    def send(client) -> None:
        try:
            start.wait(timeout=10)
            replies.append(client.post("/reports", body, **_key("double-tap")))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(c,)) for c in (client_a, client_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert [r.status_code for r in replies] == [201, 201]
    assert replies[0].json()["id"] == replies[1].json()["id"]
    assert sorted(r.get("Idempotent-Replayed", "") for r in replies) == ["", "true"]
    assert Report.objects.count() == 1
