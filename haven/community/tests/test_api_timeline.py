"""Timeline shares, member timelines and the home feed, through the JSON API."""

import pytest

from haven.community.models import SHARE_MAX
from haven.core.tests.api_helpers import (
    assert_bad_cursors_refused,
    assert_error,
    assert_signed_out_refused,
    counted_get,
    walk_pages,
    warm,
)
from haven.members.models import Member

pytestmark = pytest.mark.django_db


def _share(client, text="Studying kanji today.", **fields) -> dict:
    response = client.post("/timeline", {"text": text, **fields})
    assert response.status_code == 201, response.content
    return response.json()


def _post(client, title="How do I say hello?") -> dict:
    response = client.post("/posts", {"space": "answers", "title": title, "body": "Please."})
    assert response.status_code == 201, response.content
    return response.json()


def _befriend(api, a, b) -> None:
    sent = api(a).post("/friend-requests", {"username": b.username})
    assert sent.status_code == 201, sent.content
    accepted = api(b).post(f"/friend-requests/{sent.json()['id']}/accept")
    assert accepted.status_code == 200, accepted.content


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


# Shares


def test_member_shares_a_status_on_their_timeline(api, alice, bob):
    response = api(alice).post("/timeline", {"text": "  Studying kanji today.  "})
    assert response.status_code == 201
    share = response.json()
    assert share["text"] == "Studying kanji today."
    assert share["post"] is None
    assert share["author"] == {
        "username": "alice",
        "display_name": "Alice",
        "public_id": alice.public_id,
    }
    assert api(bob).get(f"/timeline/{share['id']}").json() == share


def test_member_shares_a_community_post_with_or_without_words(api, alice, bob):
    post = _post(api(bob))
    share = _share(api(alice), "Good question!", post_id=post["id"])
    assert share["text"] == "Good question!"
    assert share["post"] == {
        "id": post["id"],
        "space": "answers",
        "title": post["title"],
        "author": post["author"],
    }
    silent = _share(api(alice), "", post_id=post["id"])
    assert (silent["text"], silent["post"]["id"]) == ("", post["id"])


def test_a_share_of_a_deleted_post_stays_and_shows_the_post_is_gone(api, alice, bob):
    post = _post(api(bob))
    share = _share(api(alice), "Look", post_id=post["id"])
    assert api(bob).delete(f"/posts/{post['id']}").status_code == 204
    kept = api(alice).get(f"/timeline/{share['id']}").json()
    assert (kept["text"], kept["post"]) == ("Look", None)


def test_author_deletes_their_share(api, alice, bob):
    share = _share(api(alice))
    assert api(alice).delete(f"/timeline/{share['id']}").status_code == 204
    assert_error(api(alice).get(f"/timeline/{share['id']}"), 404)
    assert_error(api(bob).get(f"/timeline/{share['id']}"), 404)
    assert _ids(api(bob).get("/members/alice/timeline")) == []


def test_member_cannot_delete_someone_elses_share(api, alice, bob):
    share = _share(api(alice))
    assert_error(api(bob).delete(f"/timeline/{share['id']}"), (403, 404))
    assert api(alice).get(f"/timeline/{share['id']}").json() == share


def test_shares_need_sign_in(api, alice):
    share = _share(api(alice))
    assert_signed_out_refused(api().post("/timeline", {"text": "hello"}))
    assert_signed_out_refused(api().get(f"/timeline/{share['id']}"))
    assert_signed_out_refused(api().delete(f"/timeline/{share['id']}"))
    assert api(alice).get(f"/timeline/{share['id']}").status_code == 200


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"text": "   "}, "text"),
        ({}, "text"),
        ({"text": "x" * (SHARE_MAX + 1)}, "text"),
        ({"text": 12}, "text"),
        ({"text": "hi", "post_id": "first"}, "post_id"),
    ],
)
def test_share_refuses_bad_input(api, alice, payload, field):
    assert_error(api(alice).post("/timeline", payload), 400, field=field)
    assert _ids(api(alice).get("/members/alice/timeline")) == []


def test_share_refuses_a_malformed_body(api, alice):
    assert_error(api(alice).post("/timeline", "{'text': 'single quotes'}"), 400, field="__all__")


def test_sharing_an_unknown_post_is_404(api, alice):
    assert_error(api(alice).post("/timeline", {"text": "Look", "post_id": 999999}), 404)
    assert _ids(api(alice).get("/members/alice/timeline")) == []


