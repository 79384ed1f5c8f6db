"""`make eval`: the classifier against the labelled set Haven keeps
(haven/automod/tests/data/eval.jsonl, see its README), with precision and recall per
category and per language and the false-positive rate on benign lines.

A line's prediction is the classifier's top category when it scores at least
HAVEN_AUTOMOD_SIGNAL_SCORE (the score that raises a signal), else "benign".
- precision of a category: of the lines predicted as it, the share labelled it;
- recall of a category: of the lines labelled it, the share predicted as it;
- per language, the same for "not benign" (any category), and the benign lines
  wrongly predicted; overall recall: abusive lines given their own category.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from haven.automod.classifier import CATEGORIES, classify

EVAL_SET = Path(__file__).resolve().parent / "tests" / "data" / "eval.jsonl"
TARGETS = {"precision": 0.9, "false_positives": 0.03, "recall": 0.6}


@dataclass(frozen=True)
class Line:
    id: str
    text: str
    lang: str
    label: str
    kind: str
    surface: str | None
    friends: bool
    predicted: str
    score: float


def read(path: Path = EVAL_SET) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def predict(rows: list[dict], threshold: float | None = None) -> list[Line]:
    at = settings.HAVEN_AUTOMOD_SIGNAL_SCORE if threshold is None else threshold
    out = []
    for row in rows:
        verdict = classify(
            row["text"],
            row.get("lang"),
            surface=row.get("surface"),
            friends=bool(row.get("friends")),
        )
        label, score = verdict.top
        out.append(
            Line(
                row["id"],
                row["text"],
                row.get("lang", ""),
                row["label"],
                row.get("kind", ""),
                row.get("surface"),
                bool(row.get("friends")),
                label if score >= at else "benign",
                score,
            )
        )
    return out


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def measure(lines: list[Line]) -> dict:
    per_category = {}
    for c in CATEGORIES:
        tp = sum(1 for x in lines if x.predicted == c and x.label == c)
        predicted = sum(1 for x in lines if x.predicted == c)
        actual = sum(1 for x in lines if x.label == c)
        per_category[c] = {"precision": _ratio(tp, predicted), "recall": _ratio(tp, actual),
                           "predicted": predicted, "lines": actual}  # fmt: skip
    per_language = {}
    by_lang: dict[str, list[Line]] = defaultdict(list)
    for x in lines:
        by_lang[x.lang].append(x)
    for lang, group in sorted(by_lang.items()):
        flagged = [x for x in group if x.predicted != "benign"]
        abusive = [x for x in group if x.label != "benign"]
        benign = [x for x in group if x.label == "benign"]
        per_language[lang] = {
            "precision": _ratio(sum(1 for x in flagged if x.label != "benign"), len(flagged)),
            "recall": _ratio(sum(1 for x in abusive if x.predicted != "benign"), len(abusive)),
            "false_positives": _ratio(
                sum(1 for x in benign if x.predicted != "benign"), len(benign)
            ),  # fmt: skip
            "lines": len(group),
        }
    benign = [x for x in lines if x.label == "benign"]
    abusive = [x for x in lines if x.label != "benign"]
    overall = {
        "false_positives": _ratio(sum(1 for x in benign if x.predicted != "benign"), len(benign)),
        "recall": _ratio(sum(1 for x in abusive if x.predicted == x.label), len(abusive)),
        "recall_any": _ratio(sum(1 for x in abusive if x.predicted != "benign"), len(abusive)),
        "lines": len(lines),
        "hard_fp": dict(Counter(x.kind for x in benign if x.predicted != "benign")),
    }
    return {"categories": per_category, "languages": per_language, "overall": overall}


def misses(result: dict) -> list[str]:
    """The targets not met, in words (empty when all are)."""
    out = []
    for c, m in result["categories"].items():
        if m["precision"] is not None and m["precision"] < TARGETS["precision"]:
            out.append(f"precision of {c} {m['precision']:.2f} < {TARGETS['precision']}")
    fp = result["overall"]["false_positives"]
    if fp is not None and fp > TARGETS["false_positives"]:
        out.append(f"false positives {fp:.1%} > {TARGETS['false_positives']:.0%}")
    recall = result["overall"]["recall"]
    if recall is not None and recall < TARGETS["recall"]:
        out.append(f"recall {recall:.2f} < {TARGETS['recall']}")
    return out


def _f(value: float | None) -> str:
    return "   -" if value is None else f"{value:4.2f}"


def table(result: dict) -> str:
    rows = ["category    precision  recall  predicted  lines"]
    for c, m in result["categories"].items():
        rows.append(
            f"{c:11} {_f(m['precision']):>9}  {_f(m['recall']):>6}  "
            f"{m['predicted']:9}  {m['lines']:5}"
        )
    rows += ["", "language    precision  recall  benign flagged  lines"]
    for lang, m in result["languages"].items():
        fp = "   -" if m["false_positives"] is None else f"{m['false_positives']:5.1%}"
        rows.append(
            f"{lang:11} {_f(m['precision']):>9}  {_f(m['recall']):>6}  {fp:>14}  {m['lines']:5}"
        )
    o = result["overall"]
    rows += [
        "",
        f"lines: {o['lines']}; benign lines flagged: {o['false_positives']:.1%} "
        f"(target ≤ {TARGETS['false_positives']:.0%}); recall, right category: "
        f"{o['recall']:.2f}, any category: {o['recall_any']:.2f} (target ≥ {TARGETS['recall']})",
    ]
    if o["hard_fp"]:
        rows.append(
            "benign lines flagged, by kind: "
            + ", ".join(f"{k} {n}" for k, n in sorted(o["hard_fp"].items()))
        )
    return "\n".join(rows)
