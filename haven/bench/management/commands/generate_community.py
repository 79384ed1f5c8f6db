"""`manage.py generate_community --members N`: the benchmarks' synthetic community.

Grows the database's bench community to N population members (the rest
proportional: see haven/bench/generate.py), printing rows per second per table.
Use an empty database of its own: `make bench` does.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from haven.bench.generate import Progress, generate


class Command(BaseCommand):
    help = "Load (or grow) a synthetic community of N members for the benchmarks."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--members", type=int, default=10_000)

    def handle(self, *args, **opts) -> None:
        try:
            result = generate(opts["members"], progress=Progress(self.stdout.write))
        except (RuntimeError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{result['members']:,} members ({result['added']:,} added): {result['rows']:,} rows "
            f"in {result['seconds']}s, {result['rows_per_second']:,} rows/s while loading"
        )