def test_an_unknown_share_is_404(api, alice):
    assert_error(api(alice).get("/timeline/999999"), 404, code="not_found")
    assert_error(api(alice).delete("/timeline/999999"), 404)


def test_shares_of_an_inactive_member_cannot_be_reached(api, alice, bob):
    share = _share(api(bob))
    Member.objects.filter(pk=bob.pk).update(is_active=False)
    assert_error(api(alice).get(f"/timeline/{share['id']}"), 404)


# Member timelines


def test_member_timeline_shows_that_members_shares_newest_first(api, alice, bob, carol):
    first = _share(api(bob), "First")
    _share(api(carol), "Not Bob's")
    second = _share(api(bob), "Second")
    response = api(alice).get("/members/bob/timeline")
    assert _ids(response) == [second["id"], first["id"]]
    assert response.json()["items"][0] == second
    assert response.json()["next"] is None


def test_member_timeline_needs_sign_in(api, bob):
    _share(api(bob))
    assert_signed_out_refused(api().get("/members/bob/timeline"))


def test_timeline_of_an_unknown_member_is_404(api, alice):
    assert_error(api(alice).get("/members/nobody/timeline"), 404, code="not_found")


def test_timeline_of_an_inactive_member_is_404(api, alice, bob):
    _share(api(bob))
    Member.objects.filter(pk=bob.pk).update(is_active=False)
    assert_error(api(alice).get("/members/bob/timeline"), 404)


def test_member_timeline_pages_walk_every_share_exactly_once(api, alice, bob):
    bobs = api(bob)
    created = [_share(bobs, f"Day {i}")["id"] for i in range(12)]
    items, pages = walk_pages(api(alice), "/members/bob/timeline", limit=5)
    assert pages == 3
    assert [s["id"] for s in items] == created[::-1]


def test_an_invalid_timeline_cursor_is_400(api, alice, bob):
    _share(api(bob))
    assert_bad_cursors_refused(api(alice), "/members/bob/timeline")


def test_member_timeline_costs_the_same_queries_for_2_or_12_shares(api, alice, bob):
    reader = warm(api(alice))
    writer = api(bob)
    post = _post(writer)
    for i in range(2):
        _share(writer, f"Share {i}", post_id=post["id"] if i % 2 else None)
    two, body = counted_get(reader, "/members/bob/timeline")
    assert len(body["items"]) == 2
    for i in range(2, 12):
        _share(writer, f"Share {i}", post_id=post["id"] if i % 2 else None)
    twelve, body = counted_get(reader, "/members/bob/timeline")
    assert len(body["items"]) == 12
    assert twelve == two


# Feed


def test_feed_shows_my_shares_and_my_friends_not_strangers(api, alice, bob, carol):
    _befriend(api, alice, carol)
    mine = _share(api(alice), "Mine")
    strangers = _share(api(bob), "A stranger's")
    friends = _share(api(carol), "A friend's")
    response = api(alice).get("/feed")
    assert _ids(response) == [friends["id"], mine["id"]]
    assert response.json()["items"][0]["author"]["username"] == "carol"
    assert _ids(api(bob).get("/feed")) == [strangers["id"]]


def test_feed_needs_sign_in(api):
    assert_signed_out_refused(api().get("/feed"))


def test_feed_pages_walk_every_share_exactly_once(api, alice, carol):
    _befriend(api, alice, carol)
    alices, carols = api(alice), api(carol)
    created = [_share(alices if i % 2 else carols, f"Share {i}")["id"] for i in range(12)]
    items, pages = walk_pages(alices, "/feed", limit=5)
    assert pages == 3
    assert [s["id"] for s in items] == created[::-1]


def test_an_invalid_feed_cursor_is_400(api, alice):
    assert_bad_cursors_refused(api(alice), "/feed")


def test_feed_costs_the_same_queries_for_2_or_12_shares(api, alice, bob, carol):
    _befriend(api, alice, carol)
    _befriend(api, alice, bob)
    reader = warm(api(alice))
    writers = [api(alice), api(bob), api(carol)]
    post = _post(writers[1])
    for i in range(2):
        _share(writers[i % 3], f"Share {i}", post_id=post["id"] if i % 2 else None)
    two, body = counted_get(reader, "/feed")
    assert len(body["items"]) == 2
    for i in range(2, 12):
        _share(writers[i % 3], f"Share {i}", post_id=post["id"] if i % 2 else None)
    twelve, body = counted_get(reader, "/feed")
    assert len(body["items"]) == 12
    assert twelve == two
