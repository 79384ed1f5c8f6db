"""Member search (`GET /members`, `/members`): by name and language, honouring the
"appear in search" setting and blocks both ways, in one query per page."""

from __future__ import annotations

import html

import pytest

from haven.conftest import make_member
from haven.core.tests.api_helpers import (
    BAD_CURSORS,
    assert_error,
    assert_signed_out_refused,
    counted_get,
    walk_pages,
    warm,
)
from haven.members.models import Member
from haven.safety.blocks import block_member
from haven.safety.models import Block
from haven.safety.privacy import update_privacy

pytestmark = pytest.mark.django_db


def _found(client, **params) -> list[str]:
    response = client.get("/members", params)
    assert response.status_code == 200, response.content
    return [m["username"] for m in response.json()["items"]]


def test_search_finds_members_by_username_or_display_name_in_any_case(api, alice, bob):
    make_member("yuki_t", display_name="Tanaka Yuki")
    Member.objects.filter(username="bob").update(display_name="Robert Tanaka")
    client = api(alice)
    assert _found(client, q="TANAKA") == ["bob", "yuki_t"]
    assert _found(client, q="uki_") == ["yuki_t"]
    assert _found(client, q="nobody here") == []


def test_search_finds_members_by_a_language_they_speak_or_learn(api, alice, bob, carol):
    # alice en/ja, bob fr/en, carol es/en
    client = api(alice)
    assert _found(client, language="fr") == ["bob"]
    assert _found(client, language="ja") == ["alice"]
    assert _found(client, language="en") == ["alice", "bob", "carol"]
    assert _found(client, language="ko") == []


def test_search_combines_name_and_language(api, alice, bob, carol):
    assert _found(api(alice), q="o", language="es") == ["carol"]


def test_search_results_carry_the_profile_fields(api, alice, bob):
    (found,) = api(alice).get("/members", {"q": "bob"}).json()["items"]
    assert found["display_name"] == "Bob" and found["public_id"] == bob.public_id
    assert (found["native_languages"], found["learning_languages"]) == (["fr"], ["en"])


def test_search_leaves_out_members_who_chose_not_to_appear(api, alice, bob):
    update_privacy(actor=bob, searchable=False)
    assert _found(api(alice), q="bob") == []
    assert _found(api(alice), language="fr") == []
    assert api(alice).get("/members/bob").status_code == 200  # the profile itself stays


def test_search_leaves_out_closed_accounts(api, alice, bob):
    Member.objects.filter(pk=bob.pk).update(is_active=False)
    assert _found(api(alice), q="bob") == []


def test_search_never_crosses_a_block_in_either_direction(api, alice, bob, carol):
    block_member(actor=alice, target=bob)
    assert _found(api(bob), q="alice") == []
    assert _found(api(alice), q="bob") == []
    assert _found(api(carol), language="en") == ["alice", "bob", "carol"]


def test_search_pages_walk_every_member_exactly_once(api, alice):
    for i in range(11):
        make_member(f"learner{i:02d}")
    items, pages = walk_pages(api(alice), "/members", {"q": "learner"}, limit=5)
    assert pages == 3
    assert [m["username"] for m in items] == [f"learner{i:02d}" for i in range(11)]
    # Results are in username order, so a cursor holding any text is a valid place.
    for cursor in set(BAD_CURSORS) - {"WyJ5ZXN0ZXJkYXkiLCAxXQ"}:
        assert_error(api(alice).get("/members", {"cursor": cursor}), 400, field="cursor")


def test_search_costs_the_same_queries_for_2_or_12_results_and_with_blocks(api, alice):
    reader = warm(api(alice))
    found = [make_member(f"learner{i:02d}") for i in range(2)]
    two, body = counted_get(reader, "/members", {"q": "learner", "language": "en"})
    assert len(body["items"]) == 2
    found += [make_member(f"learner{i:02d}") for i in range(2, 24)]
    Block.objects.bulk_create([Block(blocker=alice, blocked=m) for m in found[12:18]])
    Block.objects.bulk_create([Block(blocker=m, blocked=alice) for m in found[18:]])
    twelve, body = counted_get(reader, "/members", {"q": "learner", "language": "en"})
    assert [m["username"] for m in body["items"]] == [m.username for m in found[:12]]
    assert twelve == two


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"language": "klingon"}, "language"),
        ({"q": "x" * 101}, "q"),
        ({"limit": "many"}, "limit"),
    ],
)
def test_search_refuses_bad_input(api, alice, params, field):
    assert_error(api(alice).get("/members", params), 400, field=field)


def test_search_needs_sign_in(api, alice):
    assert_signed_out_refused(api().get("/members", {"q": "alice"}))


# The page


def test_search_page_lists_members_and_keeps_the_search_in_the_next_page_link(web, alice):
    for i in range(25):
        make_member(f"learner{i:02d}", display_name=f"Learner {i}")
    page = html.unescape(
        web(alice).get("/members", {"q": "learn", "language": "en"}).content.decode()
    )
    assert "Learner 0" in page and 'href="/u/learner00"' in page
    assert "?q=learn&amp;language=en&amp;cursor=" in page or "?q=learn&language=en&cursor=" in page


def test_search_page_refuses_an_unknown_language(web, alice):
    response = web(alice).get("/members", {"language": "xx"})
    assert response.status_code == 400 and "Unknown language" in response.content.decode()


def test_search_page_leaves_out_blocked_and_hidden_members(web, alice, bob, carol):
    block_member(actor=bob, target=alice)
    update_privacy(actor=carol, searchable=False)
    page = web(alice).get("/members", {"language": "en"}).content.decode()
    assert 'href="/u/bob"' not in page and 'href="/u/carol"' not in page


def test_search_page_needs_sign_in_and_the_menu_links_to_it(client, web, alice):
    response = client.get("/members")
    assert response.status_code == 302 and response["Location"].startswith("/signin")
    assert 'href="/members"' in web(alice).get("/").content.decode()
