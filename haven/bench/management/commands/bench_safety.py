"""`manage.py bench_safety`: what blocks cost on the hot paths.

Builds a community, then measures the home feed and sending a chat message with
no blocks, adds 10,000 blocks (half of them involving the measured member, the
worst case for the NOT EXISTS filters) and measures again on the same data. The
ratio of the two is the number to watch (target: at most 1.2).

Run it through `make bench-safety`, which uses its own database (var/bench/),
or point DATABASE_URL at an empty PostgreSQL database.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import override_settings

from haven.bench.growth import timed
from haven.chats import actions as chats
from haven.community.models import Share
from haven.community.selectors import feed_for
from haven.friends.models import Friendship
from haven.members.models import Member
from haven.safety.models import Block

BATCH = 5_000


class Command(BaseCommand):
    help = "Measure feed and send-message latency with 0 and with 10,000 blocks."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--members", type=int, default=20_000)
        parser.add_argument("--friends", type=int, default=200)
        parser.add_argument("--shares", type=int, default=40_000)
        parser.add_argument("--blocks", type=int, default=10_000)
        parser.add_argument("--runs", type=int, default=300)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--output", default=str(settings.VAR_DIR / "bench-safety.json"))

    def handle(self, *args, **opts) -> None:
        rng = random.Random(opts["seed"])
        if Member.objects.filter(username="bench_viewer").exists():
            self.stderr.write("This database already holds a bench community; use a fresh one.")
            return
        started = time.perf_counter()
        viewer, friend, others = self._community(rng, opts)
        self._analyze()  # fresh statistics before the first measurement, not only after blocks
        self.stdout.write(f"data ready in {time.perf_counter() - started:.1f}s")
        chat, _ = chats.start_chat(actor=viewer, target=friend, body="hello")

        def feed() -> None:
            list(feed_for(viewer).items)

        def send() -> None:
            chats.send_message(actor=viewer, chat=chat, body="How was your lesson today?")

        # Hundreds of messages a minute: far past a member's allowance, which is still
        # counted (its cost is part of sending) but never refuses here.
        with override_settings(
            HAVEN_MESSAGES_PER_MINUTE=10**9, HAVEN_FRIEND_MESSAGES_PER_MINUTE=10**9
        ):
            before = {"feed": timed(feed, opts["runs"]), "send_message": timed(send, opts["runs"])}
            self._blocks(rng, viewer, others, opts["blocks"])
            after = {"feed": timed(feed, opts["runs"]), "send_message": timed(send, opts["runs"])}
        self._report(before, after, opts)

    def _community(self, rng: random.Random, opts) -> tuple[Member, Member, list[int]]:
        count = opts["members"]
        public_ids = rng.sample(range(100_000_000, 999_999_999), count + 1)
        members = [
            Member(
                username=f"bench_{i}" if i else "bench_viewer",
                display_name=f"Bench {i}",
                email=f"bench{i}@example.org",
                password="!",
                public_id=public_ids[i],
            )
            for i in range(count + 1)
        ]
        Member.objects.bulk_create(members, batch_size=BATCH)
        ids = list(
            Member.objects.filter(username__startswith="bench_").values_list("pk", flat=True)
        )
        viewer = Member.objects.get(username="bench_viewer")
        ids.remove(viewer.pk)
        friend_ids = rng.sample(ids, opts["friends"])
        Friendship.objects.bulk_create(
            [Friendship(member_id=viewer.pk, friend_id=f) for f in friend_ids]
            + [Friendship(member_id=f, friend_id=viewer.pk) for f in friend_ids],
            batch_size=BATCH,
        )
        authors = friend_ids * 5 + [rng.choice(ids) for _ in range(opts["shares"])]
        Share.objects.bulk_create(
            [Share(author_id=a, text=f"Practising every day ({n})") for n, a in enumerate(authors)],
            batch_size=BATCH,
        )
        others = [i for i in ids if i not in set(friend_ids)]
        return viewer, Member.objects.get(pk=friend_ids[0]), others

    def _blocks(self, rng: random.Random, viewer: Member, others: list[int], total: int) -> None:
        mine = rng.sample(others, total // 2)
        rows = [Block(blocker_id=viewer.pk, blocked_id=b) for b in mine[: total // 4]]
        rows += [Block(blocker_id=b, blocked_id=viewer.pk) for b in mine[total // 4 :]]
        pairs = {(r.blocker_id, r.blocked_id) for r in rows}
        while len(rows) < total:
            a, b = rng.sample(others, 2)
            if (a, b) not in pairs:
                pairs.add((a, b))
                rows.append(Block(blocker_id=a, blocked_id=b))
        Block.objects.bulk_create(rows, batch_size=BATCH)
        self._analyze()

    def _analyze(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def _report(self, before: dict, after: dict, opts) -> None:
        rows = []
        for op in ("feed", "send_message"):
            ratio = after[op]["p95_ms"] / before[op]["p95_ms"]
            rows.append((op, before[op], after[op], round(ratio, 2)))
        lines = [
            f"Blocks on the hot paths ({connection.vendor}, {opts['members']:,} members, "
            f"{opts['blocks']:,} blocks, {opts['runs']} runs each)",
            "",
            "| operation | p50 / p95 ms, 0 blocks | p50 / p95 ms, with blocks | p95 ratio |",
            "| --- | --- | --- | --- |",
        ]
        for op, b, a, ratio in rows:
            lines.append(
                f"| {op} | {b['p50_ms']} / {b['p95_ms']} | {a['p50_ms']} / {a['p95_ms']} "
                f"| {ratio} |"
            )
        self.stdout.write("\n".join(lines))
        result = {"database": connection.vendor, "options": opts, "before": before, "after": after}
        Path(opts["output"]).write_text(json.dumps(result, indent=2, default=str))
        self.stdout.write(f"\nwritten to {opts['output']}")
