"""Haven's shipped classifier: well-kept packages and reviewed lists, weighed by rules
that know what a language learner does.

Cues, each a span with a score:
- the reviewed term lists of the text's languages (terms.py): a strong entry 0.85, a
  weak one 0.4, or 0.55 when the text speaks to someone ("you", "tú", "お前"…);
- for English, `alt-profanity-check`'s model (its own trained model, in the wheel):
  over 0.9, a harassment cue of 0.6;
- `glin-profanity`'s multilingual dictionaries: a vulgar word is a weak harassment
  cue (0.35);
- contact details (contacts.py): a phone number, email or handle is a weak scam cue
  (taking the talk off Haven), a link a weak spam cue, a sign-in or wallet link a
  strong scam cue; a contact detail together with a scam or spam word is strong.

Context, so learners are not taken for offenders:
- a benign idiom ("dying to", "tu m'as tué", "死ぬほど") removes the cues it covers;
- a word mentioned, not used: inside quotes, or in a text asking what it means ("what
  does 'baka' mean?"), counts 0.15 of itself; quoted alone, half;
- a negation just before ("you're not stupid", "nobody thinks you're an idiot") or,
  in Japanese and Korean, just after ("バカじゃない"), counts 0.2;
- a Notebook text (corrections) counts 0.6 except for spam and scam; between friends
  harassment counts 0.6, sexual and threat 0.8 (banter, not trust for everything).

A category's score is the noisy-or of its cues: 1 − Π(1 − cue).
"""

from __future__ import annotations

import re
from functools import cache

from haven.automod.classifier import CATEGORIES, Span, Verdict
from haven.automod.classifier.contacts import contacts, money
from haven.automod.classifier.terms import Hit, lists
from haven.automod.classifier.text import Text, languages, normalise

STRONG, WEAK, WEAK_AIMED = 0.85, 0.4, 0.62
MENTIONED, QUOTED, NEGATED = 0.15, 0.5, 0.2
NOTEBOOK, FRIENDS = 0.6, {"harassment": 0.6, "sexual": 0.8, "threat": 0.8}
PROFANITY_MODEL_AT, PROFANITY_MODEL_CUE, VULGAR_CUE = 0.9, 0.6, 0.35
CONTACT_CUE, PRICE_CUE, WITH_WORDS = 0.35, 0.3, 0.8
WEAK_ONLY = 0.5  # weak entries alone, however many, stay below a signal
PERSONAL = ("harassment", "hate", "sexual", "threat")  # aimed at someone
NEGATION_REACH = 40  # characters between a negation and the word it cancels…
CLAUSE_END = re.compile(
    r"[.,;:!?¿¡。、，！？]|\b(?:but|pero|mais|aber|ma|mas|но)\b"
)  # …in one clause
AIMED = {
    "en": r"\b(?:you|your|ur|u|you're|youre)\b",
    "es": r"\b(?:tú|tu|te|eres|usted|vos|ti)\b",
    "fr": r"\b(?:tu|toi|te|t'|vous|ta|ton)\b",
    "de": r"\b(?:du|dich|dir|ihr|sie)\b",
    "pt": r"\b(?:você|voce|vc|tu|te|teu|tua)\b",
    "it": r"\b(?:tu|ti|sei|te)\b",
    "ru": r"(?<!\w)(?:ты|тебя|тебе|вы|вас|твой|твоя)(?!\w)",
    "ja": r"お前|おまえ|あなた|てめえ|テメエ|貴様|きさま|君|あんた",
    "zh": r"你|妳|您",
    "ko": r"(?<!\w)(?:너|니|당신|넌|널|네)",
    "ar": r"(?<!\w)(?:أنت|انت|انتي|أنتِ|يا|إنت)(?!\w)",
}
AFTER_NEGATES = {"ja", "ko"}
AD_STYLE = re.compile(
    r"!|%|>>|[🔥👉💥✅⚡💰🎁【】]"
)  # how adverts shout  # negation follows the word it negates
QUOTES = re.compile(
    r"(?<!\w)'[^'\n]{1,60}'(?!\w)|\"[^\"\n]{1,60}\"|“[^”\n]{1,60}”|‘[^’\n]{1,60}’|"
    r"«[^»\n]{1,60}»|„[^“\n]{1,60}“|「[^」\n]{1,60}」|『[^』\n]{1,60}』|`[^`\n]{1,60}`"
)


