"""Score a set of one's own: JSON lines in (`id`, `text`, optional `lang`, `surface`,
`friends`), JSON lines out (`id`, `labels`, `scores`, and the `spans` that counted)."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from haven.automod.classifier import classify


class Command(BaseCommand):
    help = (
        "Read JSON lines with id, text and optional lang on standard input; write one "
        "JSON line per input with id, labels and scores."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--threshold",
            type=float,
            default=None,
            help="the score a label needs (HAVEN_AUTOMOD_SIGNAL_SCORE)",
        )

    def handle(self, *args, **options) -> None:
        for number, raw in enumerate(sys.stdin, start=1):
            if not raw.strip():
                continue
            try:
                row = json.loads(raw)
                text = row["text"]
                if not isinstance(text, str):
                    raise TypeError("text is not a string")
            except (ValueError, KeyError, TypeError) as exc:
                raise CommandError(f"line {number}: {exc}") from exc
            verdict = classify(
                text, row.get("lang"), surface=row.get("surface"), friends=bool(row.get("friends"))
            )
            out = {
                "id": row.get("id"),
                "labels": verdict.labels(options["threshold"]),
                "scores": verdict.scores,
                "spans": [
                    {
                        "label": s.label,
                        "text": s.text,
                        "start": s.start,
                        "end": s.end,
                        "source": s.source,
                    }
                    for s in verdict.spans
                ],  # fmt: skip
            }
            self.stdout.write(json.dumps(out, ensure_ascii=False))
