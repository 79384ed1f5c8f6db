"""classify() per message, in-process: `make bench`'s classifier section.

Every line of the labelled set (haven/automod/tests/data/eval.jsonl: eleven
languages, short and long, benign and abusive) is classified `rounds` times after the
warm-up a server process does (haven.wsgi), one timing per call.
"""

from __future__ import annotations

import statistics
import time

from haven.automod import evaluate
from haven.automod.classifier import classify, warm_up


def measure(rounds: int = 3) -> dict:
    rows = evaluate.read()
    warm_up()
    for row in rows:  # each language's models in memory, as in a running worker
        classify(row["text"], row.get("lang"))
    took = []
    for _ in range(rounds):
        for row in rows:
            started = time.perf_counter()
            classify(row["text"], row.get("lang"), surface=row.get("surface"))
            took.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(took, n=100)
    return {
        "calls": len(took),
        "lines": len(rows),
        "p50_ms": round(cuts[49], 2),
        "p95_ms": round(cuts[94], 2),
        "max_ms": round(max(took), 2),
    }