@cache
def _aimed(lang: str) -> re.Pattern | None:
    return re.compile(AIMED[lang]) if lang in AIMED else None


@cache
def _vulgar_filter():
    from glin_profanity import Filter

    names = ["english", "spanish", "french", "german", "portuguese", "italian", "russian",
             "japanese", "chinese", "korean", "arabic"]  # fmt: skip
    return Filter({"languages": names})


def _english_model(text: str) -> float:
    from profanity_check import predict_prob

    return float(predict_prob([text])[0])


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


class RulesClassifier:
    def classify(self, text: str, lang=None, *, surface=None, friends=False) -> Verdict:
        t = normalise(text or "")
        langs = languages(t, lang)
        found = [(lang_, lists(lang_)) for lang_ in langs]
        found = [(lang_, ls) for lang_, ls in found if ls is not None]
        hits: list[Hit] = []
        helpers: dict[str, list[Hit]] = {"idiom": [], "meta": [], "negation": []}
        for _, ls in found:
            for category in CATEGORIES:
                for strength in ("strong", "weak"):
                    hits.extend(ls.find(t.norm, category, strength))
            for name in helpers:
                helpers[name].extend(ls.find(t.norm, name))
        notes: list[str] = []
        quoted = [(m.start(), m.end()) for m in QUOTES.finditer(t.norm)]
        aimed = any((p := _aimed(lang_)) is not None and p.search(t.norm) for lang_ in langs[:3])
        cues: list[Span] = []

        def add(label, start, end, source, score, *, norm=True):
            if score <= 0:
                return
            if norm:
                start, end = t.span(start, end)
            cues.append(Span(label, start, end, text[start:end], source, round(score, 3)))

        # the reviewed lists, in context
        discounted: list[float] = []
        for hit in _dedupe(hits):
            where = (hit.start, hit.end)
            if any(_overlaps(where, (i.start, i.end)) for i in helpers["idiom"]):
                notes.append(f"idiom: {hit.term}")
                continue
            score = STRONG
            if hit.strength == "weak":
                score = WEAK_AIMED if aimed and hit.category in PERSONAL else WEAK
            factor, why = _context(t, hit, helpers, quoted)
            if why:
                notes.append(f"{why}: {hit.term}")
                discounted.append(factor)
            add(
                hit.category, hit.start, hit.end, f"terms:{hit.lang}:{hit.strength}", score * factor
            )

        mentioned = bool(helpers["meta"]) or bool(quoted)
        # English: the trained model, discounted as the lists are when a word is discussed
        if "en" in langs[:2] and re.search(r"[a-z]", t.norm):
            p = _english_model(t.norm)
            if p >= PROFANITY_MODEL_AT and not helpers["idiom"]:
                factor = MENTIONED if helpers["meta"] else QUOTED if quoted else 1.0
                if discounted:  # the words it reacts to were negated or quoted
                    factor = min(factor, max(discounted))
                add(
                    "harassment",
                    0,
                    len(t.norm),
                    "alt-profanity-check",
                    PROFANITY_MODEL_CUE * factor,
                )
        # every language: vulgar words
        for word in _vulgar_filter().check_profanity(t.norm).get("profane_words") or []:
            at = t.norm.find(word.casefold())
            if at >= 0 and not any(_overlaps((at, at + len(word)), (h.start, h.end)) for h in hits):
                add(
                    "harassment",
                    at,
                    at + len(word),
                    "glin-profanity",
                    VULGAR_CUE * (MENTIONED if mentioned else 1.0),
                )

        # contact details: off-platform (scam) or advertising (spam); an amount of money
        # makes a link an advert and a phone or handle a pitch
        details = contacts(text or "", langs)
        priced = money(text or "")
        scam_words = any(h.category == "scam" for h in hits)
        spam_words = any(h.category == "spam" for h in hits)
        for c in details:
            if c.phishing:
                add("scam", c.start, c.end, "contact:phishing-link", STRONG, norm=False)
            elif c.kind == "link":
                add("spam", c.start, c.end, "contact:link", CONTACT_CUE, norm=False)
                if spam_words:
                    add("spam", c.start, c.end, "contact:link+words", WITH_WORDS, norm=False)
                elif priced and AD_STYLE.search(text):  # a price, a link, and shouting
                    add("spam", c.start, c.end, "contact:link+price", WITH_WORDS, norm=False)
                elif priced:  # a price and a link: maybe an advert, maybe a textbook
                    add("spam", c.start, c.end, "contact:link+price", PRICE_CUE, norm=False)
            else:
                add("scam", c.start, c.end, f"contact:{c.kind}", CONTACT_CUE, norm=False)
                if scam_words:
                    add("scam", c.start, c.end, f"contact:{c.kind}+words", WITH_WORDS, norm=False)
                elif priced:
                    add("scam", c.start, c.end, f"contact:{c.kind}+price", PRICE_CUE, norm=False)
        if priced and scam_words and not details:
            add("scam", 0, len(text or ""), "money+words", WITH_WORDS, norm=False)

        # where, and between whom
        factors = {c: 1.0 for c in CATEGORIES}
        if surface == "notebook":
            notes.append("notebook")
            for c in ("harassment", "hate", "sexual", "threat"):
                factors[c] *= NOTEBOOK
        if friends:
            notes.append("friends")
            for c, f in FRIENDS.items():
                factors[c] *= f
        scores = {}
        for category in CATEGORIES:
            mine = [cue for cue in cues if cue.label == category]
            rest = 1.0
            for cue in mine:
                rest *= 1 - cue.score
            score = 1 - rest
            if mine and all(c.source.endswith(":weak") for c in mine):
                score = min(score, max(c.score for c in mine), max(WEAK_ONLY, WEAK_AIMED))
            scores[category] = round(score * factors[category], 3)
        return Verdict(scores, tuple(cues), tuple(langs), tuple(dict.fromkeys(notes)))


