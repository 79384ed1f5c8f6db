"""Accounts and profiles through the pages, as a browser would use them."""

import pytest
from django.test import Client

from haven.conftest import PASSWORD, make_member
from haven.members.actions import LOOKS_LIKE_ANOTHER
from haven.members.models import ApiToken, Member

pytestmark = pytest.mark.django_db

SIGNUP = {
    "username": "newbie",
    "display_name": "New Bie",
    "email": "newbie@example.org",
    "password": "a-long-enough-pass-7",
    "kind": "student",
    "native_languages": ["de"],
    "learning_languages": ["ko"],
}


def test_signing_up_creates_the_member_and_signs_them_in():
    browser = Client()
    response = browser.post("/signup", SIGNUP)
    assert response.status_code == 302
    member = Member.objects.get(username="newbie")
    assert member.display_name == "New Bie"
    assert {(x.code, x.kind) for x in member.languages.all()} == {
        ("de", "native"),
        ("ko", "learning"),
    }
    assert browser.get("/").context["user"] == member


def test_sign_up_refuses_a_taken_username_with_a_field_message(alice):
    response = Client().post("/signup", {**SIGNUP, "username": "alice"})
    assert response.status_code == 400
    assert "This username is taken." in response.context["form"].errors["username"]


def test_sign_up_refuses_a_lookalike_username_with_a_field_message(alice):
    response = Client().post("/signup", {**SIGNUP, "username": "a1ice"})
    assert response.status_code == 400
    assert response.context["form"].errors["username"] == [LOOKS_LIKE_ANOTHER]
    assert not Member.objects.filter(username="a1ice").exists()


def test_sign_up_refuses_a_weak_password_and_a_bad_username():
    response = Client().post("/signup", {**SIGNUP, "username": "No Spaces!", "password": "123"})
    assert response.status_code == 400
    assert response.context["form"].errors["username"]
    assert not Member.objects.filter(email="newbie@example.org").exists()


def test_sign_up_page_says_429_with_retry_after_when_throttled(monkeypatch):
    monkeypatch.setattr("haven.members.actions.SIGN_UPS", (1, 3600))
    assert Client().post("/signup", SIGNUP).status_code == 302
    response = Client().post("/signup", {**SIGNUP, "username": "second", "email": "s@example.org"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "Too many new accounts from here" in response.content.decode()
    assert not Member.objects.filter(username="second").exists()


def test_signing_in_and_out(alice):
    browser = Client()
    response = browser.post("/signin", {"username": "Alice", "password": PASSWORD})
    assert response.status_code == 302
    assert browser.get("/chats").status_code == 200
    browser.post("/signout")
    assert browser.get("/chats").status_code == 302


def test_wrong_password_does_not_sign_in(alice):
    response = Client().post("/signin", {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_profile_shows_name_languages_kind_and_public_id(alice, carol):
    page = Client().get("/u/carol").content.decode()
    assert "Carol" in page
    assert "Teacher" in page
    assert "Spanish" in page
    assert str(carol.public_id) in page
    assert "member since" in page


def test_profile_of_an_unknown_or_inactive_member_is_404(alice):
    make_member("gone", is_active=False)
    assert Client().get("/u/nobody").status_code == 404
    assert Client().get("/u/gone").status_code == 404


def test_member_edits_their_own_profile(alice, web):
    browser = web(alice)
    response = browser.post(
        "/settings/profile",
        {
            "display_name": "Alice L.",
            "bio": "Learning Japanese in Osaka.",
            "kind": "teacher",
            "native_languages": ["en"],
            "learning_languages": ["ja", "ko"],
        },
    )
    assert response.status_code == 302
    page = browser.get("/u/alice").content.decode()
    assert "Alice L." in page
    assert "Learning Japanese in Osaka." in page
    assert "Korean" in page


def test_profile_edit_refuses_an_empty_name(alice, web):
    response = web(alice).post(
        "/settings/profile", {"display_name": "", "kind": "student", "native_languages": ["en"]}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["display_name"]


def test_settings_pages_need_sign_in():
    for url in ("/settings", "/settings/profile", "/settings/tokens"):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/signin")


def test_token_page_shows_a_new_token_once_and_revoking_needs_confirmation(alice, web, api):
    browser = web(alice)
    response = browser.post("/settings/tokens", {"name": "my script"})
    secret = response.context["new_secret"]
    assert secret.startswith("hvn_")
    assert secret in response.content.decode()
    assert secret not in browser.get("/settings/tokens").content.decode()
    token = ApiToken.objects.get(member=alice, name="my script")

    confirm_page = browser.get(f"/settings/tokens/{token.pk}/revoke")
    assert confirm_page.status_code == 200
    assert "Revoke this token?" in confirm_page.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None

    browser.post(f"/settings/tokens/{token.pk}/revoke")
    token.refresh_from_db()
    assert token.revoked_at is not None
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert Client().get("/api/v1/me", **bearer).status_code == 401


def test_member_cannot_revoke_someone_elses_token(alice, bob, web):
    from haven.members.actions import create_token

    token, _ = create_token(actor=bob, name="bob's")
    assert web(alice).get(f"/settings/tokens/{token.pk}/revoke").status_code == 404
    web(alice).post(f"/settings/tokens/{token.pk}/revoke")
    token.refresh_from_db()
    assert token.revoked_at is None


def test_pages_send_a_content_security_policy(alice):
    response = Client().get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
