"""Flags ("Report concern" on one item): who may flag what, weights, hiding, evidence."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from haven.audit.models import AuditEntry
from haven.chats.actions import delete_message, send_message, start_chat
from haven.chats.models import Message
from haven.community.actions import add_comment, create_post, edit_comment, edit_post, share
from haven.community.models import Comment, Post
from haven.conftest import make_member
from haven.core.tests.api_helpers import assert_error, assert_signed_out_refused
from haven.moderation.models import Case, Signal
from haven.safety.categories import CATEGORIES
from haven.safety.evidence import verify
from haven.safety.flags import flag_item, flag_weight
from haven.safety.models import Evidence, Flag, PolicyCategory

pytestmark = pytest.mark.django_db


def _post(author, title="Is this right?", body="Body text"):
    return create_post(actor=author, space="answers", title=title, body=body)


def _items(bob, carol) -> dict:
    """One of each flaggable thing by bob, every one visible to alice, plus its page."""
    post = _post(bob)
    comment = add_comment(actor=bob, post=post, body="A rude answer")
    bobs_share = share(actor=bob, text="Bob's status")
    carols_share = share(actor=carol, text="Carol's status")
    # Comments on shares have no action yet; the model allows them and they are flaggable.
    share_comment = Comment.objects.create(share=carols_share, author=bob, body="On a share")
    return {
        "post": (post, f"/posts/{post.pk}"),
        "comment": (comment, f"/posts/{post.pk}#c{comment.pk}"),
        "share_comment": (share_comment, f"/timeline/{carols_share.pk}#c{share_comment.pk}"),
        "share": (bobs_share, f"/timeline/{bobs_share.pk}"),
    }


def _message_to(alice, bob, body="You'll regret this"):
    chat, _ = start_chat(actor=alice, target=bob, body="Hi Bob")
    return send_message(actor=bob, chat=chat, body=body)


def _flag(client, target_type, target_id, category="harassment", details=""):
    body = {"target_type": target_type, "target_id": target_id, "category": category}
    if details:
        body["details"] = details
    return client.post("/flags", body)


TARGETS = ["post", "comment", "share_comment", "share", "message"]


def _target(kind, alice, bob, carol):
    if kind == "message":
        message = _message_to(alice, bob)
        return "message", message, f"/chats/{message.chat_id}#m{message.pk}"
    item, url = _items(bob, carol)[kind]
    return ("comment" if kind == "share_comment" else kind), item, url


# Policy categories


def test_policy_categories_list_the_active_ones_in_order(api, count_queries):
    PolicyCategory.objects.filter(slug="dating").update(active=False)
    PolicyCategory.objects.filter(slug="other").update(position=0)
    PolicyCategory.objects.filter(slug="spam").update(position=50)
    with count_queries() as queries:
        response = api().get("/policy-categories")
    assert response.status_code == 200
    assert len(queries) == 1
    body = response.json()
    slugs = [c["slug"] for c in body]
    assert slugs[0] == "other" and slugs[-1] == "spam" and "dating" not in slugs
    assert len(slugs) == len(CATEGORIES) - 1
    other = body[0]
    assert set(other) == {"slug", "name", "description", "severity", "details_required"}
    assert other["details_required"] is True
    assert next(c for c in body if c["slug"] == "violence")["severity"] == 5


def test_admins_edit_policy_categories_and_moderators_only_look(ada, mia, alice, web):
    category = PolicyCategory.objects.get(slug="spam")
    url = f"/admin/safety/policycategory/{category.pk}/change/"
    form = {
        "name": "Spam or advertising",
        "description": "Selling things.",
        "severity": 3,
        "position": 0,
        "active": "on",
    }
    assert web(mia).get("/admin/safety/policycategory/").status_code == 200
    assert web(mia).get(url).status_code == 200
    assert web(mia).post(url, form).status_code == 403
    assert web(mia).get("/admin/safety/policycategory/add/").status_code == 403
    category.refresh_from_db()
    assert category.name == "Commercial spam or advertising"
    assert web(ada).post(url, form).status_code == 302
    category.refresh_from_db()
    assert (category.name, category.severity, category.slug) == ("Spam or advertising", 3, "spam")
    assert web(alice).get("/admin/safety/policycategory/").status_code == 302  # to admin sign-in
    entry = AuditEntry.objects.get(event="policy_category_change")  # a staff action: audited
    assert (entry.old["severity"], entry.new["severity"], entry.actor_id) == (2, 3, ada.pk)


# Flagging each kind of item


@pytest.mark.parametrize("kind", TARGETS)
def test_member_flags_any_item_they_can_see_through_the_api(kind, api, alice, bob, carol):
    target_type, item, _ = _target(kind, alice, bob, carol)
    response = _flag(api(alice), target_type, item.pk, details="  It upset me.  ")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"id", "target_type", "target_id", "category", "details", "created_at"}
    assert body["target_type"] == target_type and body["target_id"] == item.pk
    assert (body["category"], body["details"]) == ("harassment", "It upset me.")
    flag = Flag.objects.get()
    assert (flag.reporter, flag.author, flag.weight) == (alice, bob, 1.0)
    evidence = Evidence.objects.get(flag=flag)
    assert evidence.kind == target_type and evidence.source_id == item.pk and verify(evidence)
    case = Case.objects.get()
    assert (case.target_type, case.target_id, case.subject) == (target_type, item.pk, bob)
    signal = Signal.objects.get()
    assert (signal.kind, signal.reporter, signal.flag, signal.case) == ("flag", alice, flag, case)
    item.refresh_from_db()
    assert item.hidden_at is None  # one member's flag is below the threshold


@pytest.mark.parametrize("kind", TARGETS)
def test_member_flags_any_item_through_the_report_concern_page(kind, web, alice, bob, carol):
    target_type, item, item_url = _target(kind, alice, bob, carol)
    browser = web(alice)
    form = browser.get(f"/flag/{target_type}/{item.pk}")
    assert form.status_code == 200
    page = form.content.decode()
    assert "Report concern" in page and 'type="radio"' in page
    assert "Attacks on people for who they are" in page  # descriptions beside each category
    response = browser.post(f"/flag/{target_type}/{item.pk}", {"category": "spam"})
    assert response.status_code == 302
    assert response["Location"] == item_url
    thanks = [str(m) for m in get_messages(response.wsgi_request)]
    assert thanks == ["Thank you for telling us. It is now with Haven's moderators."]
    flag = Flag.objects.get()
    assert (flag.target_type, flag.target_id, flag.category.slug) == (target_type, item.pk, "spam")


def test_htmx_opens_the_form_inline_and_it_posts_like_the_page(web, alice, bob):
    post = _post(bob)
    response = web(alice).get(f"/flag/post/{post.pk}", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert f'action="/flag/post/{post.pk}"' in fragment and 'method="post"' in fragment


def test_flag_links_show_on_other_members_items_and_not_on_my_own(web, alice, bob):
    post = _post(bob)
    comment = add_comment(actor=alice, post=post, body="My answer")
    page = web(alice).get(f"/posts/{post.pk}").content.decode()
    assert f'href="/flag/post/{post.pk}"' in page
    assert f'href="/flag/comment/{comment.pk}"' not in page
    page = web(bob).get(f"/posts/{post.pk}").content.decode()
    assert f'href="/flag/post/{post.pk}"' not in page
    assert f'href="/flag/comment/{comment.pk}"' in page
    message = _message_to(alice, bob)
    chat_page = web(alice).get(f"/chats/{message.chat_id}").content.decode()
    assert f'href="/flag/message/{message.pk}"' in chat_page
    mine = Message.objects.get(sender=alice)
    assert f'href="/flag/message/{mine.pk}"' not in chat_page
    assert "/flag/" not in Client().get(f"/posts/{post.pk}").content.decode()


def test_flagging_needs_sign_in(api, bob):
    post = _post(bob)
    assert_signed_out_refused(_flag(api(), "post", post.pk))
    response = Client().get(f"/flag/post/{post.pk}")
    assert response.status_code == 302 and response["Location"].startswith("/signin")


# The rules


def test_a_second_flag_on_the_same_item_is_a_conflict(api, web, alice, bob):
    post = _post(bob)
    assert _flag(api(alice), "post", post.pk).status_code == 201
    assert_error(_flag(api(alice), "post", post.pk, category="spam"), 409, code="already_flagged")
    response = web(alice).post(f"/flag/post/{post.pk}", {"category": "spam"})
    assert response.status_code == 409
    assert "already flagged" in response.content.decode()
    assert "already flagged" in web(alice).get(f"/flag/post/{post.pk}").content.decode()
    assert Flag.objects.count() == 1
    assert Case.objects.get().signal_count == 1


def test_nobody_flags_their_own_content(api, web, alice, bob):
    post = _post(bob)
    comment = add_comment(actor=alice, post=post, body="Mine")
    assert_error(_flag(api(alice), "comment", comment.pk), 400, field="target_id")
    assert_error(_flag(api(bob), "post", post.pk), 400, field="target_id")
    assert web(alice).get(f"/flag/comment/{comment.pk}").status_code == 400
    assert web(alice).post(f"/flag/comment/{comment.pk}", {"category": "spam"}).status_code == 400
    assert not Flag.objects.exists() and not Case.objects.exists()


def test_an_item_you_cannot_see_is_not_found(api, web, alice, bob, carol):
    chat, others_message = start_chat(actor=bob, target=carol, body="Private between us")
    hidden = _post(bob, title="Hidden from alice")
    Post.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    for target_type, target_id in [
        ("message", others_message.pk),
        ("post", hidden.pk),
        ("post", 999_999),
        ("message", 999_999),
        ("comment", 999_999),
        ("share", 999_999),
    ]:
        error = assert_error(_flag(api(alice), target_type, target_id), 404)
        assert (
            web(alice).post(f"/flag/{target_type}/{target_id}", {"category": "spam"}).status_code
            == 404
        )
        if target_type == "message":
            assert error["message"] == "No such message."  # the same whether it exists or not
    assert not Flag.objects.exists()


def test_flagging_is_rate_limited_per_member_with_retry_after(api, web, settings, alice, bob):
    settings.HAVEN_FLAGS_PER_HOUR = 2
    posts = [_post(bob, title=f"Post {i}") for i in range(4)]
    client = api(alice)
    assert _flag(client, "post", posts[0].pk).status_code == 201
    assert _flag(client, "post", posts[1].pk).status_code == 201
    response = _flag(client, "post", posts[2].pk)
    assert_error(response, 429, code="rate_limited")
    assert 0 < int(response["Retry-After"]) <= 3600
    page = web(alice).post(f"/flag/post/{posts[3].pk}", {"category": "spam"})
    assert page.status_code == 429 and int(page["Retry-After"]) > 0
    assert _flag(api(make_member("dan")), "post", posts[2].pk).status_code == 201  # per member
    assert Flag.objects.filter(reporter=alice).count() == 2


def test_details_are_required_for_other_and_optional_elsewhere(api, web, alice, bob):
    post = _post(bob)
    assert_error(_flag(api(alice), "post", post.pk, category="other"), 400, field="details")
    page = web(alice).post(f"/flag/post/{post.pk}", {"category": "other", "details": "  "})
    assert page.status_code == 400
    assert page.context["form"].errors["details"]
    assert not Flag.objects.exists()
    response = _flag(api(alice), "post", post.pk, category="other", details="Copied my work")
    assert response.status_code == 201
    assert _flag(api(make_member("dan")), "post", post.pk, category="spam").status_code == 201


def test_bad_flag_input_is_refused_with_field_messages(api, web, alice, bob):
    post = _post(bob)
    assert_error(_flag(api(alice), "member", bob.pk), 400, field="target_type")
    assert_error(_flag(api(alice), "post", post.pk, category="nonsense"), 400, field="category")
    PolicyCategory.objects.filter(slug="dating").update(active=False)
    assert_error(_flag(api(alice), "post", post.pk, category="dating"), 400, field="category")
    too_long = _flag(api(alice), "post", post.pk, details="x" * 2001)
    assert_error(too_long, 400, field="details")
    assert_error(api(alice).post("/flags", {"target_type": "post"}), 400, field="target_id")
    assert web(alice).post(f"/flag/post/{post.pk}", {}).status_code == 400
    assert web(alice).get(f"/flag/member/{bob.pk}").status_code == 404
    assert not Flag.objects.exists()


# Weights and hiding


def test_flag_weight_is_one_for_members_and_reaches_the_threshold_for_staff(
    settings, alice, mia, ada, sam
):
    settings.HAVEN_FLAG_HIDE_THRESHOLD = 5
    assert flag_weight(alice) == 1.0
    assert all(flag_weight(staff) >= 5 for staff in (mia, ada, sam))


def test_enough_flags_hide_a_post_from_everyone_but_its_author(
    api, web, settings, alice, bob, carol
):
    settings.HAVEN_FLAG_HIDE_THRESHOLD = 2
    post = _post(bob, title="Nasty question")
    dan = make_member("dan")
    assert _flag(api(alice), "post", post.pk).status_code == 201
    assert web(dan).get(f"/posts/{post.pk}").status_code == 200  # one flag is not enough
    response = web(carol).post(f"/flag/post/{post.pk}", {"category": "hate"})
    assert response["Location"] == "/answers"  # the post has no page for carol any more
    post.refresh_from_db()
    assert post.hidden_at is not None
    assert Case.objects.get().flag_weight == 2.0
    for viewer in (dan, alice, carol):
        assert web(viewer).get(f"/posts/{post.pk}").status_code == 404
        assert_error(api(viewer).get(f"/posts/{post.pk}"), 404)
        assert "Nasty question" not in web(viewer).get("/answers").content.decode()
    assert Client().get(f"/posts/{post.pk}").status_code == 404
    page = web(bob).get(f"/posts/{post.pk}")
    assert "Hidden while under review" in page.content.decode()
    assert api(bob).get(f"/posts/{post.pk}").json()["under_review"] is True
    assert (
        "Hidden while under review" not in web(bob).get(f"/posts/{_post(bob).pk}").content.decode()
    )


def test_enough_flags_hide_a_chat_message_from_the_other_member(api, web, settings, alice, bob):
    settings.HAVEN_FLAG_HIDE_THRESHOLD = 1
    message = _message_to(alice, bob, body="Threatening words")
    assert _flag(api(alice), "message", message.pk, category="violence").status_code == 201
    alice_sees = api(alice).get(f"/chats/{message.chat_id}/messages").json()["items"]
    assert [m["body"] for m in alice_sees] == ["Hi Bob"]
    assert "Threatening words" not in web(alice).get(f"/chats/{message.chat_id}").content.decode()
    bob_sees = api(bob).get(f"/chats/{message.chat_id}/messages").json()["items"]
    assert [(m["body"], m["under_review"]) for m in bob_sees] == [
        ("Threatening words", True),
        ("Hi Bob", False),
    ]
    assert "Hidden while under review" in web(bob).get(f"/chats/{message.chat_id}").content.decode()
    preview = api(alice).get("/chats").json()["items"][0]["last_message"]
    assert preview["body"] == "Hi Bob"  # the chat list no longer previews the hidden text
    assert "Threatening words" not in web(alice).get("/chats").content.decode()


def test_hidden_comments_and_shares_are_marked_under_review_for_their_author(
    api, web, settings, alice, bob, carol
):
    settings.HAVEN_FLAG_HIDE_THRESHOLD = 1
    post = _post(carol)
    comment = add_comment(actor=bob, post=post, body="Insulting answer")
    bobs_share = share(actor=bob, text="Insulting status")
    assert _flag(api(alice), "comment", comment.pk).status_code == 201
    assert _flag(api(alice), "share", bobs_share.pk).status_code == 201
    comments = api(bob).get(f"/posts/{post.pk}/comments").json()["items"]
    assert [(c["body"], c["under_review"]) for c in comments] == [("Insulting answer", True)]
    assert api(carol).get(f"/posts/{post.pk}/comments").json()["items"] == []
    assert api(bob).get(f"/timeline/{bobs_share.pk}").json()["under_review"] is True
    assert_error(api(carol).get(f"/timeline/{bobs_share.pk}"), 404)
    assert "Hidden while under review" in web(bob).get(f"/posts/{post.pk}").content.decode()
    assert (
        "Hidden while under review" in web(bob).get(f"/timeline/{bobs_share.pk}").content.decode()
    )
    assert "Insulting answer" not in web(carol).get(f"/posts/{post.pk}").content.decode()


def test_a_staff_flag_hides_at_once(api, mia, bob):
    post = _post(bob)
    assert _flag(api(mia), "post", post.pk, category="spam").status_code == 201
    post.refresh_from_db()
    assert post.hidden_at is not None
    assert Flag.objects.get().weight >= 3


def test_a_flag_that_fails_half_way_leaves_nothing_behind(monkeypatch, alice, bob):
    post = _post(bob)

    def broken(**kwargs):
        raise RuntimeError("case store down")

    monkeypatch.setattr("haven.safety.flags.add_signal", broken)
    with pytest.raises(RuntimeError):
        flag_item(actor=alice, target_type="post", target_id=post.pk, category="spam")
    assert not Flag.objects.exists() and not Evidence.objects.exists()
    assert not Case.objects.exists()


def test_the_author_is_never_told_who_flagged(api, settings, alice, bob):
    settings.HAVEN_FLAG_HIDE_THRESHOLD = 1
    post = _post(bob)
    assert _flag(api(alice), "post", post.pk, details="alice here").status_code == 201
    text = api(bob).get(f"/posts/{post.pk}").content.decode()
    assert "alice" not in text and "harassment" not in text


# Evidence


def test_frozen_evidence_of_a_flagged_item_survives_editing_the_original(alice, bob):
    post = _post(bob, body="Original words")
    comment = add_comment(actor=bob, post=post, body="Original comment")
    message = _message_to(alice, bob, body="Original message")
    for target_type, item in (("post", post), ("comment", comment), ("message", message)):
        flag_item(actor=alice, target_type=target_type, target_id=item.pk, category="harassment")
    edit_post(actor=bob, post=post, body="Innocent words")
    edit_comment(actor=bob, comment=comment, body="Innocent comment")
    delete_message(actor=bob, message=message)
    texts = {e.kind: e.payload["text"] for e in Evidence.objects.all()}
    assert texts == {
        "post": "Original words",
        "comment": "Original comment",
        "message": "Original message",
    }
    assert all(verify(e) for e in Evidence.objects.all())
    frozen = Evidence.objects.get(kind="message").payload
    assert [m["text"] for m in frozen["before"]] == ["Hi Bob"]
    assert frozen["author"]["username"] == "bob"


def test_the_api_documents_flags_categories_and_cases():
    paths = Client().get("/api/openapi.json", follow=True).json()["paths"]
    for path in ("/api/v1/policy-categories", "/api/v1/flags", "/api/v1/staff/cases"):
        assert path in paths, path
