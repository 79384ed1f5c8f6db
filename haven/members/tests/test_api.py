"""Accounts, profiles and API tokens through the JSON API."""

import pytest
from django.test import Client
from django.utils import timezone

from haven.conftest import PASSWORD, make_member
from haven.core.tests.api_helpers import (
    assert_bad_cursors_refused,
    assert_error,
    assert_signed_out_refused,
    counted_get,
    walk_pages,
    warm,
)
from haven.members.actions import LOOKS_LIKE_ANOTHER
from haven.members.models import Member

pytestmark = pytest.mark.django_db


def _signup(**overrides) -> dict:
    return {
        "username": "dana",
        "email": "dana@example.org",
        "password": PASSWORD,
        "display_name": "Dana",
        "kind": "teacher",
        "native_languages": ["de"],
        "learning_languages": ["ja"],
        **overrides,
    }


def _bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _deactivate(member: Member) -> None:
    Member.objects.filter(pk=member.pk).update(is_active=False)


# Sign-up


def test_signing_up_returns_the_new_profile_and_a_working_token(api):
    response = api().post("/auth/signup", _signup())
    assert response.status_code == 201
    body = response.json()
    assert body["member"]["username"] == "dana"
    assert body["member"]["display_name"] == "Dana"
    assert body["member"]["kind"] == "teacher"
    assert body["member"]["native_languages"] == ["de"]
    assert body["member"]["learning_languages"] == ["ja"]
    assert body["token"].startswith("hvn_")
    me = api().get("/me", **_bearer(body["token"]))
    assert me.status_code == 200
    assert me.json()["username"] == "dana"


def test_sign_up_refuses_a_taken_username(api, alice):
    response = api().post("/auth/signup", _signup(username="alice"))
    assert_error(response, 400, field="username")
    assert Member.objects.filter(username="alice").count() == 1


@pytest.mark.parametrize(
    ("existing", "lookalike"),
    [("alice", "a1ice"), ("a1ice", "alice"), ("emma", "ernrna"), ("emma", "ernma"),
     ("corner", "comer"), ("l1l1_rn", "1l1l_m")],
)  # fmt: skip
def test_sign_up_refuses_a_username_that_looks_like_another_members(api, existing, lookalike):
    make_member(existing)
    error = assert_error(api().post("/auth/signup", _signup(username=lookalike)), 400,
                         field="username")  # fmt: skip
    assert error["fields"]["username"] == [LOOKS_LIKE_ANOTHER]
    assert not Member.objects.filter(username=lookalike).exists()


def test_a_username_near_another_but_not_a_lookalike_is_fine(api, alice):
    assert api().post("/auth/signup", _signup(username="alicia")).status_code == 201
    other = _signup(username="a11ce", email="b@example.org")
    assert api().post("/auth/signup", other).status_code == 201


@pytest.mark.parametrize(
    "username",
    ["\u202ealice", "al\u200bice", "ali\x00ce", "\u0430lice", "ali\u0441e", "alice\u200f"],
    ids=["rtl-override", "zero-width-space", "nul", "cyrillic-a", "cyrillic-es", "rtl-mark"],
)
def test_sign_up_refuses_invisible_and_non_latin_characters_in_usernames(api, alice, username):
    username = username.encode().decode("unicode_escape")
    assert_error(api().post("/auth/signup", _signup(username=username)), 400, field="username")
    assert Member.objects.count() == 1


@pytest.mark.parametrize("username", ["system", "Haven"])
def test_the_names_haven_signs_with_are_taken(api, username):
    assert_error(api().post("/auth/signup", _signup(username=username)), 400, field="username")


@pytest.mark.parametrize("username", ["", "ab", "has space", "x" * 31, "dash-ed"])
def test_sign_up_refuses_a_malformed_username(api, username):
    assert_error(api().post("/auth/signup", _signup(username=username)), 400, field="username")
    assert not Member.objects.exists()


def test_sign_up_refuses_a_weak_password(api):
    assert_error(api().post("/auth/signup", _signup(password="123")), 400, field="password")


def test_sign_up_refuses_a_too_long_display_name(api):
    response = api().post("/auth/signup", _signup(display_name="x" * 51))
    assert_error(response, 400, field="display_name")


def test_sign_up_refuses_a_malformed_email(api):
    assert_error(api().post("/auth/signup", _signup(email="not-an-email")), 400, field="email")
    assert not Member.objects.exists()


def test_sign_up_refuses_an_unknown_language_or_kind(api):
    response = api().post("/auth/signup", _signup(native_languages=["xx"]))
    assert_error(response, 400, field="native_languages")
    assert_error(api().post("/auth/signup", _signup(kind="wizard")), 400, field="kind")
    assert not Member.objects.exists()


def test_sign_up_refuses_missing_fields_and_a_malformed_body(api):
    assert_error(api().post("/auth/signup", {"username": "dana"}), 400, field="password")
    assert_error(api().post("/auth/signup", '{"username": "dana",'), 400, field="__all__")
    assert not Member.objects.exists()


# Tokens


