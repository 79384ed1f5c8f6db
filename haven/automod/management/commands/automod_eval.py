"""`make eval`: the classifier on Haven's labelled set, as a table (haven.automod.evaluate)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from haven.automod import evaluate, evaluate_contacts


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
            "--contacts",
            type=Path,
            default=evaluate_contacts.CONTACTS_SET,
            help="scenarios for the contact detectors, like haven/automod/tests/data/"
            "contacts.jsonl (played in a transaction that is rolled back)",
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
        if options["contacts"].exists():
            played = evaluate_contacts.play(evaluate_contacts.read(options["contacts"]))
            contacts = evaluate_contacts.measure(played)
            self.stdout.write("")
            self.stdout.write(evaluate_contacts.table(contacts))
            if options["errors"]:
                self.stdout.write("")
                for p in played:
                    if p.predicted != p.positive:
                        self.stdout.write(f"{p.id:6} {p.label:>10} → {p.predicted!s:5} {p.note}")
        if missed:
            raise CommandError("targets missed: " + "; ".join(missed))
        self.stdout.write(
            "targets met: precision ≥ 0.9 in every category, false positives ≤ 3 %, recall ≥ 0.6"
        )
