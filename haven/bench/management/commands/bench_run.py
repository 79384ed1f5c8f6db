"""`manage.py bench_run`: the whole benchmark `make bench` runs.

Grows the synthetic community (haven/bench/generate.py) through the growth
scales on one database, measuring the policy check, the feed and the queue page
in-process at each, tops the case table up to --queue-cases (100,000) and times
the queue and case pages, then runs every operation over HTTP against the floor
views on the largest. HTTP comes last because its writes (thousands of
messages, flags and reports) would otherwise skew the next scale's growth
numbers. Writes bench.md and bench.json to the output directory. Use an empty
database of its own (`make bench` does).
"""

from __future__ import annotations

import json
import shlex
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from haven.bench import classify, growth, http, queue
from haven.bench.floor import ensure_floor_table
from haven.bench.generate import Progress, generate
from haven.bench.report import machine, markdown, targets


def _scales(text: str) -> list[int]:
    try:
        return sorted({int(s.replace("_", "")) for s in text.split(",") if s.strip()})
    except ValueError:
        raise CommandError("--growth takes member counts separated by commas.") from None


class Command(BaseCommand):
    help = "Generate a community, benchmark Haven over HTTP and measure growth; write a report."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--growth",
            default="10000,100000",
            help="member counts, comma-separated; HTTP runs on the largest",
        )
        parser.add_argument("--seconds", type=int, default=5, help="measured seconds per op")
        parser.add_argument("--warmup", type=int, default=1, help="warm-up seconds per op")
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument("--runs", type=int, default=200, help="in-process runs per op")
        parser.add_argument(
            "--queue-cases", type=int, default=100_000, help="cases in the queue (topped up)"
        )
        parser.add_argument("--skip-http", action="store_true")
        parser.add_argument("--output-dir", default=str(settings.VAR_DIR))

    def handle(self, *args, **opts) -> None:
        scales = _scales(opts["growth"])
        if not scales:
            raise CommandError("--growth needs at least one member count.")
        http_at = None if opts["skip_http"] else scales[-1]
        result: dict = {
            "command": "manage.py bench_run " + shlex.join(sys.argv[2:]),
            "machine": machine(),
            "options": {k: opts[k] for k in ("seconds", "warmup", "connections", "runs")},
            "http_members": http_at,
            "generated": [],
            "http": [],
            "growth": {},
            "queue": {},
            "audited_writes": {},
        }
        ensure_floor_table()
        for scale in scales:
            started = time.perf_counter()
            try:
                loaded = generate(scale, progress=Progress(self.stdout.write))
            except (RuntimeError, ValueError) as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"== {scale:,} members ready in {time.perf_counter() - started:.0f}s")
            result["generated"].append(loaded)
            result["growth"][scale] = growth.measure(opts["runs"])
            self.stdout.write(f"growth at {scale:,}: {result['growth'][scale]}")
        added = queue.top_up(opts["queue_cases"], Progress(self.stdout.write))
        result["queue"] = {"added": added, **queue.measure(opts["runs"])}
        self.stdout.write(f"queue at {result['queue']['cases']:,} cases: {result['queue']}")
        result["classifier"] = classify.measure()
        self.stdout.write(f"classify() per message: {result['classifier']}")
        if http_at:
            result["http"], result["audited_writes"] = http.run(
                seconds=opts["seconds"],
                warmup=opts["warmup"],
                connections=opts["connections"],
                write=self.stdout.write,
            )
        result["targets"] = targets(result["http"], result["growth"], result["audited_writes"])
        self._write(result, Path(opts["output_dir"]))

    def _write(self, result: dict, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        text = markdown(result)
        (out / "bench.md").write_text(text)
        (out / "bench.json").write_text(json.dumps(result, indent=2, default=str))
        self.stdout.write("\n" + text)
        self.stdout.write(f"written to {out / 'bench.md'} and {out / 'bench.json'}")