def test_username_and_password_give_a_new_working_token(api, alice):
    response = api().post(
        "/auth/token", {"username": "Alice", "password": PASSWORD, "name": "my script"}
    )
    assert response.status_code == 201
    token = response.json()
    assert token["name"] == "my script"
    assert token["token"].startswith(token["prefix"])
    assert token["revoked_at"] is None
    assert api().get("/me", **_bearer(token["token"])).json()["username"] == "alice"


def test_wrong_password_gives_no_token(api, alice):
    response = api().post("/auth/token", {"username": "alice", "password": "nope-nope-nope"})
    assert_error(response, 400, code="bad_credentials")


def test_token_request_refuses_missing_fields_and_a_malformed_body(api, alice):
    assert_error(api().post("/auth/token", {"username": "alice"}), 400, field="password")
    assert_error(api().post("/auth/token", "username=alice"), 400, field="__all__")
    assert_error(api(alice).post("/me/tokens", '{"name": }'), 400, field="__all__")


def test_an_inactive_member_gets_no_token(api, alice):
    _deactivate(alice)
    response = api().post("/auth/token", {"username": "alice", "password": PASSWORD})
    assert_error(response, 400, code="bad_credentials")


def test_token_request_refuses_an_empty_or_too_long_name(api, alice):
    for name in ("  ", "x" * 61):
        response = api().post(
            "/auth/token", {"username": "alice", "password": PASSWORD, "name": name}
        )
        assert_error(response, 400, field="name")
    assert_error(api(alice).post("/me/tokens", {"name": ""}), 400, field="name")
    assert_error(api(alice).post("/me/tokens", {}), 400, field="name")


def test_member_creates_lists_and_revokes_their_tokens(api, alice):
    client = api(alice)
    created = client.post("/me/tokens", {"name": "laptop"})
    assert created.status_code == 201
    new = created.json()
    listed = client.get("/me/tokens").json()["items"]
    assert [t["name"] for t in listed] == ["laptop", "tests"]
    assert all("token" not in t for t in listed), "a secret is shown only once"
    assert client.delete(f"/me/tokens/{new['id']}").status_code == 204
    assert_signed_out_refused(api().get("/me", **_bearer(new["token"])))
    revoked = next(t for t in client.get("/me/tokens").json()["items"] if t["id"] == new["id"])
    assert revoked["revoked_at"] is not None


def test_a_revoked_token_is_refused(api, alice):
    client = api(alice)
    own = client.get("/me/tokens").json()["items"][0]
    assert client.delete(f"/me/tokens/{own['id']}").status_code == 204
    assert_signed_out_refused(client.get("/me"))
    assert_signed_out_refused(client.get("/me/tokens"))
    # writes too: "sign in", not a CSRF complaint (there is no session to forge), with
    # Django's CSRF checks on as a real server has them
    strict = Client(enforce_csrf_checks=True)
    for call, path in ((strict.post, "/api/v1/chats"), (strict.patch, "/api/v1/me")):
        response = call(
            path, '{"username": "alice", "body": "Hi"}',
            content_type="application/json", **client.headers,
        )  # fmt: skip
        assert_signed_out_refused(response)


def test_a_removed_members_token_is_refused_even_if_left_active(api, alice):
    """Removal deactivates the account and revokes its tokens; the token check also
    reads `removed_at`, so a removal half-undone by hand still keeps the account out."""
    client = api(alice)
    alice.removed_at = timezone.now()
    alice.save(update_fields=["removed_at"])  # still is_active, token not revoked
    assert_signed_out_refused(client.get("/me"))


def test_a_session_without_its_csrf_token_still_cannot_write(alice):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    refused = browser.patch("/api/v1/me", '{"bio": "x"}', content_type="application/json")
    assert refused.status_code == 403
    assert Member.objects.get(pk=alice.pk).bio != "x"


def test_an_inactive_members_token_is_refused(api, alice):
    client = api(alice)
    _deactivate(alice)
    assert_signed_out_refused(client.get("/me"))


def test_an_unknown_or_malformed_token_is_refused(api):
    assert_signed_out_refused(api().get("/me", **_bearer("hvn_not-a-token")))
    assert_signed_out_refused(api().get("/me", HTTP_AUTHORIZATION="Basic abc"))
    strict = Client(enforce_csrf_checks=True)
    for headers in (_bearer("hvn_bogus"), {}):
        response = strict.post(
            "/api/v1/flags", '{"target_type": "post", "target_id": 1}',
            content_type="application/json", **headers,
        )  # fmt: skip
        assert_signed_out_refused(response)


def test_a_signed_out_browser_vote_still_needs_its_csrf_token(db):
    from haven.helpcenter.models import Article

    slug = Article.objects.values_list("slug", flat=True).first()
    strict = Client(enforce_csrf_checks=True)
    forged = strict.post(
        f"/api/v1/help/articles/{slug}/votes", '{"helpful": true}', content_type="text/plain"
    )
    assert forged.status_code == 403


