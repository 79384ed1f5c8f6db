"""Posts in Answers, Notebook and Discussions, and their comments, through the JSON API."""

import pytest

from haven.community.models import BODY_MAX, COMMENT_MAX, TITLE_MAX
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


def _post(client, space="answers", **fields) -> dict:
    payload = {"space": space, "title": "How do I say hello?", "body": "In Japanese, please."}
    if space == "notebook":
        payload["language"] = "ja"
    response = client.post("/posts", {**payload, **fields})
    assert response.status_code == 201, response.content
    return response.json()


def _comment(client, post_id: int, body="Konnichiwa!", **fields) -> dict:
    response = client.post(f"/posts/{post_id}/comments", {"body": body, **fields})
    assert response.status_code == 201, response.content
    return response.json()


# Posts


def test_member_asks_a_question_and_everyone_sees_it(api, alice, bob):
    response = api(alice).post(
        "/posts", {"space": "answers", "title": " How do I say hello? ", "body": "Thanks!"}
    )
    assert response.status_code == 201
    post = response.json()
    assert post["space"] == "answers"
    assert post["title"] == "How do I say hello?"
    assert post["body"] == "Thanks!"
    assert post["author"] == {
        "username": "alice",
        "display_name": "Alice",
        "public_id": alice.public_id,
    }
    assert post["comment_count"] == 0
    assert post["edited_at"] is None
    assert api(bob).get(f"/posts/{post['id']}").json() == post
    listed = api(bob).get("/posts", {"space": "answers"}).json()
    assert [p["id"] for p in listed["items"]] == [post["id"]]
    assert listed["next"] is None


def test_a_notebook_entry_says_its_language(api, alice):
    entry = _post(api(alice), "notebook", title="My day", body="Kyou wa...", language="ja")
    assert (entry["space"], entry["language"]) == ("notebook", "ja")


def test_posts_are_listed_per_space_newest_first(api, alice, bob):
    first = _post(api(alice), "discussions", title="First")
    second = _post(api(bob), "discussions", title="Second")
    _post(api(alice), "answers")
    listed = api(alice).get("/posts", {"space": "discussions"}).json()["items"]
    assert [p["id"] for p in listed] == [second["id"], first["id"]]


def test_signed_out_visitors_can_read_posts(api, alice):
    post = _post(api(alice))
    assert api().get("/posts", {"space": "answers"}).json()["items"][0]["id"] == post["id"]
    assert api().get(f"/posts/{post['id']}").json()["title"] == post["title"]


def test_writing_posts_needs_sign_in(api, alice):
    post = _post(api(alice))
    assert_signed_out_refused(api().post("/posts", {"space": "answers", "title": "t", "body": "b"}))
    assert_signed_out_refused(api().patch(f"/posts/{post['id']}", {"title": "Mine now"}))
    assert_signed_out_refused(api().delete(f"/posts/{post['id']}"))
    assert api(alice).get(f"/posts/{post['id']}").json()["title"] == post["title"]


def test_author_edits_their_post(api, alice):
    client = api(alice)
    post = _post(client, "notebook")
    response = client.patch(
        f"/posts/{post['id']}", {"title": "Better title", "body": "Better body", "language": "ko"}
    )
    assert response.status_code == 200
    edited = response.json()
    assert (edited["title"], edited["body"], edited["language"]) == (
        "Better title",
        "Better body",
        "ko",
    )
    assert edited["edited_at"] is not None
    assert client.get(f"/posts/{post['id']}").json() == edited


def test_a_partial_post_edit_keeps_the_other_fields(api, alice):
    client = api(alice)
    post = _post(client)
    edited = client.patch(f"/posts/{post['id']}", {"body": "New body"}).json()
    assert (edited["title"], edited["body"]) == (post["title"], "New body")


def test_author_deletes_their_post(api, alice):
    client = api(alice)
    post = _post(client)
    assert client.delete(f"/posts/{post['id']}").status_code == 204
    assert_error(client.get(f"/posts/{post['id']}"), 404)
    assert client.get("/posts", {"space": "answers"}).json()["items"] == []


def test_member_cannot_edit_or_delete_someone_elses_post(api, alice, bob):
    post = _post(api(alice))
    assert_error(api(bob).patch(f"/posts/{post['id']}", {"title": "Hacked"}), (403, 404))
    assert_error(api(bob).delete(f"/posts/{post['id']}"), (403, 404))
    assert api(alice).get(f"/posts/{post['id']}").json() == post


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * (TITLE_MAX + 1)}, "title"),
        ({"body": ""}, "body"),
        ({"body": "x" * (BODY_MAX + 1)}, "body"),
        ({"language": "xx"}, "language"),
        ({"space": "gossip"}, "space"),
        ({"title": None}, "title"),
    ],
)
def test_post_creation_refuses_bad_input(api, alice, change, field):
    payload = {"space": "answers", "title": "A title", "body": "A body", **change}
    assert_error(api(alice).post("/posts", payload), 400, field=field)
    assert api(alice).get("/posts", {"space": "answers"}).json()["items"] == []


