"""Usernames that look like another member's (`a1ice` for `alice`, `rnia` for `mia`)
are refused: impersonation is a harassment vector.

Usernames hold only `[a-z0-9_]`, so the look-alikes that matter are the ones
Unicode's confusables data (UTS #39, as shipped by `confusable-homoglyphs`) lists
between strings of those characters: `1` and `l`, `m` and `rn`. Each such group
gets one representative, and a username's `skeleton` replaces every member of a
group by it: two usernames look alike when their skeletons are equal. The groups
are read from the package's data once, not written here.
"""

from __future__ import annotations

import re
import string
from functools import cache

from confusable_homoglyphs.confusables import confusables_data

ALPHABET = frozenset(string.ascii_lowercase + string.digits + "_")


def _fits(text: str) -> bool:
    return bool(text) and all(ch in ALPHABET for ch in text)


@cache
def _groups() -> dict[str, str]:
    """Each look-alike string in the username alphabet -> its group's representative."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for text, homoglyphs in confusables_data.items():
        if not _fits(text):
            continue
        for glyph in homoglyphs:
            other = glyph["c"]
            if _fits(other) and other != text:
                a, b = find(text), find(other)
                parent[max(a, b)] = min(a, b)
    return {text: find(text) for text in parent}  # only strings that have a look-alike


@cache
def _pattern() -> re.Pattern[str]:
    # longest first, so "rn" is read as one look-alike before its letters
    texts = sorted(_groups(), key=lambda t: (-len(t), t))
    return re.compile("|".join(re.escape(t) for t in texts))


def skeleton(username: str) -> str:
    """The username with every look-alike replaced by its group's representative."""
    groups = _groups()
    return _pattern().sub(lambda m: groups[m.group(0)], username.lower())
