"""Changing a password and resetting a forgotten one (haven.members.passwords): the new
password ends every other session and every API token, the member is told, and the
reset form never says whether an address has an account."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from haven.audit.models import AuditEntry
from haven.conftest import PASSWORD
from haven.core.tests.api_helpers import assert_error, assert_signed_out_refused

pytestmark = pytest.mark.django_db

NEW = "a brand new passphrase 42"


def _signed_in(member) -> Client:
    """A browser that signed in through the sign-in page (a real session)."""
    browser = Client()
    assert (
        browser.post("/signin", {"username": member.username, "password": PASSWORD}).status_code
        == 302
    )
    return browser


def _is_signed_in(browser: Client) -> bool:
    return browser.get("/settings").status_code == 200


def _reset_link(message) -> str:
    return re.search(r"https?://\S+(/password-reset/\S+/\S+)", message.body).group(1)


def _main(page) -> str:
    """What the page says, without the per-request tokens (CSRF, CSP nonce)."""
    text = page.content.decode()
    return re.search(r"<main.*</main>", text, re.S).group(0)


# Change


def test_changing_the_password_ends_other_sessions_and_every_token(
    api, alice, django_capture_on_commit_callbacks
):
    here, elsewhere = _signed_in(alice), _signed_in(alice)
    old_token = api(alice)
    assert old_token.get("/me").status_code == 200  # cached in the token cache
    with django_capture_on_commit_callbacks(execute=True):
        page = here.post("/settings/password", {"current_password": PASSWORD, "new_password": NEW})
    assert page.status_code == 302
    assert _is_signed_in(here)  # the browser that changed it stays signed in
    assert not _is_signed_in(elsewhere)
    assert_signed_out_refused(old_token.get("/me"))
    assert Client().post("/signin", {"username": "alice", "password": NEW}).status_code == 302
    [notice] = mail.outbox
    assert notice.to == [alice.email] and "password was changed" in notice.subject
    assert AuditEntry.objects.filter(event="password_change").count() == 1


def test_the_api_change_answers_with_a_new_token(api, alice):
    client = api(alice)
    reply = client.put("/me/password", {"current_password": PASSWORD, "new_password": NEW})
    assert reply.status_code == 200
    assert_signed_out_refused(client.get("/me"))  # the token it was called with ended too
    fresh = reply.json()["token"]
    assert client.get("/me", HTTP_AUTHORIZATION=f"Bearer {fresh}").status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"current_password": "not it", "new_password": NEW}, "current_password"),
        ({"current_password": PASSWORD, "new_password": "123"}, "new_password"),
        ({"current_password": PASSWORD, "new_password": "password"}, "new_password"),
        ({"current_password": PASSWORD, "new_password": PASSWORD}, "new_password"),
    ],
    ids=["wrong-current", "too-short", "common", "unchanged"],
)
def test_a_change_is_refused_with_the_field_named_and_nothing_changes(api, web, alice, body, field):
    client = api(alice)
    assert_error(client.put("/me/password", body), 400, field=field)
    assert client.get("/me").status_code == 200  # the token still works
    page = web(alice).post("/settings/password", body)
    assert page.status_code == 400 and page.context["form"].errors[field]
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)
    assert not AuditEntry.objects.filter(event="password_change").exists()


def test_guessing_the_current_password_is_limited(api, alice):
    client = api(alice)
    wrong = {"current_password": "guess", "new_password": NEW}
    for _ in range(10):
        assert_error(client.put("/me/password", wrong), 400)
    reply = client.put("/me/password", wrong)
    assert_error(reply, 429)
    assert int(reply["Retry-After"]) > 0


def test_changing_needs_sign_in(api):
    assert_signed_out_refused(
        api().put("/me/password", {"current_password": "x", "new_password": NEW})
    )
    assert Client().get("/settings/password")["Location"].startswith("/signin")


# Reset


def test_a_reset_link_sets_a_new_password_and_ends_every_session_and_token(
    api, alice, client, django_capture_on_commit_callbacks
):
    browser, token = _signed_in(alice), api(alice)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post("/password-reset", {"email": alice.email.upper()})
    assert (
        page.status_code == 200 and "If a Haven account uses that address" in page.content.decode()
    )
    [message] = mail.outbox
    assert message.to == [alice.email]
    link = _reset_link(message)
    assert client.get(link).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(link, {"new_password": NEW})
    assert done["Location"] == "/signin"
    assert not _is_signed_in(browser)
    assert_signed_out_refused(token.get("/me"))
    assert Client().post("/signin", {"username": "alice", "password": NEW}).status_code == 302
    assert AuditEntry.objects.filter(event="password_reset").count() == 1
    assert "password was changed" in mail.outbox[-1].subject
    # The link works once.
    again = client.get(link)
    assert again.status_code == 400 and "expired or was already used" in again.content.decode()


def test_the_answer_is_the_same_for_an_address_without_an_account(api, alice, client):
    known = client.post("/password-reset", {"email": alice.email})
    unknown = client.post("/password-reset", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert _main(known) == _main(unknown)
    assert api().post("/auth/password-reset", {"email": "nobody@example.org"}).status_code == 202
    assert api().post("/auth/password-reset", {"email": alice.email}).status_code == 202


def test_the_api_resets_with_the_links_uid_and_token(
    api, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert api().post("/auth/password-reset", {"email": alice.email}).status_code == 202
    uid, token = _reset_link(mail.outbox[0]).rsplit("/", 2)[1:]
    weak = {"uid": uid, "token": token, "new_password": "123"}
    assert_error(api().post("/auth/password-reset/confirm", weak), 400, field="new_password")
    body = {"uid": uid, "token": token, "new_password": NEW}
    assert api().post("/auth/password-reset/confirm", body).status_code == 204
    assert_error(api().post("/auth/password-reset/confirm", body), 400, field="token")


@pytest.mark.parametrize(("uid", "token"), [("MQ", "nope"), ("!!", "x-y"), ("", "")])
def test_a_forged_link_is_refused(api, alice, uid, token):
    body = {"uid": uid, "token": token, "new_password": NEW}
    assert_error(api().post("/auth/password-reset/confirm", body), 400, field="token")
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_asking_for_links_is_limited(api, alice):
    for _ in range(3):
        assert api().post("/auth/password-reset", {"email": alice.email}).status_code == 202
    reply = api().post("/auth/password-reset", {"email": alice.email})
    assert_error(reply, 429)
    assert int(reply["Retry-After"]) > 0


def test_signing_in_gives_a_new_session_key(alice):
    browser = Client()
    before = browser.session.session_key  # a session from before signing in (its cookie set)
    assert before and browser.cookies["sessionid"].value == before
    browser.post("/signin", {"username": "alice", "password": PASSWORD})
    assert browser.cookies["sessionid"].value != before  # a fixated key is useless
    assert _is_signed_in(browser)