def _dedupe(hits: list[Hit]) -> list[Hit]:
    """One hit per place and category: the strongest (two languages' lists may both
    hold a word), and none inside another of its category ("cheap" inside "cheap
    lessons" adds nothing)."""
    rank = {"strong": 2, "weak": 1}
    ordered = sorted(hits, key=lambda h: (-rank.get(h.strength, 0), h.start - h.end))
    kept: list[Hit] = []
    for hit in ordered:
        if not any(
            k.category == hit.category and k.start <= hit.start and hit.end <= k.end for k in kept
        ):
            kept.append(hit)
    return kept


def _context(t: Text, hit: Hit, helpers: dict[str, list[Hit]], quoted) -> tuple[float, str]:
    """How much a hit counts given its surroundings, and why (or "" when fully)."""
    inside_quotes = any(_overlaps((hit.start, hit.end), q) for q in quoted)
    if helpers["meta"] and (inside_quotes or len(t.norm) <= 160):
        return MENTIONED, "asked about"
    if inside_quotes:
        return QUOTED, "quoted"
    if hit.category in PERSONAL and not (hit.category == "hate" and hit.strength == "strong"):
        # A slur is not taken back by a "no" before it ("no quiero X aquí").
        for neg in helpers["negation"]:
            between = t.norm[neg.end : hit.start]
            before = 0 <= hit.start - neg.end <= NEGATION_REACH and not CLAUSE_END.search(between)
            after = hit.lang in AFTER_NEGATES and 0 <= neg.start - hit.end <= 2
            within = hit.start < neg.start and neg.end <= hit.end  # "you [are not] stupid"
            if before or after or within:
                return NEGATED, "negated"
    return 1.0, ""
