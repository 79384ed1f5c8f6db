"""The API token cache (haven.members.token_cache): a repeated bearer request costs no
lookup query, and every change to the token or its member is seen by the next request."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from haven.core.tests.api_helpers import assert_error, assert_signed_out_refused, decide
from haven.members.roles import MODERATOR
from haven.moderation.models import Case
from haven.safety.reports import file_report

pytestmark = pytest.mark.django_db


def _token_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "members_apitoken" in q["sql"]]


def test_a_second_request_with_a_token_costs_no_lookup(api, alice, count_queries):
    client = api(alice)
    with count_queries() as first:
        assert client.get("/me").status_code == 200
    with count_queries() as second:
        assert client.get("/me").status_code == 200
    assert len(_token_queries(first)) == 2  # the lookup, and the first touch of last_used_at
    assert _token_queries(second) == []
    assert len(second) == len(first) - 3  # and the role, cached with the member


def test_an_unknown_token_is_refused_every_time(api):
    for _ in range(2):
        assert_signed_out_refused(api().get("/me", HTTP_AUTHORIZATION="Bearer hvn_nope"))


def test_the_cache_can_be_turned_off(api, alice, count_queries, settings):
    settings.HAVEN_TOKEN_CACHE_SECONDS = 0
    client = api(alice)
    client.get("/me")
    with count_queries() as again:
        assert client.get("/me").status_code == 200
    assert len(_token_queries(again)) == 1


def test_a_profile_change_is_seen_by_the_next_request(api, alice):
    client = api(alice)
    client.get("/me")
    assert client.patch("/me", {"display_name": "Alice B."}).status_code == 200
    assert client.get("/me").json()["display_name"] == "Alice B."


def _case_about(reporter, subject) -> Case:
    file_report(actor=reporter, subject=subject, category="harassment", details="Insults.")
    return Case.objects.get(target_type="member", target_id=subject.pk)


def _decide(api, mia, case, action, **extra):
    decide(api(mia), case, action, category="harassment", reason="Insults in chat.", **extra)


@pytest.mark.parametrize(("action", "extra"), [("suspend", {"days": 7}), ("remove_member", {})])
def test_a_suspended_or_removed_member_is_refused_at_once(api, alice, bob, mia, action, extra):
    harasser = api(bob)
    assert harasser.get("/me").status_code == 200  # the token is now cached
    _decide(api, mia, _case_about(alice, bob), action, **extra)
    assert_signed_out_refused(harasser.get("/me"))


def test_a_restriction_applies_to_the_next_request(api, alice, bob, mia):
    harasser = api(bob)
    assert harasser.get("/me").status_code == 200
    _decide(api, mia, _case_about(alice, bob), "restrict", days=7)
    post = {"space": "discussions", "title": "Hello", "body": "Anyone here?"}
    assert_error(harasser.post("/posts", post), 403, code="restricted")


def test_a_staff_request_reads_the_role_with_the_cached_member(api, mia, count_queries):
    client = api(mia)
    assert client.get("/staff/cases").status_code == 200
    with count_queries() as again:
        assert client.get("/staff/cases").status_code == 200
    assert not [q for q in again if "auth_group" in q["sql"]]


def _moderators():
    return Group.objects.get(name=MODERATOR)


def _rename(group) -> None:
    group.name = "Former moderators"
    group.save()


@pytest.mark.parametrize(
    "demote",
    [
        lambda mia: mia.groups.remove(_moderators()),  # the admin's member form
        lambda mia: _moderators().user_set.remove(mia),  # the admin's group form
        lambda mia: mia.groups.clear(),
        lambda mia: _moderators().user_set.clear(),
        lambda mia: _rename(_moderators()),
        lambda mia: _moderators().delete(),
    ],
    ids=[
        "groups.remove",
        "user_set.remove",
        "groups.clear",
        "user_set.clear",
        "renamed",
        "deleted",
    ],  # fmt: skip
)
def test_a_role_taken_away_is_seen_by_the_next_request(api, mia, demote):
    client = api(mia)
    assert client.get("/staff/cases").status_code == 200  # cached, with the role
    demote(mia)
    assert_error(client.get("/staff/cases"), 403)
