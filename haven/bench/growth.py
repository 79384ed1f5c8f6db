"""How the safety-critical reads grow with the data: measured in-process.

The same three calls at every scale, by the same personas (whose own fan-out
stays fixed: 200 friends, one chat, one moderator), so the only thing that
changes between 10k and 1M members is how much else the database holds:

- policy: `policies.can_message(viewer, chat)`, the check on every message;
- feed: the first page of `feed_for(viewer)`;
- queue: the first page of the open-case priority queue, `queue(moderator)`;
- case: the case page's data, `case_file(moderator, id)`, for the top case.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from django.db import connection, reset_queries

from haven.chats.models import Chat
from haven.community.selectors import feed_for
from haven.members.models import Member
from haven.moderation.selectors import case_file, queue
from haven.safety import policies

OPERATIONS = ("policy", "feed", "queue", "case")


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def timed(fn: Callable[[], object], runs: int) -> dict[str, float]:
    for _ in range(max(5, runs // 10)):  # warm-up: caches, prepared plans, connection
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
        reset_queries()  # DEBUG keeps a query log; it must not grow over the runs
    return {
        "p50_ms": round(statistics.median(samples), 3),
        "p95_ms": round(percentile(samples, 95), 3),
        "p99_ms": round(percentile(samples, 99), 3),
        "runs": runs,
    }


def operations() -> dict[str, Callable[[], object]]:
    viewer = Member.objects.get(username="bench_viewer")
    friend = Member.objects.get(username="bench_friend")
    moderator = Member.objects.get(username="bench_mod")
    low, high = sorted([viewer.pk, friend.pk])
    chat = Chat.objects.get(member_low_id=low, member_high_id=high)

    def policy() -> object:
        return policies.can_message(viewer, chat).allowed

    def feed() -> object:
        return len(feed_for(viewer).items)

    def first_page() -> object:
        return len(queue(moderator).items)

    top = queue(moderator, limit=1).items[0].pk

    def case() -> object:
        return len(case_file(moderator, top).evidence)

    return {"policy": policy, "feed": feed, "queue": first_page, "case": case}


def measure(runs: int) -> dict[str, dict[str, float]]:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {name: timed(fn, runs) for name, fn in operations().items()}


def ratios(by_scale: dict[int, dict[str, dict[str, float]]]) -> dict[int, dict[str, float]]:
    """p95 at each scale over p95 at the smallest one (target: at most 1.3)."""
    first = by_scale[min(by_scale)]
    return {
        scale: {op: round(ops[op]["p95_ms"] / first[op]["p95_ms"], 2) for op in OPERATIONS}
        for scale, ops in by_scale.items()
    }
