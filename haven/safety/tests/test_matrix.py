"""The policy matrix: every surface × every rule, through HTTP.

Alice (A) owns things: a post, a timeline share, a comment on Carol's post, a
profile. Bob (B) tries each surface against them after one rule is set up. Each
cell is its own test with a fresh world, so a failure names the exact surface
and rule.

A refused cell must look exactly like the surface's one neutral refusal
(`REFUSAL`), whatever the reason: a block and a privacy setting produce the same
status and the same words, so B can never tell which one stopped him. Members
whose account is closed simply do not exist any more (GONE: a 404, or a 401 for
a closed account's own token).

`policies.SURFACES` lists every surface the gate answers; the registry tests at
the bottom fail when a surface (or a new `can_*` predicate) has no row here.
"""

from __future__ import annotations

import html
import inspect
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from haven.chats.actions import start_chat
from haven.community.actions import add_comment, create_post, share
from haven.conftest import ApiClient, make_member
from haven.friends.actions import accept_friend_request, send_friend_request
from haven.members.models import Member
from haven.safety import policies
from haven.safety import selectors as safety_selectors
from haven.safety.blocks import block_member
from haven.safety.privacy import update_privacy

pytestmark = pytest.mark.django_db

SHARE_TEXT = "Alice's timeline share: practising keigo"

ALLOWED = "allowed"
REFUSED = "refused"  # the surface's neutral refusal, word for word (see REFUSAL)
GONE = "gone"  # a closed account: it no longer exists (404), or its token stops working (401)

ABSENT = "absent"  # how a list surface refuses: the item is just not there
REFUSAL: dict[str, str] = {
    "start_chat": f"403 {policies.CANNOT_CHAT}",
    "send_message": f"403 {policies.CANNOT_MESSAGE}",
    "send_friend_request": f"403 {policies.CANNOT_BEFRIEND}",
    "view_timeline_on_profile": f"page says {policies.CANNOT_VIEW}",
    "api_timeline": f"403 {policies.CANNOT_VIEW}",
    "view_share_by_link": "404 No such share.",
    "see_share_in_feed": ABSENT,
    "appear_in_search": ABSENT,
    "comment_on_post": f"403 {policies.CANNOT_COMMENT}",
    "comment_on_share": "404 No such share.",
    "reply_to_comment": f"403 {policies.CANNOT_COMMENT}",
    "post": f"403 {policies.ACCOUNT_CANNOT}",
}


@dataclass
class World:
    a: Member
    b: Member
    c: Member
    post: object
    share: object
    comment: object
    chat: object | None
    api: ApiClient
    web: Client


def _befriend(x: Member, y: Member) -> None:
    accept_friend_request(actor=y, request=send_friend_request(actor=x, target=y))


def _world(relation: str, rule: tuple, *, with_chat: bool) -> World:
    a = make_member("alice")
    b = make_member("bob")
    c = make_member("carol")
    post = create_post(actor=a, space="discussions", title="Keigo", body="How polite is too?")
    carols = create_post(actor=c, space="answers", title="Particles", body="wa or ga?")
    comment = add_comment(actor=a, post=carols, body="It depends on the topic.")
    timeline_share = share(actor=a, text=SHARE_TEXT)
    if relation == "friends":
        _befriend(a, b)
    elif relation == "friends_of_friends":
        _befriend(a, c)
        _befriend(b, c)
    chat = start_chat(actor=b, target=a, body="Hi Alice")[0] if with_chat else None
    api, web = ApiClient(b), Client()
    web.force_login(b)
    kind, *args = rule
    if kind == "block":
        who, whom = {"a": (a, b), "b": (b, a)}[args[0]]
        block_member(actor=who, target=whom)
    elif kind == "privacy":
        update_privacy(actor=a, **{args[0]: args[1]})
    elif kind == "inactive":
        Member.objects.filter(pk={"a": a, "b": b}[args[0]].pk).update(is_active=False)
    return World(a, b, c, post, timeline_share, comment, chat, api, web)


def _verdict(response, ok: tuple[int, ...] = (200, 201)) -> str:
    if response.status_code in ok:
        return ALLOWED
    if response.status_code in (401, 404) and "No such share" not in response.content.decode():
        return GONE
    return f"{response.status_code} {response.json()['error']['message']}"


def _start_chat(w: World) -> str:
    return _verdict(w.api.post("/chats", {"username": "alice", "body": "Hello!"}))


def _send_message(w: World) -> str:
    return _verdict(w.api.post(f"/chats/{w.chat.pk}/messages", {"body": "Are you there?"}))


def _send_friend_request(w: World) -> str:
    # Already friends is the friendship's own answer (409), not a refusal by the gate.
    response = w.api.post("/friend-requests", {"username": "alice"})
    return _verdict(response, ok=(201, 409))


