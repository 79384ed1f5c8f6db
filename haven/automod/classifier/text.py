"""Text as the classifier reads it: normalised for matching, with each character's
place in the original kept, so a match can be shown as the member wrote it.

Normalising: NFKC (full-width letters, ligatures), casefolded, zero-width and other
invisible characters dropped, common look-alike digits and symbols read as letters
inside words ("1d10t", "$tupid"), and letters spelled out one by one ("s t u p i d",
"s.t.u.p.i.d") joined up. Every step keeps one origin index per output character.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

# Inside a word, these stand for letters; alone (a price, a phone number) they don't.
LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a",
                      "$": "s", "!": "i", "|": "l", "€": "e"})  # fmt: skip
LEET_CHARS = "013457@$!|€"
APOSTROPHES = {"’": "'", "‘": "'", "´": "'", "ʼ": "'"}
INVISIBLE = {"Cf", "Cc", "Mn"}  # format (zero-width, bidi), control, combining marks
SPELLED = re.compile(r"(?<!\w)(?:\w[ .\-_*·]){2,}\w(?!\w)")


@dataclass(frozen=True)
class Text:
    original: str
    norm: str  # what the terms are matched against
    origin: tuple[int, ...]  # norm[i] came from original[origin[i]]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original's start and end for norm[start:end]."""
        if start >= len(self.origin):
            return len(self.original), len(self.original)
        return self.origin[start], self.origin[max(start, end - 1)] + 1


def _keep(ch: str) -> bool:
    return unicodedata.category(ch) not in INVISIBLE or ch in "\n\t"


def _deleet(word: str) -> str:
    """A word with look-alikes read as letters ("1d10t" → "idiot", "$tupid" → "stupid"),
    when it has letters too; "!" and "|" only inside it ("idiot!" stays)."""
    core = word.strip("!|")
    if not any(c.isalpha() for c in core) or not any(c in LEET_CHARS for c in core):
        return word
    start = word.index(core) if core else 0
    return word[:start] + core.translate(LEET) + word[start + len(core) :]


def normalise(original: str) -> Text:
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(original):
        for out in unicodedata.normalize("NFKC", APOSTROPHES.get(ch, ch)).casefold():
            # NFKC can decompose into a base and a combining mark: keep the base only
            if _keep(out):
                chars.append(out)
                origin.append(i)
    text = "".join(chars)
    # look-alikes inside words: same length, so origins stand
    text = re.sub(r"[\w@$!|€]+", lambda m: _deleet(m[0]), text)
    # letters spelled out one by one: drop the separators (and their origins)
    out, out_origin, last = [], [], 0
    for m in SPELLED.finditer(text):
        if not all(c.isalpha() for c in m[0][::2]):
            continue
        out.append(text[last : m.start()])
        out_origin.extend(origin[last : m.start()])
        out.append(m[0][::2])
        out_origin.extend(origin[m.start() : m.end() : 2])
        last = m.end()
    out.append(text[last:])
    out_origin.extend(origin[last:])
    return Text(original, "".join(out), tuple(out_origin))


# ---------------------------------------------------------------- which language

SCRIPTS = (  # (language, a character range only it uses among Haven's languages)
    ("ja", re.compile(r"[\u3040-\u30ff]")),  # hiragana, katakana
    ("ko", re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")),  # hangul
    ("ru", re.compile(r"[\u0400-\u04ff]")),  # cyrillic
    ("ar", re.compile(r"[\u0600-\u06ff]")),  # arabic
    ("zh", re.compile(r"[\u4e00-\u9fff]")),  # han (also in Japanese: checked after kana)
)
LATIN = ("en", "es", "fr", "de", "pt", "it")
LATIN_LETTER = re.compile(r"[a-zà-ÿ]")


@cache
def _latin_detector():
    """Lingua, limited to the Latin-script languages (the others are told by their
    script): its models ship in the wheel, loaded once per process."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in LATIN]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def languages(text: Text, hint: str | None = None) -> list[str]:
    """The languages the text is (probably) in, most likely first: the scripts it uses,
    and for Latin script, lingua's guesses above a low confidence. `hint` (the
    member's or the caller's language) is always included; English too when there is
    Latin script, since members mix it in everywhere."""
    found = [lang for lang, script in SCRIPTS if script.search(text.norm)]
    if "ja" in found and "zh" in found:
        found.remove("zh")  # kanji with kana: Japanese
    if LATIN_LETTER.search(text.norm):
        values = _latin_detector().compute_language_confidence_values(text.norm)
        guesses = [v.language.iso_code_639_1.name.lower() for v in values if v.value >= 0.15]
        found.extend(guesses[:2] or ["en"])
        found.append("en")
    if hint:
        found.insert(0, hint)
    return list(dict.fromkeys(found))