def test_a_notebook_entry_needs_a_language(api, alice):
    payload = {"space": "notebook", "title": "My day", "body": "Kyou wa..."}
    assert_error(api(alice).post("/posts", payload), 400, field="language")


def test_post_creation_refuses_a_malformed_body(api, alice):
    assert_error(api(alice).post("/posts", '{"space": "answers", "title"'), 400, field="__all__")
    error = assert_error(api(alice).post("/posts", "[1, 2]"), 400, field="__all__")
    assert error["fields"]["__all__"] == ["The body must be a JSON object."]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * (TITLE_MAX + 1)}, "title"),
        ({"body": "   "}, "body"),
        ({"body": "x" * (BODY_MAX + 1)}, "body"),
        ({"language": "xx"}, "language"),
    ],
)
def test_post_edit_refuses_bad_input_and_changes_nothing(api, alice, change, field):
    client = api(alice)
    post = _post(client)
    assert_error(client.patch(f"/posts/{post['id']}", change), 400, field=field)
    assert client.get(f"/posts/{post['id']}").json() == post


def test_post_edit_refuses_a_malformed_body(api, alice):
    client = api(alice)
    post = _post(client)
    assert_error(client.patch(f"/posts/{post['id']}", "{title: x}"), 400, field="__all__")


def test_listing_posts_needs_a_known_space(api, alice):
    assert_error(api(alice).get("/posts"), 400, field="space")
    assert_error(api(alice).get("/posts", {"space": "gossip"}), 400, field="space")


def test_an_unknown_post_is_404(api, alice):
    assert_error(api(alice).get("/posts/999999"), 404, code="not_found")
    assert_error(api(alice).patch("/posts/999999", {"title": "x"}), 404)
    assert_error(api(alice).delete("/posts/999999"), 404)
    assert_error(api(alice).get("/posts/not-a-number"), 400, field="post_id")


def test_posts_of_an_inactive_member_are_hidden(api, alice, bob):
    post = _post(api(bob))
    Member.objects.filter(pk=bob.pk).update(is_active=False)
    assert api(alice).get("/posts", {"space": "answers"}).json()["items"] == []
    assert_error(api(alice).get(f"/posts/{post['id']}"), 404)


def test_post_pages_walk_every_post_exactly_once(api, alice):
    client = api(alice)
    created = [_post(client, title=f"Question {i}")["id"] for i in range(12)]
    items, pages = walk_pages(client, "/posts", {"space": "answers"}, limit=5)
    assert pages == 3
    assert [p["id"] for p in items] == created[::-1]


def test_an_invalid_post_cursor_is_400(api, alice):
    _post(api(alice))
    assert_bad_cursors_refused(api(alice), "/posts", {"space": "answers"})


def test_post_list_costs_the_same_queries_for_2_or_12_posts(api, alice, bob, carol):
    reader = warm(api(carol))
    writers = [api(alice), api(bob)]
    for writer in writers:
        _post(writer)
    two, body = counted_get(reader, "/posts", {"space": "answers"})
    assert len(body["items"]) == 2
    for i in range(10):
        _post(writers[i % 2])
    twelve, body = counted_get(reader, "/posts", {"space": "answers"})
    assert len(body["items"]) == 12
    assert twelve == two


# Comments


def test_member_comments_on_a_post_and_the_post_counts_it(api, alice, bob):
    post = _post(api(alice))
    response = api(bob).post(f"/posts/{post['id']}/comments", {"body": "  Konnichiwa!  "})
    assert response.status_code == 201
    comment = response.json()
    assert comment["post_id"] == post["id"]
    assert comment["parent_id"] is None
    assert comment["body"] == "Konnichiwa!"
    assert comment["author"]["username"] == "bob"
    assert comment["replies"] == []
    assert comment["edited_at"] is None
    assert api(alice).get(f"/posts/{post['id']}").json()["comment_count"] == 1
    listed = api(alice).get(f"/posts/{post['id']}/comments").json()
    assert listed == {"items": [comment], "next": None}


