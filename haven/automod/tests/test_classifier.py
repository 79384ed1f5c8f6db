"""classify(): what it catches in Haven's languages, and the learner it leaves alone
(issue 13, items 1 and 2). The lists are the shipped ones (haven/automod/data)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from haven.automod import evaluate
from haven.automod.classifier import CATEGORIES, POLICY, Verdict, classify
from haven.safety.categories import CATEGORIES as POLICY_CATEGORIES


def top(text: str, lang: str | None = None, **context) -> str:
    labels = classify(text, lang, **context).labels()
    return labels[0] if labels else "benign"


@pytest.mark.parametrize(
    "text, lang, label",
    [
        ("eres un pendejo de mierda", "es", "harassment"),
        ("shut up you fucking idiot", "en", "harassment"),
        ("I'll kill you", "en", "threat"),
        ("te voy a matar", "es", "threat"),
        ("Add me on WhatsApp +34 612 345 678, I can double your money with bitcoin", "en",
         "scam"),
        ("Verify your Haven account now: http://haven-login.example/verify", "en", "scam"),
        ("Buy 1000 followers for $5!!! http://fastfollowers.example", "en", "spam"),
    ],
)  # fmt: skip
def test_it_catches_what_is_aimed_at_someone(text, lang, label):
    assert top(text, lang) == label


@pytest.mark.parametrize(
    "text, lang",
    [
        ("What does 'pendejo' mean? My friend said it in a video", "en"),
        ("¿Qué significa «gilipollas»? Lo oí en una serie", "es"),
        ("「バカ」ってどういう意味ですか？", "ja"),
        ("I'm dying to learn Japanese", "en"),
        ("Tu m'as tué avec cette blague", "fr"),
        ("Don't worry, you're not stupid at all, everyone mixes these up", "en"),
        ("Do you use WhatsApp in Spain or Telegram?", "en"),
        ("My textbook cost 20€ and the audio is at https://example.org/lesson1", "en"),
    ],
)
def test_a_learner_asking_quoting_or_joking_raises_nothing(text, lang):
    assert top(text, lang) == "benign", classify(text, lang)


def test_a_notebook_correction_counts_less_than_a_chat_to_a_stranger():
    text = "you wrote 'cabrón' here, but between friends it's ok; careful, it's vulgar"
    assert classify(text, "en", surface="notebook").labels() == []
    banter = "shut up idiot lol"
    assert (
        classify(banter, "en", friends=True).scores["harassment"]
        < (classify(banter, "en").scores["harassment"])
    )


def test_obfuscation_is_read_through_and_the_span_is_what_was_written():
    verdict = classify("you are an 1d10t", "en")
    assert verdict.labels() == ["harassment"]
    assert any("1d10t" in span.text for span in verdict.spans_for("harassment"))


def test_a_verdict_scores_every_category_and_names_what_counted():
    verdict = classify("I know where you live", "en")
    assert set(verdict.scores) == set(CATEGORIES)
    assert verdict.top[0] == "threat"
    (span,) = verdict.spans_for("threat")
    assert span.text.lower() == "i know where you live" and span.source == "terms:en:strong"


def test_every_category_cites_a_shipped_policy_category():
    assert set(POLICY.values()) <= {slug for slug, *_ in POLICY_CATEGORIES}


def test_the_classifier_is_a_setting(settings):
    from haven.automod import classifier

    class Always:
        def classify(self, text, lang=None, *, surface=None, friends=False):
            return Verdict({c: 1.0 if c == "spam" else 0.0 for c in CATEGORIES})

    settings.HAVEN_CLASSIFIER = f"{__name__}.Always"
    classifier._classifier.cache_clear()
    globals()["Always"] = Always
    try:
        assert classify("hello").labels() == ["spam"]
    finally:
        classifier._classifier.cache_clear()


def test_automod_classify_scores_json_lines_from_standard_input(monkeypatch):
    lines = [{"id": 1, "text": "te voy a matar", "lang": "es"}, {"id": "b", "text": "hola"}]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(json.dumps(x) for x in lines)))
    out = io.StringIO()
    call_command("automod_classify", stdout=out)
    first, second = (json.loads(x) for x in out.getvalue().splitlines())
    assert first["id"] == 1 and first["labels"] == ["threat"]
    assert set(first["scores"]) == set(CATEGORIES)
    assert second == {**second, "id": "b", "labels": []}


def test_automod_classify_names_the_line_it_cannot_read(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO('{"id": 1, "text": "ok"}\nnot json\n'))
    with pytest.raises(Exception, match="line 2"):
        call_command("automod_classify", stdout=io.StringIO())


def test_the_labelled_set_keeps_false_positives_low_and_precision_high():
    """The shipped classifier on Haven's labelled set (`make eval` prints the table).
    A regression guard at today's level: benign lines flagged ≤ 3 %, precision ≥ 0.9
    in every category, recall not below 0.55 (0.57 today; the target is 0.6)."""
    result = evaluate.measure(evaluate.predict(evaluate.read()))
    assert result["overall"]["false_positives"] <= 0.03
    for category, measured in result["categories"].items():
        assert measured["precision"] >= 0.9, category
    assert result["overall"]["recall"] >= 0.55
