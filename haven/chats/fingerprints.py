"""A message's text fingerprint: the same words, whatever their case and spacing.

Stored on each message (`Message.fingerprint`, indexed with its sender and time) so
that a listener can count how many members one text reached with one indexed read
(haven.automod.detectors, the repeated-message pattern).
"""

from __future__ import annotations

import hashlib

from django.conf import settings


def normalised(text: str) -> str:
    return " ".join(text.casefold().split())


def fingerprint(text: str) -> str:
    """64 bits of SHA-256 over the normalised text, or "" for a text shorter than
    HAVEN_SPAM_MIN_CHARS (a greeting never counts as a repeated message)."""
    text = normalised(text)
    if len(text) < settings.HAVEN_SPAM_MIN_CHARS:
        return ""
    return hashlib.sha256(text.encode()).hexdigest()[:16]
