"""`make eval`, second part: the contact detectors replayed on labelled scenarios
(haven/automod/tests/data/contacts.jsonl, see the README beside it).

Each scenario is played in the database, in a transaction rolled back at the end, by
calling the detector exactly as its task does, at the scenario's times (the clock the
detectors read is moved to each event): a chat's messages for the unanswered-messages
detector, refused attempts for the contact-after-block detector, two accounts for the
block evasion detector. A scenario is predicted positive when it raised a signal.

The numbers are printed, not gated: most benign scenarios are hard by design (a
tutor's reminders nobody answers, a shared family laptop), cases a detector that
sees only when and where, not who or why, cannot tell apart; they are there to show
what a moderator will read for nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from unittest import mock

from django.db import transaction
from django.utils import timezone

from haven.automod import detectors
from haven.chats.models import Chat, ChatMembership, Message
from haven.friends.models import Friendship
from haven.members.models import Member
from haven.moderation.models import Signal

CONTACTS_SET = Path(__file__).resolve().parent / "tests" / "data" / "contacts.jsonl"
DETECTORS = ("unanswered", "blocked", "evasion")


@dataclass(frozen=True)
class Played:
    id: str
    detector: str
    label: str  # "benign" or the positive label
    predicted: bool
    note: str

    @property
    def positive(self) -> bool:
        return self.label != "benign"


def read(path: Path = CONTACTS_SET) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@contextmanager
def _clock(at: datetime) -> Iterator[None]:
    with mock.patch.object(detectors.timezone, "now", return_value=at):
        yield


def _member(name: str, *, email: str = "", joined: datetime | None = None, **state) -> Member:
    member = Member(username=name, email=email or f"{name}@example.org", display_name=name,
                    date_joined=joined or timezone.now(), **state)  # fmt: skip
    member.set_unusable_password()
    member.save()
    return member


def _raised(member: Member) -> bool:
    return Signal.objects.filter(case__subject=member, kind=Signal.Kind.AUTOMATED).exists()


def _unanswered(row: dict, start: datetime) -> bool:
    a, b = _member("eval_a"), _member("eval_b")
    low, high = sorted([a, b], key=lambda m: m.pk)
    chat = Chat.objects.create(member_low=low, member_high=high)
    ChatMembership.objects.bulk_create([ChatMembership(chat=chat, member=m) for m in (a, b)])
    if row.get("friends"):
        Friendship.objects.bulk_create(
            [Friendship(member=a, friend=b), Friendship(member=b, friend=a)]
        )
    texts = row.get("texts") or [f"message {i}" for i in range(len(row["messages"]))]
    for (who, hours), text in zip(row["messages"], texts, strict=True):
        sender = a if who == "a" else b
        message = Message.objects.create(chat=chat, sender=sender, body=text)
        when = start + timedelta(hours=hours)
        Message.objects.filter(pk=message.pk).update(created_at=when)
        message = Message.objects.select_related(
            "sender", "chat__member_low", "chat__member_high"
        ).get(pk=message.pk)
        with _clock(when):
            detectors.after_unanswered(message)
    return _raised(a)


def _blocked(row: dict, start: datetime) -> bool:
    a, blocker = _member("eval_a"), _member("eval_blocker")
    for what, hours in row["attempts"]:
        with _clock(start + timedelta(hours=hours)):
            detectors.after_refused_contact(a, blocker, what=what)
    return _raised(a)


STANDING = {
    "removed": lambda now: {"removed_at": now - timedelta(days=3), "is_active": False},
    "suspended": lambda now: {"suspended_until": now + timedelta(days=5)},
    "good": lambda now: {},
}


def _evasion(row: dict, start: datetime) -> bool:
    earlier = row["earlier"]
    old = _member("eval_earlier", email=earlier["email"], **STANDING[earlier["standing"]](start))
    new = row["new"]
    joined = start - timedelta(days=new["age_days"])
    member = _member("eval_new", email=new["email"], joined=joined)
    with _clock(start):
        detectors.after_joined_or_device(member, old.username if new["browser"] else "")
    return _raised(member)


PLAY = {"unanswered": _unanswered, "blocked": _blocked, "evasion": _evasion}


def play(rows: list[dict]) -> list[Played]:
    """Replay every scenario, each in its own savepoint, all rolled back."""
    start = timezone.now()
    out = []
    with transaction.atomic():
        for row in rows:
            with transaction.atomic():
                predicted = PLAY[row["detector"]](row, start)
                transaction.set_rollback(True)
            out.append(Played(row["id"], row["detector"], row["label"], predicted,
                              row.get("note", "")))  # fmt: skip
        transaction.set_rollback(True)
    return out


def measure(played: list[Played]) -> dict[str, dict]:
    result = {}
    for name in DETECTORS:
        group = [p for p in played if p.detector == name]
        tp = sum(1 for p in group if p.predicted and p.positive)
        predicted = sum(1 for p in group if p.predicted)
        positive = sum(1 for p in group if p.positive)
        benign = [p for p in group if not p.positive]
        result[name] = {
            "precision": tp / predicted if predicted else None,
            "recall": tp / positive if positive else None,
            "false_positives": (
                sum(1 for p in benign if p.predicted) / len(benign) if benign else None
            ),
            "scenarios": len(group),
            "positive": positive,
        }
    return result


def table(result: dict[str, dict]) -> str:
    def f(value: float | None) -> str:
        return "   -" if value is None else f"{value:4.2f}"

    rows = ["contact detector  precision  recall  benign flagged  scenarios (positive)"]
    for name, m in result.items():
        fp = "   -" if m["false_positives"] is None else f"{m['false_positives']:5.1%}"
        rows.append(
            f"{name:17} {f(m['precision']):>9}  {f(m['recall']):>6}  {fp:>14}  "
            f"{m['scenarios']:9} ({m['positive']})"
        )
    return "\n".join(rows)