def _view_timeline_on_profile(w: World) -> str:
    response = w.web.get("/u/alice")
    if response.status_code == 404:
        return GONE
    page = html.unescape(response.content.decode())
    if SHARE_TEXT in page:
        return ALLOWED
    if policies.CANNOT_VIEW in page:
        return f"page says {policies.CANNOT_VIEW}"
    return GONE  # signed out: a closed account's session no longer signs it in


def _api_timeline(w: World) -> str:
    response = w.api.get("/members/alice/timeline")
    if response.status_code == 200:
        assert [s["text"] for s in response.json()["items"]] == [SHARE_TEXT]
    return _verdict(response)


def _view_share_by_link(w: World) -> str:
    verdict = _verdict(w.api.get(f"/timeline/{w.share.pk}"))
    page = w.web.get(f"/timeline/{w.share.pk}")
    page_allowed = page.status_code == 200 and SHARE_TEXT in html.unescape(page.content.decode())
    assert page_allowed == (verdict == ALLOWED), (page.status_code, verdict)
    return verdict


def _listed(response, found: Callable[[dict], bool]) -> str:
    if response.status_code != 200:
        return _verdict(response)
    return ALLOWED if any(found(item) for item in response.json()["items"]) else ABSENT


def _see_share_in_feed(w: World) -> str:
    return _listed(w.api.get("/feed"), lambda s: s["id"] == w.share.pk)


def _appear_in_search(w: World) -> str:
    return _listed(w.api.get("/members", {"q": "ALI"}), lambda m: m["username"] == "alice")


def _comment_on_post(w: World) -> str:
    return _verdict(w.api.post(f"/posts/{w.post.pk}/comments", {"body": "Interesting."}))


def _comment_on_share(w: World) -> str:
    return _verdict(w.api.post(f"/timeline/{w.share.pk}/comments", {"body": "Ganbatte!"}))


def _reply_to_comment(w: World) -> str:
    body = {"body": "I disagree.", "parent_id": w.comment.pk}
    return _verdict(w.api.post(f"/posts/{w.comment.post_id}/comments", body))


def _post(w: World) -> str:
    body = {"space": "discussions", "title": "Hello", "body": "New here."}
    return _verdict(w.api.post("/posts", body))


ATTEMPTS: dict[str, Callable[[World], str]] = {
    "start_chat": _start_chat,
    "send_message": _send_message,
    "send_friend_request": _send_friend_request,
    "view_timeline_on_profile": _view_timeline_on_profile,
    "api_timeline": _api_timeline,
    "view_share_by_link": _view_share_by_link,
    "see_share_in_feed": _see_share_in_feed,
    "appear_in_search": _appear_in_search,
    "comment_on_post": _comment_on_post,
    "comment_on_share": _comment_on_share,
    "reply_to_comment": _reply_to_comment,
    "post": _post,
}

TIMELINE = {"view_timeline_on_profile", "api_timeline", "view_share_by_link", "comment_on_share"}
EVERY = set(ATTEMPTS)
NOT_IN_FEED = {"see_share_in_feed": REFUSED}  # the feed shows friends' shares only


def _refused(*surfaces: str) -> dict[str, str]:
    return dict.fromkeys(surfaces, REFUSED)


