"""A member's email address: verified through an emailed link, changed only by the member
with their password, the old address told (haven.members.addresses)."""

import html
import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail, signing

from haven.audit.models import AuditEntry
from haven.conftest import PASSWORD
from haven.core.tests.api_helpers import assert_error
from haven.members.addresses import SALT, verification_token
from haven.members.models import Member

pytestmark = pytest.mark.django_db

SIGNUP = {
    "username": "dana",
    "email": "dana@example.org",
    "password": "a long and fine passphrase",
    "native_languages": ["de"],
}


def _link(message) -> str:
    return re.search(r"https?://\S+(/verify-email/\S+)", message.body).group(1)


def _token(message) -> str:
    return _link(message).rsplit("/", 1)[1]


def test_sign_up_emails_a_link_that_verifies_the_address(
    api, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api().post("/auth/signup", SIGNUP)
    assert response.status_code == 201
    [message] = mail.outbox
    assert message.to == ["dana@example.org"]
    assert "confirm" in message.subject
    dana = api(Member.objects.get(username="dana"))
    assert dana.get("/me/email").json() == {"email": "dana@example.org", "email_verified": False}

    page = client.get(_link(message))
    assert page.status_code == 200
    assert "Your email address is verified" in page.content.decode()
    assert dana.get("/me/email").json()["email_verified"] is True
    # Opening it again is harmless.
    assert client.get(_link(message)).status_code == 200
    assert AuditEntry.objects.filter(event="email_verified").count() == 1


def test_the_web_sign_up_sends_the_link_too(client, django_capture_on_commit_callbacks):
    form = {**SIGNUP, "kind": "student", "native_languages": ["de"]}
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post("/signup", form, follow=True)
    assert "We emailed a link to dana@example.org" in page.content.decode()
    [message] = mail.outbox
    assert message.to == ["dana@example.org"]


def test_the_api_verifies_with_the_token(api, alice):
    token = verification_token(alice)
    assert api().post("/auth/email-verification", {"token": token}).status_code == 204
    alice.refresh_from_db()
    assert alice.email_verified_at is not None


@pytest.mark.parametrize("token", ["", "nonsense", "a" * 300])
def test_a_bad_token_is_a_400_on_the_token(api, token):
    assert_error(api().post("/auth/email-verification", {"token": token}), 400, field="token")


def test_a_tampered_or_forged_link_verifies_nothing(client, alice):
    tampered = signing.dumps({"m": alice.pk, "e": "other@example.org"}, salt="another salt")
    page = client.get(f"/verify-email/{tampered}")
    assert page.status_code == 400 and "expired or isn't valid" in html.unescape(page.text)
    forged = signing.dumps({"m": alice.pk, "e": alice.email}, salt=SALT, key="not the key")
    assert client.get(f"/verify-email/{forged}").status_code == 400
    alice.refresh_from_db()
    assert alice.email_verified_at is None


def test_changing_the_address_needs_the_password(api, alice):
    client = api(alice)
    response = client.put("/me/email", {"email": "new@example.org", "password": "wrong"})
    assert_error(response, 400, field="password")
    response = client.put("/me/email", {"email": "not an address", "password": "x"})
    assert_error(response, 400, field="email")
    alice.refresh_from_db()
    assert alice.email == "alice@example.org"
    assert not AuditEntry.objects.filter(event="email_change").exists()


def test_a_change_tells_the_old_address_and_asks_the_new_one_to_verify(
    api, alice, django_capture_on_commit_callbacks
):
    old_link = verification_token(alice)
    Member.objects.filter(pk=alice.pk).update(email_verified_at="2026-01-01T00:00Z")
    client = api(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.put("/me/email", {"email": "alice.new@example.org", "password": PASSWORD})
    assert response.status_code == 200, response.content
    assert response.json() == {"email": "alice.new@example.org", "email_verified": False}
    notice, link = mail.outbox
    assert notice.to == ["alice@example.org"]
    assert "a…@example.org" in notice.body and "alice.new@" not in notice.body
    assert "contact support" in notice.body
    assert link.to == ["alice.new@example.org"]
    entry = AuditEntry.objects.get(event="email_change")
    assert entry.actor_id == alice.pk
    assert entry.old == {"email": "alice@example.org"}
    assert entry.new == {"email": "alice.new@example.org"}
    # The link sent to the old address no longer verifies anything.
    assert_error(api().post("/auth/email-verification", {"token": old_link}), 400, field="token")
    assert api().post("/auth/email-verification", {"token": _token(link)}).status_code == 204


def test_the_same_address_again_is_refused(api, alice):
    response = api(alice).put("/me/email", {"email": "ALICE@example.org", "password": PASSWORD})
    assert_error(response, 400, field="email")


def test_asking_for_the_link_again(api, alice, django_capture_on_commit_callbacks):
    client = api(alice)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/me/email/verification").status_code == 204
    [message] = mail.outbox
    assert message.to == ["alice@example.org"]
    for _ in range(4):
        client.post("/me/email/verification")
    response = client.post("/me/email/verification")
    assert_error(response, 429, code="rate_limited")
    assert int(response["Retry-After"]) > 0


def test_a_verified_address_needs_no_new_link(api, alice):
    Member.objects.filter(pk=alice.pk).update(email_verified_at="2026-01-01T00:00Z")
    assert_error(api(alice).post("/me/email/verification"), 409, code="already_verified")


def test_the_email_settings_page_changes_the_address(
    web, alice, django_capture_on_commit_callbacks
):
    browser = web(alice)
    page = browser.get("/settings/email")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "alice@example.org" in text and "isn't verified yet" in text
    refused = browser.post("/settings/email", {"email": "x@example.org", "password": "nope"})
    assert refused.status_code == 400
    assert "That password isn't right." in html.unescape(refused.text)
    with django_capture_on_commit_callbacks(execute=True):
        done = browser.post(
            "/settings/email",
            {"email": "alice2@example.org", "password": PASSWORD},
            follow=True,
        )
    assert "Your email address is now alice2@example.org" in done.content.decode()
    assert [m.to for m in mail.outbox] == [["alice@example.org"], ["alice2@example.org"]]


def test_the_email_settings_page_resends_the_link(web, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        page = web(alice).post("/settings/email/verify", follow=True)
    assert "We emailed a new link to alice@example.org" in page.content.decode()
    assert len(mail.outbox) == 1


def test_links_expire_after_the_configured_days(alice, settings, client):
    token = verification_token(alice)
    settings.HAVEN_EMAIL_LINK_DAYS = 1
    later = signing.time.time() + timedelta(days=2).total_seconds()
    with mock.patch("django.core.signing.time.time", return_value=later):
        assert client.get(f"/verify-email/{token}").status_code == 400
    assert client.get(f"/verify-email/{token}").status_code == 200
