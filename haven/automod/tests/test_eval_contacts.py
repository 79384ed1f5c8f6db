"""`make eval`'s contact part: scenarios replayed through the detectors, rolled back."""

from __future__ import annotations

import pytest

from haven.automod import evaluate_contacts as ev
from haven.members.models import Member

pytestmark = pytest.mark.django_db

SCENARIOS = [
    {"id": "u+", "detector": "unanswered", "label": "harassment",
     "messages": [["a", 0], ["a", 20], ["a", 30], ["a", 40], ["a", 50]]},
    {"id": "u-", "detector": "unanswered", "label": "benign",
     "messages": [["a", 0], ["a", 20], ["b", 25], ["a", 30], ["a", 40], ["a", 50]]},
    {"id": "k+", "detector": "blocked", "label": "harassment",
     "attempts": [["message", 0], ["friend_request", 30], ["comment", 100]]},
    {"id": "k-", "detector": "blocked", "label": "benign",
     "attempts": [["chat", 0], ["chat", 0.001], ["chat", 0.002]]},
    {"id": "e+", "detector": "evasion", "label": "evasion",
     "earlier": {"email": "rex.turner@gmail.com", "standing": "removed"},
     "new": {"email": "rexturner+2@googlemail.com", "age_days": 2, "browser": False}},
    {"id": "e-", "detector": "evasion", "label": "benign",
     "earlier": {"email": "sam@example.org", "standing": "good"},
     "new": {"email": "pat@example.org", "age_days": 2, "browser": True}},
]  # fmt: skip


def test_scenarios_play_through_the_detectors_and_leave_nothing_behind():
    before = Member.objects.count()
    played = ev.play(SCENARIOS)
    assert [(p.id, p.predicted) for p in played] == [
        ("u+", True), ("u-", False), ("k+", True), ("k-", False), ("e+", True), ("e-", False),
    ]  # fmt: skip
    assert Member.objects.count() == before
    result = ev.measure(played)
    assert result["blocked"] == {"precision": 1.0, "recall": 1.0, "false_positives": 0.0,
                                 "scenarios": 2, "positive": 1}  # fmt: skip
    assert "unanswered" in ev.table(result)


def test_the_kept_scenarios_do_not_get_worse():
    """A guard, at today's figures less a margin: a change that makes a detector miss
    more, or raise more for nothing, fails here before it reaches `make eval`."""
    result = ev.measure(ev.play(ev.read()))
    assert all(m["scenarios"] >= 20 for m in result.values()), result
    floor = {"unanswered": (0.65, 0.8), "blocked": (0.7, 0.7), "evasion": (0.7, 0.65)}
    for name, (precision, recall) in floor.items():
        assert result[name]["precision"] >= precision, (name, result[name])
        assert result[name]["recall"] >= recall, (name, result[name])
