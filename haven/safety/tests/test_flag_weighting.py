"""Who can hide an item with flags: throwaway accounts must not hide a member's post.

A flag weighs its reporter's accuracy only from an established account (old enough,
email verified, something written on Haven); anyone else's weighs little. Accounts
signed up together from one address count as one. An established member's item is
hidden only once someone with a track record has flagged it. Every flag still reaches
the queue. (Elsewhere the personas' flags weigh 1; here the shipped weights apply.)
"""

from __future__ import annotations

import itertools
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from haven.community.actions import create_post
from haven.conftest import ApiClient, establish, make_member
from haven.core.tests.api_helpers import decide
from haven.members.models import Member
from haven.moderation.models import Case
from haven.safety.flags import flag_weight
from haven.safety.models import Flag

pytestmark = pytest.mark.django_db

NEWCOMER = 0.1
_onlookers = itertools.count()


@pytest.fixture(autouse=True)
def _flag_weights(settings):
    settings.HAVEN_FLAG_NEWCOMER_WEIGHT = NEWCOMER
    settings.HAVEN_FLAG_ESTABLISHED_DAYS = 7
    settings.HAVEN_FLAG_HIDE_THRESHOLD = 3


def _post(author, title="How do I say this?"):
    return create_post(actor=author, space="answers", title=title, body="Some question")


def _flag(member, post, category="spam"):
    response = ApiClient(member).post(
        "/flags", {"target_type": "post", "target_id": post.pk, "category": category}
    )
    assert response.status_code == 201, response.content
    return Flag.objects.get(pk=response.json()["id"])


def _sign_up(name: str, address: str) -> Member:
    body = {"username": name, "email": f"{name}@example.org", "password": "a fine passphrase 42"}
    response = ApiClient().post("/auth/signup", body, REMOTE_ADDR=address)
    assert response.status_code == 201, response.content
    return Member.objects.get(username=name)


def _visible_to_others(post) -> bool:
    onlooker = make_member(f"onlooker{next(_onlookers)}")
    return ApiClient(onlooker).get(f"/posts/{post.pk}").status_code == 200


def _established(*names: str) -> list[Member]:
    return [establish(make_member(name)) for name in names]


def _track_record(member, mia) -> Member:
    """`member` flagged a post that a moderator then removed: a flag staff agreed with."""
    spam = _post(make_member(f"spammer{member.pk}"), title="Buy followers")
    _flag(member, spam)
    case = Case.objects.get(target_type="post", target_id=spam.pk)
    decide(ApiClient(mia), case, "remove_content", category="spam", reason="Spam.")
    return member


@pytest.mark.parametrize("author_established", [True, False])
def test_three_brand_new_accounts_cannot_hide_a_post(author_established, bob, mia):
    if author_established:
        establish(bob)
    post = _post(bob)
    throwaways = [_sign_up(f"throwaway{i}", f"203.0.113.{i}") for i in range(3)]
    flags = [_flag(member, post) for member in throwaways]
    assert [flag.weight for flag in flags] == [NEWCOMER] * 3
    post.refresh_from_db()
    assert post.hidden_at is None and _visible_to_others(post)
    # Every flag still reaches the moderators.
    case = Case.objects.get(target_type="post", target_id=post.pk)
    assert case.signals.count() == 3
    queue = ApiClient(mia).get("/staff/cases").json()["items"]
    assert case.pk in [item["id"] for item in queue]


def test_flags_from_established_members_hide_a_newcomers_post(bob):
    post = _post(bob)
    alice, carol, dan = _established("alice", "carol", "dan")
    assert [_flag(m, post).weight for m in (alice, carol)] == [1.0, 1.0]
    post.refresh_from_db()
    assert post.hidden_at is None
    _flag(dan, post)
    post.refresh_from_db()
    assert post.hidden_at is not None and not _visible_to_others(post)
    own = ApiClient(bob).get(f"/posts/{post.pk}")
    assert own.status_code == 200 and own.json()["under_review"] is True


def _young(member):
    Member.objects.filter(pk=member.pk).update(date_joined=timezone.now() - timedelta(days=3))


def _unverified(member):
    Member.objects.filter(pk=member.pk).update(email_verified_at=None)


def _silent(member):
    member.shares.all().delete()