def test_replies_are_listed_under_their_comment_oldest_first(api, alice, bob, carol):
    post = _post(api(alice))
    first = _comment(api(bob), post["id"], "First answer")
    second = _comment(api(carol), post["id"], "Second answer")
    reply = _comment(api(alice), post["id"], "Thanks Bob", parent_id=first["id"])
    assert reply["parent_id"] == first["id"]
    listed = api(carol).get(f"/posts/{post['id']}/comments").json()["items"]
    assert [c["id"] for c in listed] == [first["id"], second["id"]]
    assert [r["body"] for r in listed[0]["replies"]] == ["Thanks Bob"]
    assert listed[0]["replies"][0]["author"]["username"] == "alice"
    assert listed[1]["replies"] == []
    assert api(alice).get(f"/posts/{post['id']}").json()["comment_count"] == 3


def test_a_reply_to_a_reply_joins_the_top_level_comment(api, alice, bob, carol):
    post = _post(api(alice))
    top = _comment(api(bob), post["id"])
    reply = _comment(api(carol), post["id"], "Reply", parent_id=top["id"])
    nested = _comment(api(alice), post["id"], "Reply to reply", parent_id=reply["id"])
    assert nested["parent_id"] == top["id"]
    listed = api(alice).get(f"/posts/{post['id']}/comments").json()["items"]
    assert len(listed) == 1
    assert [r["id"] for r in listed[0]["replies"]] == [reply["id"], nested["id"]]


def test_signed_out_visitors_can_read_comments(api, alice, bob):
    post = _post(api(alice))
    comment = _comment(api(bob), post["id"])
    listed = api().get(f"/posts/{post['id']}/comments").json()["items"]
    assert [c["id"] for c in listed] == [comment["id"]]


def test_writing_comments_needs_sign_in(api, alice, bob):
    post = _post(api(alice))
    comment = _comment(api(bob), post["id"])
    assert_signed_out_refused(api().post(f"/posts/{post['id']}/comments", {"body": "hi"}))
    reply = {"body": "hi", "parent_id": comment["id"]}
    assert_signed_out_refused(api().post(f"/posts/{post['id']}/comments", reply))
    assert_signed_out_refused(api().patch(f"/comments/{comment['id']}", {"body": "changed"}))
    assert_signed_out_refused(api().delete(f"/comments/{comment['id']}"))
    listed = api(alice).get(f"/posts/{post['id']}/comments").json()["items"]
    assert listed == [comment]


def test_author_edits_their_comment(api, alice, bob):
    post = _post(api(alice))
    comment = _comment(api(bob), post["id"])
    response = api(bob).patch(f"/comments/{comment['id']}", {"body": "Konbanwa!"})
    assert response.status_code == 200
    edited = response.json()
    assert edited["body"] == "Konbanwa!"
    assert edited["edited_at"] is not None
    listed = api(alice).get(f"/posts/{post['id']}/comments").json()["items"]
    assert listed[0]["body"] == "Konbanwa!"


def test_author_deletes_their_comment_with_its_replies(api, alice, bob, carol):
    post = _post(api(alice))
    comment = _comment(api(bob), post["id"])
    _comment(api(carol), post["id"], "Reply", parent_id=comment["id"])
    kept = _comment(api(carol), post["id"], "Another answer")
    assert api(bob).delete(f"/comments/{comment['id']}").status_code == 204
    listed = api(alice).get(f"/posts/{post['id']}/comments").json()["items"]
    assert [c["id"] for c in listed] == [kept["id"]]
    assert api(alice).get(f"/posts/{post['id']}").json()["comment_count"] == 1


def test_author_deletes_their_reply(api, alice, bob, carol):
    post = _post(api(alice))
    comment = _comment(api(bob), post["id"])
    reply = _comment(api(carol), post["id"], "Reply", parent_id=comment["id"])
    assert api(carol).delete(f"/comments/{reply['id']}").status_code == 204
    listed = api(alice).get(f"/posts/{post['id']}/comments").json()["items"]
    assert listed[0]["replies"] == []
    assert api(alice).get(f"/posts/{post['id']}").json()["comment_count"] == 1


def test_member_cannot_edit_or_delete_someone_elses_comment(api, alice, bob):
    post = _post(api(alice))
    comment = _comment(api(bob), post["id"])
    assert_error(api(alice).patch(f"/comments/{comment['id']}", {"body": "Hacked"}), (403, 404))
    assert_error(api(alice).delete(f"/comments/{comment['id']}"), (403, 404))
    assert api(alice).get(f"/posts/{post['id']}/comments").json()["items"] == [comment]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"body": "   "}, "body"),
        ({"body": "x" * (COMMENT_MAX + 1)}, "body"),
        ({}, "body"),
        ({"body": "ok", "parent_id": "first"}, "parent_id"),
    ],
)
def test_comment_refuses_bad_input(api, alice, bob, payload, field):
    post = _post(api(alice))
    assert_error(api(bob).post(f"/posts/{post['id']}/comments", payload), 400, field=field)
    assert api(alice).get(f"/posts/{post['id']}").json()["comment_count"] == 0


