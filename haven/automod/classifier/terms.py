"""The reviewed term lists (haven/automod/data/terms/<lang>.toml, see its README),
compiled once per process into one regular expression per language, section and
strength.

Matching: for languages written with spaces an entry matches whole words, and a
trailing `*` any word ending; Japanese and Chinese entries match anywhere; Korean
entries match from a word's start (particles follow the word: 병신이야).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data" / "terms"
CATEGORIES = ("harassment", "hate", "sexual", "threat", "spam", "scam")
STRENGTHS = ("strong", "weak")
NO_SPACES = {"ja", "zh"}
# Between the words of an entry, up to two more words: "buy followers" also matches
# "buy 1000 real followers".
GAP = r"\s+(?:[^\s.,;:!?]+\s+){0,2}"
PARTICLES_FOLLOW = {"ko"}


@dataclass(frozen=True)
class Hit:
    category: str  # one of CATEGORIES, or a helper section: idiom, meta, negation
    strength: str  # strong / weak ("" for the helper sections)
    lang: str
    start: int  # in the normalised text
    end: int
    term: str


def _norm(term: str) -> str:
    return unicodedata.normalize("NFKC", term).casefold().strip()


def _pattern(lang: str, terms: list[str]) -> re.Pattern | None:
    parts = []
    for term in sorted({_norm(t) for t in terms if _norm(t).rstrip("*")}, key=len, reverse=True):
        wild = term.endswith("*")
        body = re.sub(r"(?:\\ )+", lambda _: GAP, re.escape(term.rstrip("*")))
        if lang in NO_SPACES:
            parts.append(body)
        elif lang in PARTICLES_FOLLOW:
            parts.append(rf"(?<!\w){body}")
        else:
            parts.append(rf"(?<!\w){body}{r'\w*' if wild else ''}(?!\w)")
    return re.compile("|".join(parts)) if parts else None


@dataclass(frozen=True)
class Lists:
    lang: str
    patterns: dict[tuple[str, str], re.Pattern]  # (section, strength) -> pattern

    def find(self, text: str, section: str, strength: str = "") -> list[Hit]:
        pattern = self.patterns.get((section, strength))
        if pattern is None:
            return []
        return [
            Hit(section, strength, self.lang, m.start(), m.end(), m[0])
            for m in pattern.finditer(text)
        ]


def _compile(lang: str, data: dict) -> Lists:
    patterns = {}
    for category in CATEGORIES:
        for strength in STRENGTHS:
            pattern = _pattern(lang, data.get(category, {}).get(strength, []))
            if pattern is not None:
                patterns[(category, strength)] = pattern
    for section, key, name in (
        ("benign_idioms", "phrases", "idiom"),
        ("metalinguistic", "phrases", "meta"),
        ("negation", "words", "negation"),
    ):
        pattern = _pattern(lang, data.get(section, {}).get(key, []))
        if pattern is not None:
            patterns[(name, "")] = pattern
    return Lists(lang, patterns)


@cache
def lists(lang: str) -> Lists | None:
    """The compiled lists of one language, or None when Haven has none for it."""
    path = DATA / f"{lang}.toml"
    if not re.fullmatch(r"[a-z]{2}", lang) or not path.is_file():
        return None
    with path.open("rb") as f:
        return _compile(lang, tomllib.load(f))


def available() -> list[str]:
    return sorted(p.stem for p in DATA.glob("*.toml"))
