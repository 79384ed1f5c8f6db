"""One mailbox, many spellings: the key that recognises an address written another way.

Gmail ignores dots in the local part and everything after a "+", so
j.o.h.n+haven@googlemail.com reaches john@gmail.com; Outlook, iCloud, Fastmail and
Proton deliver "+tag" addresses to the untagged mailbox. A removed member who signs
up again with such a variant is the same person to Haven (haven.automod's block
evasion check). Only a keyed hash of the normalised address is stored
(`Member.email_key`), as for the sign-up address. Other providers' rules differ (some
give dots or "+" a meaning), so their addresses are only lower-cased.
"""

from __future__ import annotations

from django.utils.crypto import salted_hmac

GMAIL = {"gmail.com", "googlemail.com"}
PLUS_TAGS = {
    *GMAIL,
    "outlook.com", "hotmail.com", "live.com", "msn.com",
    "icloud.com", "me.com", "mac.com",
    "fastmail.com", "fastmail.fm",
    "proton.me", "protonmail.com", "pm.me",
}  # fmt: skip


def normalised(email: str) -> str:
    """The mailbox an address reaches: 'J.Doe+x@GoogleMail.com' -> 'jdoe@gmail.com'."""
    local, at, domain = (email or "").strip().lower().rpartition("@")
    if not at or not local:
        return (email or "").strip().lower()
    domain = domain.rstrip(".")
    if domain in PLUS_TAGS:
        local = local.split("+", 1)[0]
    if domain in GMAIL:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def email_key(email: str) -> str:
    """The keyed hash stored in `Member.email_key` ("" for no address)."""
    if not (email or "").strip():
        return ""
    return salted_hmac(
        "haven.members.email-key", normalised(email), algorithm="sha256"
    ).hexdigest()[:32]
