"""Text that is not Unicode (a lone surrogate) is refused with a field message, never a 500.

JSON lets a client write `"\\ud800"`, which decodes to half a UTF-16 pair: not a
character, and fatal to anything that encodes it (the rate limiter's cache key,
the database driver). Every JSON body is checked once, in the API's parser.
"""

from __future__ import annotations

import json

import pytest
from django.test.client import encode_multipart

from haven.chats.actions import start_chat
from haven.chats.models import Message
from haven.community.actions import create_post, share
from haven.core.errors import Invalid, require_text
from haven.core.ratelimit import limit
from haven.core.tests.api_helpers import assert_error

pytestmark = pytest.mark.django_db

LONE = "\ud800"


def _raw(client, method: str, path: str, body: str):
    """Send a JSON body as written (json.dumps would escape the surrogate the same way)."""
    return getattr(client.client, method)(
        "/api/v1" + path, body, content_type="application/json", **client.headers
    )


def _assert_refused(response, field: str) -> None:
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "surrogate" in error["fields"][field][0]


def test_signing_in_with_a_lone_surrogate_is_a_400_even_signed_out(api, alice):
    response = _raw(api(), "post", "/auth/token", '{"username": "\\ud800", "password": "x"}')
    _assert_refused(response, "username")


def test_every_write_refuses_a_lone_surrogate_with_the_field_named(api, alice, bob):
    post = create_post(actor=bob, space="answers", title="A question", body="Body")
    bobs_share = share(actor=bob, text="Bob's status")
    chat, _ = start_chat(actor=alice, target=bob, body="Hello")
    client = api(alice)
    writes = [
        ("patch", "/me", {"display_name": LONE}, "display_name"),
        ("post", "/posts", {"space": "answers", "title": "T", "body": f"a{LONE}b"}, "body"),
        ("post", f"/posts/{post.pk}/comments", {"body": LONE}, "body"),
        ("post", "/timeline", {"text": LONE}, "text"),
        ("post", f"/timeline/{bobs_share.pk}/comments", {"body": LONE}, "body"),
        ("post", "/reports", {"username": "bob", "category": "spam", "details": LONE}, "details"),
        ("post", "/support/tickets", {"topic": "other", "description": LONE}, "description"),
        (
            "post",
            "/flags",
            {"target_type": "post", "target_id": post.pk, "category": "spam", "details": LONE},
            "details",
        ),
        ("post", f"/chats/{chat.pk}/messages", {"body": LONE}, "body"),
        ("post", "/chats", {"username": LONE, "body": "hi"}, "username"),
        ("post", "/reports", {"username": "bob", "category": "spam", "links": [LONE]}, "links.0"),
    ]
    for method, path, body, field in writes:
        response = getattr(client, method)(path, body)
        _assert_refused(response, field)
    # Nothing was written by any of them.
    assert bob.posts.count() == 1 and Message.objects.filter(chat=chat).count() == 1


def test_a_surrogate_in_a_key_is_refused_too(api, alice):
    response = _raw(api(alice), "patch", "/me", '{"\\udfff": "x"}')
    _assert_refused(response, "__all__")


def test_nul_characters_keep_their_own_message(api, alice):
    response = api(alice).post("/posts", {"space": "answers", "title": "a\x00b", "body": "x"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["title"] == ["Text may not contain NUL characters."]


def test_actions_refuse_a_lone_surrogate_whoever_calls_them():
    with pytest.raises(Invalid) as refused:
        require_text("body", f"hi {LONE}", max_length=100, label="Message")
    assert refused.value.fields == {
        "body": ["Message is not valid text (it holds a lone surrogate)."]
    }
    assert require_text("body", " ok 🎌 ", max_length=100) == "ok 🎌"


def test_rate_limit_keys_are_hashed_whatever_the_input_holds():
    limit("test", LONE, max_hits=1, window=60, message="slow down")  # no UnicodeEncodeError


def test_forms_never_see_a_surrogate(client, web, alice):
    """Form bodies are bytes: Django decodes broken UTF-8 (what a surrogate encodes to)
    as U+FFFD, so a page answers with its form, not a 500."""
    body = "username=%ED%A0%80&password=x"
    response = client.post("/signin", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    response = web(alice).get("/members?q=%ED%A0%80")
    assert response.status_code == 200


# Bodies over the limit (issue 12): a 413 saying so, never a bare 400 page.


@pytest.mark.parametrize("path", ["/reports", "/auth/signup", "/posts"])
def test_an_api_body_over_the_limit_is_a_413(api, alice, path):
    big = json.dumps({"details": "x" * 3_000_000})
    error = assert_error(api(alice).post(path, big), 413, code="too_large")
    assert "2.5 MB" in error["message"]


def test_a_page_form_over_the_limit_is_a_413(web, alice):
    page = web(alice).post("/support", {"description": "x" * 3_000_000})
    assert page.status_code == 413 and b"too large" in page.content


def test_a_multipart_body_over_its_limit_is_a_413(api, alice):
    body = encode_multipart("BoUnDaRy", {"file": ("x" * (13 * 1024 * 1024))})
    reply = api(alice).client.post(
        "/api/v1/uploads", body, content_type="multipart/form-data; boundary=BoUnDaRy",
        **api(alice).headers,
    )  # fmt: skip
    assert_error(reply, 413, code="too_large")


def test_malformed_json_and_wrong_types_are_400s_naming_the_fields(api, alice):
    client = api(alice)
    malformed = assert_error(client.post("/reports", '{"username": "bob",'), 400)
    assert "not valid JSON" in malformed["fields"]["__all__"][0]
    typed = client.post("/reports", '{"username": "bob", "category": 5, "details": ["a"]}')
    assert set(assert_error(typed, 400, code="invalid")["fields"]) == {"category", "details"}


def test_a_query_parameter_given_twice_is_refused_not_read_as_the_last(api, alice):
    """Schemathesis found ?language=en&language=fr answered 200 (Ninja kept the last)."""
    twice = api(alice).get("/help/articles?language=en&language=fr")
    assert assert_error(twice, 400)["fields"] == {"language": ["Give this parameter once."]}
    assert api(alice).get("/help/articles?language=en").status_code == 200


@pytest.mark.parametrize("body", ["[null, null]", "[]", "42", '"text"', "null"])
def test_a_body_that_is_not_a_json_object_is_refused_not_read_as_empty(api, alice, body):
    error = assert_error(api(alice).patch("/me", body), 400)
    assert error["fields"]["__all__"] == ["The body must be a JSON object."]
    assert_error(api(alice).put("/me/privacy", body), 400)


@pytest.mark.parametrize("value", [0, 1, "true", "no", ""])
def test_a_yes_or_no_field_takes_only_true_or_false(api, alice, value):
    client = api(alice)
    assert_error(client.put("/me/privacy", {"searchable": value}), 400, field="searchable")
    assert client.get("/me/privacy").json()["searchable"] is True  # unchanged
