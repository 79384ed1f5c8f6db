"""`manage.py bench_quick` (`make bench-quick`): every hot path's ratio to its floor in a
minute, a check to run after any change to a hot path.

Builds (or reuses) a 10,000-member bench community in this database, serves it with
Granian as `make bench` does, and loads each hot path and the bare floor views with
wrk for a few seconds each. Prints one line per operation, `name: <ratio to its
floor>` (reads against the one-SELECT view, writes against the one-INSERT view). The
ratios are noisy to a few points on a shared 2-core machine: compare runs, and use
`make bench` for the numbers that go in docs/benchmarks.md.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from haven.bench import http
from haven.bench.floor import ensure_floor_table
from haven.bench.generate import Progress, generate


class Command(BaseCommand):
    help = "Each hot path's throughput as a ratio of its bare floor view, in under a minute."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--members", type=int, default=10_000)
        parser.add_argument("--seconds", type=float, default=2, help="measured seconds per op")
        parser.add_argument("--warmup", type=float, default=1, help="warm-up seconds per op")
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument("--verbose-http", action="store_true", help="print wrk's numbers")

    def handle(self, *args, **opts) -> None:
        started = time.perf_counter()
        ensure_floor_table()
        try:
            generate(opts["members"], progress=Progress(lambda _line: None, bar=False))
        except (RuntimeError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        results = http.quick(
            seconds=opts["seconds"],
            warmup=opts["warmup"],
            connections=opts["connections"],
            write=self.stdout.write if opts["verbose_http"] else lambda _line: None,
        )
        for r in results:
            if not r["quick"]:
                continue
            line = f"{r['quick']}: {r['of_floor']:.2f}"
            if r["unexpected"]:
                line += f"  ({r['unexpected']} unexpected responses: {r['statuses']})"
            self.stdout.write(line)
        self.stderr.write(f"({time.perf_counter() - started:.0f} s)")
