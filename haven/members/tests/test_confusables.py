"""Look-alike usernames (haven.members.confusables): the groups come from Unicode's
confusables data as the package ships it, and every member carries a skeleton."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps

from haven.conftest import make_member
from haven.members.confusables import _groups, skeleton
from haven.members.models import Member

pytestmark = pytest.mark.django_db


def test_the_lookalike_groups_are_read_from_unicodes_data():
    groups = _groups()
    assert groups["1"] == groups["l"] and groups["m"] == groups["rn"]
    assert all(set(text) <= set("abcdefghijklmnopqrstuvwxyz0123456789_") for text in groups)


@pytest.mark.parametrize(
    ("a", "b", "alike"),
    [
        ("alice", "a1ice", True),
        ("mia", "rnia", True),
        ("bob", "b0b", False),
        ("ann", "anna", False),
    ],
)
def test_two_usernames_look_alike_when_their_skeletons_match(a, b, alike):
    assert (skeleton(a) == skeleton(b)) is alike


def test_every_member_keeps_the_skeleton_of_their_username():
    member = make_member("ernma")
    assert Member.objects.get(pk=member.pk).username_skeleton == skeleton("emma")
    Member.objects.filter(pk=member.pk).update(username_skeleton="")
    module = import_module("haven.members.migrations.0005_username_skeleton")
    module.fill_skeletons(apps, None)  # what the migration did for members before it
    assert Member.objects.get(pk=member.pk).username_skeleton == skeleton("emma")
