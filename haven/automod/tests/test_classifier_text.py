"""The classifier's reading of text: normalising with origins kept, languages by
script and by lingua, and contact details."""

from __future__ import annotations

import pytest

from haven.automod.classifier.contacts import contacts
from haven.automod.classifier.text import languages, normalise


@pytest.mark.parametrize(
    "written, read",
    [
        ("You are an 1d10t!", "you are an idiot!"),  # look-alikes inside a word; "!" kept
        ("s t u p i d", "stupid"),  # spelled out
        ("s.t.u.p.i.d girl", "stupid girl"),
        ("ＹＯＵ ＩＤＩＯＴ", "you idiot"),  # full width
        ("id\u200biot", "idiot"),  # zero width
        ("$tupid", "stupid"),
        ("It costs $100, call 555 0100", "it costs $100, call 555 0100"),  # numbers stay
    ],
)
def test_normalising_reads_what_a_filter_dodger_wrote(written, read):
    assert normalise(written).norm == read


def test_a_match_in_the_normalised_text_maps_back_to_what_was_written():
    text = normalise("hey Ｓ.t.u.p.i.d!")
    start = text.norm.index("stupid")
    begin, end = text.span(start, start + len("stupid"))
    assert text.original[begin:end] == "Ｓ.t.u.p.i.d"


@pytest.mark.parametrize(
    "written, first",
    [
        ("バカじゃないの", "ja"),
        ("你是个笨蛋", "zh"),
        ("너 바보야", "ko"),
        ("ты дурак", "ru"),
        ("أنت غبي", "ar"),
        ("eres un idiota de verdad", "es"),
        ("du bist wirklich ein Idiot", "de"),
    ],
)
def test_languages_by_script_and_by_lingua(written, first):
    assert languages(normalise(written))[0] == first


def test_the_hint_comes_first_and_english_is_always_considered_in_latin_script():
    found = languages(normalise("ciao bella come stai"), "es")
    assert found[0] == "es" and "en" in found and "it" in found


def test_contact_details_phone_email_link_and_handles():
    found = contacts(
        "Write me on WhatsApp +34 612 345 678 or mail ana.r@example.com, "
        "see t.me/cryptowins and https://haven-login.example/verify",
        ["es", "en"],
    )
    kinds = [(c.kind, c.text) for c in found]
    assert ("phone", "+34 612 345 678") in kinds
    assert ("email", "ana.r@example.com") in kinds
    assert ("handle", "t.me/cryptowins") in kinds
    link = next(c for c in found if c.kind == "link")
    assert link.text == "https://haven-login.example/verify" and link.phishing


def test_a_plain_number_in_a_sentence_is_not_a_phone():
    assert contacts("I have 3 cats and 2 dogs, and I was born in 1994", ["en"]) == []
