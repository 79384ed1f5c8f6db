"""Ways to take a conversation off Haven, found in the text as the member wrote it:
phone numbers (the `phonenumbers` package, for the regions of the languages in
play), email addresses, links, and messaging-app handles (t.me/…, wa.me/…, "line id:
…", "微信号 …"). The classifier weighs them with the words around them: a number
alone is a weak cue, a number with "invest" or "WhatsApp" a strong one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import phonenumbers
from django.conf import settings

REGIONS = {"en": ("US", "GB"), "es": ("ES", "MX"), "pt": ("BR", "PT"), "fr": ("FR",),
           "de": ("DE",), "it": ("IT",), "ru": ("RU",), "ja": ("JP",), "zh": ("CN",),
           "ko": ("KR",), "ar": ("SA", "EG")}  # fmt: skip
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
LINK = re.compile(
    r"(?:https?://|www\.)\S+|(?<![\w@.])[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|io|xyz|top|me|ru|cn|"
    r"info|biz|click|link|site|online|shop|app|ly|gg)(?:/\S*)?(?!\w)",
    re.IGNORECASE,
)
HANDLE = re.compile(
    r"(?:t\.me|wa\.me|telegram\.me|line\.me|discord\.gg)/\S+"
    r"|(?:line|wechat|weixin|kakao(?:talk)?|telegram|whatsapp|insta(?:gram)?|snap(?:chat)?|"
    r"discord|skype)\s*(?:id|handle|user(?:name)?)?\s*[:：]\s*@?[\w.-]{3,}"
    r"|(?:微信号?|微信|v信|vx|薇信|카톡\s*아이디|카톡\s*id|라인\s*아이디|ライン\s*id)\s*[:：]?\s*@?[\w.-]{3,}",
    re.IGNORECASE,
)
PHISHING = re.compile(
    r"log-?in|sign-?in|verify|verif|account|password|passwd|wallet|secure|update|confirm|"
    r"auth|support|bonus|prize|gift|airdrop|claim|haven",  # "haven": a look-alike of ours
    re.IGNORECASE,
)
MONEY = re.compile(  # an amount of money, in the currencies Haven's members write
    r"(?:[$€£¥₩₽₹]|r\$|us\$)\s?\d[\d.,]*|\d[\d.,]*\s?(?:[$€£¥元₩₽₹]|円|원|руб|р\.|"
    r"dollars?|dólares|dolares|euros?|reais|yuan|yen|pesos?|usdt|btc|万|만\s?원|тысяч|к\b)",
    re.IGNORECASE,
)
MIN_PHONE_DIGITS = 8


@dataclass(frozen=True)
class Contact:
    kind: str  # phone, email, link, handle
    start: int
    end: int
    text: str

    @property
    def phishing(self) -> bool:
        """A link whose own words ask for a sign-in, a wallet or a prize, or that poses
        as Haven's."""
        if self.kind != "link" or _ours(self.text):
            return False
        return bool(PHISHING.search(self.text))


def _ours(link: str) -> bool:
    """A link to Haven itself (HAVEN_SITE_URL or an allowed host)."""
    host = urlsplit(link if "//" in link else f"//{link}").hostname or ""
    own = {urlsplit(settings.HAVEN_SITE_URL).hostname, *settings.ALLOWED_HOSTS}
    return host in own


def money(text: str) -> bool:
    return MONEY.search(text) is not None


def _phones(text: str, langs: list[str]) -> list[Contact]:
    found: dict[tuple[int, int], Contact] = {}
    regions = [r for lang in langs for r in REGIONS.get(lang, ())] or ["US"]
    for region in dict.fromkeys(regions):
        matches = phonenumbers.PhoneNumberMatcher(text, region, phonenumbers.Leniency.POSSIBLE)
        for match in matches:
            if sum(c.isdigit() for c in match.raw_string) < MIN_PHONE_DIGITS:
                continue  # a year, a price, a count
            found.setdefault(
                (match.start, match.end), Contact("phone", match.start, match.end, match.raw_string)
            )
    return list(found.values())


def contacts(text: str, langs: list[str]) -> list[Contact]:
    """Every contact detail in `text` (the original, not normalised: numbers and
    addresses are read as written)."""
    found = _phones(text, langs)
    for kind, pattern in (("email", EMAIL), ("handle", HANDLE), ("link", LINK)):
        taken = [(c.start, c.end) for c in found]
        for m in pattern.finditer(text):
            if not any(s < m.end() and m.start() < e for s, e in taken):
                found.append(Contact(kind, m.start(), m.end(), m[0]))
    return sorted(found, key=lambda c: c.start)