@pytest.mark.parametrize("lacking", [_young, _unverified, _silent], ids=lambda f: f.__name__[1:])
def test_a_flag_weighs_little_from_an_account_that_is_not_established(lacking, alice, bob):
    establish(alice)
    assert flag_weight(alice) == 1.0
    lacking(alice)
    alice.refresh_from_db()
    assert flag_weight(alice) == NEWCOMER
    assert _flag(alice, _post(bob)).weight == NEWCOMER


def test_the_age_an_account_needs_is_a_setting(settings, alice):
    establish(alice, days=3)
    assert flag_weight(alice) == NEWCOMER
    settings.HAVEN_FLAG_ESTABLISHED_DAYS = 2
    assert flag_weight(alice) == 1.0


def test_verifying_the_email_address_makes_a_members_flags_count(
    client, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        dana = _sign_up("dana", "198.51.100.20")
    ApiClient(dana).post("/timeline", {"text": "Guten Tag!"})
    Member.objects.filter(pk=dana.pk).update(date_joined=timezone.now() - timedelta(days=30))
    dana.refresh_from_db()
    assert flag_weight(dana) == NEWCOMER
    [message] = mail.outbox
    link = re.search(r"https?://\S+(/verify-email/\S+)", message.body).group(1)
    assert client.get(link).status_code == 200
    dana.refresh_from_db()
    assert flag_weight(dana) == 1.0


def _backdate(members, days=30):
    for member in members:
        Member.objects.filter(pk=member.pk).update(
            date_joined=member.date_joined - timedelta(days=days)
        )
        member.refresh_from_db()


def test_accounts_signed_up_together_from_one_address_flag_as_one(bob):
    post = _post(bob)
    ring = [_sign_up(f"ring{i}", "198.51.100.7") for i in range(3)]
    assert len({m.signup_address for m in ring}) == 1
    assert "198.51.100.7" not in ring[0].signup_address  # a keyed hash, not the address
    _backdate(ring)
    for member in ring:
        establish(member, days=(timezone.now() - member.date_joined).days)
    assert [flag_weight(m) for m in ring] == [1.0] * 3  # each alone counts as a member
    assert [_flag(m, post).weight for m in ring] == [1.0, 0.0, 0.0]
    case = Case.objects.get(target_type="post", target_id=post.pk)
    assert case.flag_weight == 1.0 and case.signals.count() == 3
    post.refresh_from_db()
    assert post.hidden_at is None
    # Two members who are not connected to them bring it to the threshold.
    for member in _established("alice", "carol"):
        _flag(member, post)
    post.refresh_from_db()
    assert post.hidden_at is not None


def test_accounts_from_one_address_hours_apart_are_not_connected(bob):
    post = _post(bob)
    first, second = (_sign_up(name, "198.51.100.8") for name in ("early", "later"))
    Member.objects.filter(pk=second.pk).update(date_joined=first.date_joined + timedelta(hours=2))
    second.refresh_from_db()
    _backdate([first, second])
    for member in (first, second):
        establish(member, days=(timezone.now() - member.date_joined).days)
    assert [_flag(m, post).weight for m in (first, second)] == [1.0, 1.0]


def test_an_established_members_post_needs_a_flagger_with_a_track_record(bob, mia):
    establish(bob)
    post = _post(bob)
    alice, carol, dan = _established("alice", "carol", "dan")
    for member in (alice, carol, dan):
        _flag(member, post)
    case = Case.objects.get(target_type="post", target_id=post.pk)
    assert case.flag_weight == 3.0  # past the threshold...
    post.refresh_from_db()
    assert post.hidden_at is None and _visible_to_others(post)  # ...but nobody proven flagged
    erin = _track_record(establish(make_member("erin")), mia)
    _flag(erin, post)
    post.refresh_from_db()
    assert post.hidden_at is not None and not _visible_to_others(post)


def test_a_track_record_flag_counts_when_later_flags_reach_the_threshold(bob, mia):
    establish(bob)
    post = _post(bob)
    erin = _track_record(establish(make_member("erin")), mia)
    _flag(erin, post)
    alice, carol = _established("alice", "carol")
    _flag(alice, post)
    post.refresh_from_db()
    assert post.hidden_at is None
    _flag(carol, post)
    post.refresh_from_db()
    assert post.hidden_at is not None


def test_a_staff_flag_hides_an_established_members_post_at_once(bob, mia):
    establish(bob)
    post = _post(bob)
    _flag(mia, post)
    post.refresh_from_db()
    assert post.hidden_at is not None