# (name, relation between A and B, rule, cells that are not ALLOWED)
SCENARIOS: list[tuple[str, str, tuple, dict[str, str]]] = [
    ("no rule, strangers", "strangers", ("none",), NOT_IN_FEED),
    ("no rule, friends", "friends", ("none",), {}),
    ("no rule, friends of friends", "friends_of_friends", ("none",), NOT_IN_FEED),
    ("A blocks B", "friends", ("block", "a"), _refused(*(EVERY - {"post"}))),
    (
        "B blocks A",
        "friends",
        ("block", "b"),
        _refused(
            "start_chat",
            "send_message",
            "send_friend_request",
            "see_share_in_feed",
            "appear_in_search",
        ),
    ),
    (
        "chat: friends, strangers",
        "strangers",
        ("privacy", "who_can_chat", "friends"),
        {**NOT_IN_FEED, **_refused("start_chat")},
    ),
    ("chat: friends, friends", "friends", ("privacy", "who_can_chat", "friends"), {}),
    # An existing chat carries on: the setting is about *starting* one.
    (
        "chat: no one, friends",
        "friends",
        ("privacy", "who_can_chat", "nobody"),
        _refused("start_chat"),
    ),
    (
        "friend requests: everyone",
        "strangers",
        ("privacy", "who_can_friend", "everyone"),
        NOT_IN_FEED,
    ),
    (
        "friend requests: friends of friends, strangers",
        "strangers",
        ("privacy", "who_can_friend", "friends_of_friends"),
        {**NOT_IN_FEED, **_refused("send_friend_request")},
    ),
    (
        "friend requests: friends of friends, friends of friends",
        "friends_of_friends",
        ("privacy", "who_can_friend", "friends_of_friends"),
        NOT_IN_FEED,
    ),
    (
        "friend requests: no one",
        "friends_of_friends",
        ("privacy", "who_can_friend", "nobody"),
        {**NOT_IN_FEED, **_refused("send_friend_request")},
    ),
    (
        "timeline: everyone",
        "strangers",
        ("privacy", "who_can_see_timeline", "everyone"),
        NOT_IN_FEED,
    ),
    ("timeline: members", "strangers", ("privacy", "who_can_see_timeline", "members"), NOT_IN_FEED),
    (
        "timeline: friends, strangers",
        "strangers",
        ("privacy", "who_can_see_timeline", "friends"),
        _refused(*TIMELINE, "see_share_in_feed"),
    ),
    (
        "timeline: friends, friends of friends",
        "friends_of_friends",
        ("privacy", "who_can_see_timeline", "friends"),
        _refused(*TIMELINE, "see_share_in_feed"),
    ),
    ("timeline: friends, friends", "friends", ("privacy", "who_can_see_timeline", "friends"), {}),
    (
        "timeline: only me, friends",
        "friends",
        ("privacy", "who_can_see_timeline", "only_me"),
        _refused(*TIMELINE, "see_share_in_feed"),
    ),
    ("search: no", "friends", ("privacy", "searchable", False), _refused("appear_in_search")),
    (
        "A's account is closed",
        "friends",
        ("inactive", "a"),
        {
            **dict.fromkeys(EVERY - {"post"}, GONE),
            **_refused("see_share_in_feed", "appear_in_search"),
            "view_share_by_link": REFUSED,
            "comment_on_share": REFUSED,
        },
    ),
    ("B's account is closed", "friends", ("inactive", "b"), dict.fromkeys(EVERY, GONE)),
]


def _expected(cells: dict[str, str], surface: str) -> str:
    expected = cells.get(surface, ALLOWED)
    return REFUSAL[surface] if expected == REFUSED else expected


@pytest.mark.parametrize("surface", sorted(ATTEMPTS))
@pytest.mark.parametrize(
    ("relation", "rule", "cells"),
    [pytest.param(*s[1:], id=s[0]) for s in SCENARIOS],
)
def test_every_surface_answers_every_rule(surface, relation, rule, cells):
    world = _world(relation, rule, with_chat=surface == "send_message")
    assert ATTEMPTS[surface](world) == _expected(cells, surface)


ONLY_ME = ("privacy", "who_can_see_timeline", "only_me")
TWINS = {
    "start_chat": (
        ("privacy", "who_can_chat", "nobody"),
        lambda w: w.api.post("/chats", {"username": "alice", "body": "Hello!"}),
    ),
    "send_friend_request": (
        ("privacy", "who_can_friend", "nobody"),
        lambda w: w.api.post("/friend-requests", {"username": "alice"}),
    ),
    "api_timeline": (ONLY_ME, lambda w: w.api.get("/members/alice/timeline")),
    "view_share_by_link": (ONLY_ME, lambda w: w.api.get(f"/timeline/{w.share.pk}")),
    "comment_on_share": (
        ONLY_ME,
        lambda w: w.api.post(f"/timeline/{w.share.pk}/comments", {"body": "Hi"}),
    ),
}


@pytest.mark.parametrize("surface", sorted(TWINS))
def test_a_block_and_a_privacy_setting_refuse_with_the_same_bytes(surface):
    """B blocked, and B shut out by a setting, get byte-identical responses."""
    privacy_rule, attempt = TWINS[surface]
    responses = []
    for rule in (("block", "a"), privacy_rule):
        Member.objects.all().delete()
        response = attempt(_world("friends", rule, with_chat=False))
        responses.append((response.status_code, response.content))
    assert responses[0][0] in (403, 404)
    assert responses[0] == responses[1]


# The registry: the matrix must cover every surface, and every predicate a surface.


def test_the_matrix_has_a_row_for_every_surface_the_gate_answers():
    assert set(ATTEMPTS) == set(policies.SURFACES)
    assert set(REFUSAL) == set(policies.SURFACES)


def test_every_can_predicate_of_the_gate_is_a_registered_surface():
    predicates = {
        name
        for name, fn in inspect.getmembers(policies, inspect.isfunction)
        if name.startswith("can_") and fn.__module__ == policies.__name__
    }
    assert predicates <= set(policies.SURFACES.values())


def test_every_registered_surface_names_a_real_predicate_or_filter():
    for answer in policies.SURFACES.values():
        module, _, name = answer.rpartition(".")
        owner = safety_selectors if module == "selectors" else policies
        assert callable(getattr(owner, name, None)), answer
