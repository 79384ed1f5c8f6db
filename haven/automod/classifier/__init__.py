"""Haven's text classifier, behind one interface:

    classify(text, lang=None, *, surface=None, friends=False) -> Verdict

A verdict scores the categories harassment, hate, sexual, threat, spam and scam
(each 0–1) and names the spans that moved each score, as the member wrote them. What
a category means for the desk is `POLICY` (the policy category slug a signal cites).

The classifier itself is a setting, HAVEN_CLASSIFIER: a dotted path to a class whose
instances have that `classify` method. Haven ships `rules.RulesClassifier`
(reviewed term lists in eleven languages, an English model, a multilingual profanity
list, contact-detail patterns, and the context rules that keep learners from being
taken for offenders); a better model can be plugged in without touching the callers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

CATEGORIES = ("harassment", "hate", "sexual", "threat", "spam", "scam")
POLICY = {"harassment": "harassment", "hate": "hate", "sexual": "sexual",
          "threat": "violence", "spam": "spam", "scam": "scam"}  # fmt: skip
SURFACES = ("chat", "comment", "post", "notebook", "share")
# Ties go to the graver category: a threat or a slur that also insults is a threat
# or hate, not "just" harassment.
BY_SEVERITY = ("threat", "hate", "sexual", "harassment", "scam", "spam")


@dataclass(frozen=True)
class Span:
    label: str  # the category it counts towards
    start: int  # in the text as written
    end: int
    text: str
    source: str  # what found it, e.g. "terms:es:strong", "contact:phone"
    score: float  # what it added, after the context rules


@dataclass(frozen=True)
class Verdict:
    scores: dict[str, float]
    spans: tuple[Span, ...] = ()
    languages: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())  # the context rules that applied

    def labels(self, threshold: float | None = None) -> list[str]:
        """The categories at or over `threshold` (HAVEN_AUTOMOD_SIGNAL_SCORE), highest
        first."""
        at = settings.HAVEN_AUTOMOD_SIGNAL_SCORE if threshold is None else threshold
        found = [c for c in BY_SEVERITY if self.scores.get(c, 0.0) >= at]
        return sorted(found, key=lambda c: -self.scores[c])

    @property
    def top(self) -> tuple[str, float]:
        label = max(BY_SEVERITY, key=lambda c: self.scores.get(c, 0.0))
        return label, self.scores.get(label, 0.0)

    def spans_for(self, label: str) -> list[Span]:
        return [s for s in self.spans if s.label == label]


class NoClassifier:
    """Finds nothing: HAVEN_CLASSIFIER=haven.automod.classifier.NoClassifier turns the
    text classifier off (the benchmark's "classifier off" run)."""

    def classify(self, text: str, lang=None, *, surface=None, friends=False) -> Verdict:
        return Verdict(scores=dict.fromkeys(CATEGORIES, 0.0))


@cache
def _classifier():
    return import_string(settings.HAVEN_CLASSIFIER)()


def classify(
    text: str, lang: str | None = None, *, surface: str | None = None, friends: bool = False
) -> Verdict:
    """Score `text`. `lang` is a hint (the writer's language); `surface` is where it was
    written (chat, comment, post, notebook, share) and `friends` whether writer and
    reader are friends: both change how much a rude word counts."""
    return _classifier().classify(text, lang, surface=surface, friends=friends)


# One line in each language the term lists cover: reading them loads what the first
# real message would otherwise wait for (the English model, the language detector's
# per-language models; 2.5 s on the first line, ~0.4 s on the rest, measured).
WARM_UP = (
    "hello, how are you?", "hola, ¿cómo estás?", "bonjour, ça va ?", "hallo, wie geht's?",
    "привет, как дела?", "ciao, come stai?", "olá, tudo bem?", "こんにちは、元気ですか",
    "你好，你好吗", "안녕하세요, 잘 지내요?", "مرحبا، كيف حالك؟",
)  # fmt: skip


def warm_up() -> None:
    """Load the classifier now, not on a member's message: for a process that will run
    the checks itself (the web server with in-process tasks, haven.wsgi)."""
    for line in WARM_UP:
        classify(line)
