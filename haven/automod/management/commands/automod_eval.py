"""`make eval`: the classifier on Haven's labelled set, as a table (haven.automod.evaluate)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from haven.automod import evaluate


class Command(BaseCommand):
    help = "Score the labelled set with the classifier: precision, recall, false positives."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--set",
            type=Path,
            default=evaluate.EVAL_SET,
            help="a JSON-lines file like haven/automod/tests/data/eval.jsonl",
        )
        parser.add_argument(
            "--errors", action="store_true", help="also list every line predicted wrongly"
        )

    def handle(self, *args, **options) -> None:
        lines = evaluate.predict(evaluate.read(options["set"]))
        result = evaluate.measure(lines)
        self.stdout.write(evaluate.table(result))
        if options["errors"]:
            self.stdout.write("")
            for x in lines:
                if x.predicted != x.label:
                    self.stdout.write(
                        f"{x.id:8} {x.label:>10} → {x.predicted:10} "
                        f"{x.score:.2f} [{x.kind}] {x.text[:90]!r}"
                    )
        missed = evaluate.misses(result)
        if missed:
            raise CommandError("targets missed: " + "; ".join(missed))
        self.stdout.write(
            "targets met: precision ≥ 0.9 in every category, false positives ≤ 3 %, recall ≥ 0.6"
        )
