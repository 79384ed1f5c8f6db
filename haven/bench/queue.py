"""The moderation queue at scale: top the case table up to N cases (100,000 by
default), then time the queue's first page and the top case's page in-process,
through Django's whole request stack (middleware, auth, serialization) as the
moderator persona. The HTTP run that follows measures both again with wrk.

The added cases are synthetic: each is about a content item that no longer
exists (negative target ids never collide with real ones), with one flag-kind
signal from a population member, spread over a year of opening times and over
the categories' severities, so the priority order is a real mix.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

from django.db import transaction
from django.test import Client
from django.utils import timezone

from haven.bench.generate import RESERVED, Loader, Progress, population_size
from haven.bench.growth import timed
from haven.members.models import Member
from haven.moderation import priority
from haven.moderation.models import Case, Signal
from haven.safety.models import PolicyCategory

CASE_COLUMNS = [
    "id", "target_type", "target_id", "subject_id", "status", "signal_count", "flag_weight",
    "version", "opened_at", "last_signal_at", "closed_at", "priority_base", "rank",
    "top_category_id", "reporter_count", "categories",
]  # fmt: skip
SIGNAL_COLUMNS = [
    "id", "case_id", "kind", "reporter_id", "category_id", "weight", "created_at", "outcome",
]  # fmt: skip


def top_up(target: int, progress: Progress) -> int:
    """Add synthetic cases until there are `target`; return how many were added."""
    missing = target - Case.objects.count()
    members = population_size()
    if missing <= 0 or members < 10:
        return 0
    loader = Loader(progress)
    first_case, first_signal = loader.next_id(Case), loader.next_id(Signal)
    lowest = Case.objects.order_by("target_id").values_list("target_id", flat=True).first() or 0
    start_target = min(lowest, 0) - 1
    categories = list(PolicyCategory.objects.values_list("pk", "severity", "slug"))
    now = timezone.now()

    def cases() -> Iterator[tuple]:
        for n in range(missing):
            category, severity, slug = categories[n % len(categories)]
            opened = now - timedelta(minutes=(n * 7919) % (365 * 24 * 60))
            closed = n % 5 == 0
            base = priority.SEVERITY * severity + priority.REPORTER
            rank = base - priority.AGE_PER_HOUR * opened.timestamp() / 3600
            yield (
                first_case + n, "comment", start_target - n, RESERVED + 1 + n % members,
                "closed" if closed else "open", 1, 1.0, 1, opened, opened,
                opened + timedelta(hours=1) if closed else None, base, rank, category, 1,
                f'["{slug}"]',
            )  # fmt: skip

    def signals() -> Iterator[tuple]:
        for n in range(missing):
            category = categories[n % len(categories)][0]
            opened = now - timedelta(minutes=(n * 7919) % (365 * 24 * 60))
            yield (
                first_signal + n, first_case + n, "flag", RESERVED + 1 + (n * 31 + 7) % members,
                category, 1.0, opened, "agreed" if n % 5 == 0 else "pending",
            )  # fmt: skip

    with transaction.atomic():
        loader.write(Case, CASE_COLUMNS, cases(), missing)
        loader.write(Signal, SIGNAL_COLUMNS, signals(), missing)
    loader.reset_sequences([Case, Signal])
    return missing


def measure(runs: int) -> dict:
    """p50/p95/p99 of the queue's first page and of the top case's page (API and HTML)."""
    moderator = Member.objects.get(username="bench_mod")
    client = Client()
    client.force_login(moderator)
    top = Case.objects.filter(status="open").order_by("-rank", "-id").values_list("pk", flat=True)
    top_id = top.first()

    def get(path: str):
        def call() -> int:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return len(response.content)

        return call

    ops = {
        "queue page (API)": get("/api/v1/staff/cases"),
        "queue page (HTML)": get("/staff/queue"),
        "case page (API)": get(f"/api/v1/staff/cases/{top_id}"),
        "case page (HTML)": get(f"/staff/cases/{top_id}"),
    }
    result = {name: timed(fn, runs) for name, fn in ops.items()}
    first = json.loads(client.get("/api/v1/staff/cases").content)["items"]
    return {
        "cases": Case.objects.count(),
        "open_cases": Case.objects.filter(status="open").count(),
        "top_case": top_id,
        "first_page_items": len(first),
        "timings": result,
    }