def test_a_reply_refuses_empty_or_too_long_text(api, alice, bob):
    post = _post(api(alice))
    comment = _comment(api(bob), post["id"])
    for body in ("", "x" * (COMMENT_MAX + 1)):
        reply = {"body": body, "parent_id": comment["id"]}
        assert_error(api(alice).post(f"/posts/{post['id']}/comments", reply), 400, field="body")
    assert api(alice).get(f"/posts/{post['id']}/comments").json()["items"][0]["replies"] == []


def test_comment_refuses_a_malformed_body(api, alice):
    post = _post(api(alice))
    response = api(alice).post(f"/posts/{post['id']}/comments", '{"body": "unterminated')
    assert_error(response, 400, field="__all__")


def test_a_reply_must_answer_a_comment_on_the_same_post(api, alice, bob):
    post = _post(api(alice))
    other = _post(api(alice), title="Other")
    elsewhere = _comment(api(bob), other["id"])
    reply = {"body": "Reply", "parent_id": elsewhere["id"]}
    assert_error(api(bob).post(f"/posts/{post['id']}/comments", reply), 400, field="parent_id")
    assert api(alice).get(f"/posts/{post['id']}").json()["comment_count"] == 0


def test_a_reply_to_an_unknown_comment_is_404(api, alice):
    post = _post(api(alice))
    reply = {"body": "Reply", "parent_id": 999999}
    assert_error(api(alice).post(f"/posts/{post['id']}/comments", reply), 404)


def test_comments_on_an_unknown_post_are_404(api, alice):
    assert_error(api(alice).get("/posts/999999/comments"), 404)
    assert_error(api(alice).post("/posts/999999/comments", {"body": "hi"}), 404)


@pytest.mark.parametrize("body", ["", "x" * (COMMENT_MAX + 1)])
def test_comment_edit_refuses_empty_or_too_long_text(api, alice, bob, body):
    post = _post(api(alice))
    comment = _comment(api(bob), post["id"])
    assert_error(api(bob).patch(f"/comments/{comment['id']}", {"body": body}), 400, field="body")
    assert api(alice).get(f"/posts/{post['id']}/comments").json()["items"] == [comment]


def test_comment_edit_refuses_a_malformed_body(api, alice, bob):
    post = _post(api(alice))
    comment = _comment(api(bob), post["id"])
    assert_error(api(bob).patch(f"/comments/{comment['id']}", "{"), 400, field="__all__")


def test_editing_or_deleting_an_unknown_comment_is_404(api, alice):
    assert_error(api(alice).patch("/comments/999999", {"body": "x"}), 404)
    assert_error(api(alice).delete("/comments/999999"), 404)


def test_comment_pages_walk_every_comment_exactly_once(api, alice, bob):
    post = _post(api(alice))
    bobs = api(bob)
    created = [_comment(bobs, post["id"], f"Answer {i}")["id"] for i in range(12)]
    items, pages = walk_pages(api(alice), f"/posts/{post['id']}/comments", limit=5)
    assert pages == 3
    assert [c["id"] for c in items] == created


def test_an_invalid_comment_cursor_is_400(api, alice):
    post = _post(api(alice))
    assert_bad_cursors_refused(api(alice), f"/posts/{post['id']}/comments")


def test_comment_list_costs_the_same_queries_for_2_or_12_comments_with_replies(
    api, alice, bob, carol
):
    post = _post(api(alice))
    reader = warm(api(alice))
    bobs, carols = api(bob), api(carol)

    def add_thread(i: int) -> None:
        comment = _comment(bobs if i % 2 else carols, post["id"], f"Answer {i}")
        _comment(carols if i % 2 else bobs, post["id"], f"Reply {i}", parent_id=comment["id"])

    for i in range(2):
        add_thread(i)
    two, body = counted_get(reader, f"/posts/{post['id']}/comments")
    assert len(body["items"]) == 2
    assert all(len(c["replies"]) == 1 for c in body["items"])
    for i in range(2, 12):
        add_thread(i)
    twelve, body = counted_get(reader, f"/posts/{post['id']}/comments")
    assert len(body["items"]) == 12
    assert all(len(c["replies"]) == 1 for c in body["items"])
    assert twelve == two