def test_member_cannot_revoke_someone_elses_token(api, alice, bob):
    bobs = api(bob)
    bobs_token = bobs.get("/me/tokens").json()["items"][0]
    assert_error(api(alice).delete(f"/me/tokens/{bobs_token['id']}"), (403, 404))
    assert bobs.get("/me").status_code == 200


def test_revoking_an_unknown_token_is_404(api, alice):
    assert_error(api(alice).delete("/me/tokens/999999"), 404)


def test_token_endpoints_need_sign_in(api, alice):
    token_id = api(alice).get("/me/tokens").json()["items"][0]["id"]
    assert_signed_out_refused(api().get("/me/tokens"))
    assert_signed_out_refused(api().post("/me/tokens", {"name": "x"}))
    assert_signed_out_refused(api().delete(f"/me/tokens/{token_id}"))


def test_token_pages_walk_every_token_exactly_once(api, alice):
    client = api(alice)
    for i in range(11):
        client.post("/me/tokens", {"name": f"token {i}"})
    items, pages = walk_pages(client, "/me/tokens", limit=5)
    assert pages == 3
    assert len(items) == 12
    assert len({t["id"] for t in items}) == 12


def test_token_list_costs_the_same_queries_for_2_or_12_tokens(api, alice):
    client = warm(api(alice))
    client.post("/me/tokens", {"name": "second"})
    two, body = counted_get(client, "/me/tokens")
    assert len(body["items"]) == 2
    for i in range(10):
        client.post("/me/tokens", {"name": f"token {i}"})
    twelve, body = counted_get(client, "/me/tokens")
    assert len(body["items"]) == 12
    assert twelve == two


def test_an_invalid_token_cursor_is_400(api, alice):
    assert_bad_cursors_refused(api(alice), "/me/tokens")


# Me


def test_me_shows_my_profile(api, alice):
    response = api(alice).get("/me")
    assert response.status_code == 200
    me = response.json()
    assert me["username"] == "alice"
    assert me["display_name"] == "Alice"
    assert me["kind"] == "student"
    assert me["native_languages"] == ["en"]
    assert me["learning_languages"] == ["ja"]
    assert me["public_id"] == alice.public_id
    assert "id" not in me and "email" not in me and "password" not in me


def test_member_edits_their_profile(api, alice):
    client = api(alice)
    response = client.patch(
        "/me",
        {
            "display_name": "  Alice L.  ",
            "bio": "Learning Japanese.",
            "kind": "teacher",
            "learning_languages": ["ja", "ko"],
        },
    )
    assert response.status_code == 200
    me = response.json()
    assert me["display_name"] == "Alice L."
    assert me["bio"] == "Learning Japanese."
    assert me["kind"] == "teacher"
    assert me["native_languages"] == ["en"]
    assert me["learning_languages"] == ["ja", "ko"]
    assert client.get("/me").json() == me


def test_a_partial_profile_edit_keeps_the_other_fields(api, alice):
    client = api(alice)
    client.patch("/me", {"bio": "Hello"})
    me = client.patch("/me", {"display_name": "Ally"}).json()
    assert (me["display_name"], me["bio"], me["learning_languages"]) == ("Ally", "Hello", ["ja"])


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"display_name": "   "}, "display_name"),
        ({"display_name": "x" * 51}, "display_name"),
        ({"bio": "x" * 501}, "bio"),
        ({"kind": "wizard"}, "kind"),
        ({"native_languages": []}, "native_languages"),
        ({"native_languages": ["xx"]}, "native_languages"),
        ({"learning_languages": ["xx"]}, "learning_languages"),
        ({"bio": 5}, "bio"),
    ],
)
def test_profile_edit_refuses_bad_input_and_changes_nothing(api, alice, change, field):
    client = api(alice)
    before = client.get("/me").json()
    assert_error(client.patch("/me", change), 400, field=field)
    assert client.get("/me").json() == before


def test_profile_edit_refuses_a_malformed_body(api, alice):
    assert_error(api(alice).patch("/me", '{"bio": '), 400, field="__all__")


def test_me_needs_sign_in(api):
    assert_signed_out_refused(api().get("/me"))
    assert_signed_out_refused(api().patch("/me", {"bio": "x"}))


# Member profiles


def test_member_profile_shows_what_others_see(api, alice, carol):
    response = api(alice).get("/members/carol")
    assert response.status_code == 200
    profile = response.json()
    assert profile["username"] == "carol"
    assert profile["display_name"] == "Carol"
    assert profile["kind"] == "teacher"
    assert profile["native_languages"] == ["es"]
    assert profile["public_id"] == carol.public_id
    assert "email" not in profile


def test_member_profiles_are_public_to_signed_out_visitors(api, carol):
    response = api().get("/members/carol")
    assert response.status_code == 200
    assert response.json()["username"] == "carol"


def test_profile_of_an_unknown_member_is_404(api, alice):
    assert_error(api(alice).get("/members/nobody"), 404, code="not_found")


def test_profile_of_an_inactive_member_is_404(api, alice, bob):
    _deactivate(bob)
    assert_error(api(alice).get("/members/bob"), 404, code="not_found")
    assert_error(api().get("/members/bob"), 404, code="not_found")
