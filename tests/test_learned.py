"""The learned safety screen: the pure-Python runtime reproduces scikit-learn, a bad artifact is
refused with its reason, the shipped model is what training gives, and the engine combines it
with the rules as designed (rules first; the model refers when sure, and when only suspicious
keeps an answer back)."""

from __future__ import annotations

import copy
import gzip
import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from sklearn.feature_extraction.text import CountVectorizer

from faq_bot.cli import main
from faq_bot.core.engine import Engine
from faq_bot.core.safety.learned import (
    BUNDLED_MODEL,
    WORD_PREFIX,
    Analyzer,
    ArtifactError,
    LearnedScreen,
    normalize,
)
from faq_bot.core.safety.screening import MODEL_CAUTION, MODEL_REFER, SafetyScreen
from faq_bot.evaluate import Labelled
from faq_bot.learn.commands import training_items
from faq_bot.learn.data import DEFAULT_SETS, Item, fingerprint, load_items
from faq_bot.learn.train import (
    Scored,
    TrainConfig,
    choose_decision,
    fit,
    fit_artifact,
    serialize,
)

ODD_TEXTS = [
    "", "   ", "?!", "a", "I", "Ünïcödé ﬁ café  ＫＲＡＴＯＭ ５ｇ", "ß STRASSE ǅ",
    "tab\tand\nnewline  double  space", "กินกระท่อมกับเหล้าได้ไหม", "x" * 300,
    "how many grams of kratom for sleep?? how many grams",
]
SUBSET = ("eighteenth", "holdout", "questions", "redteam", "twentyfirst")


@pytest.fixture(scope="module")
def small_items() -> list[Any]:
    return load_items([DEFAULT_SETS / f"{name}.yaml" for name in SUBSET])


@pytest.fixture(scope="module")
def small_model(small_items: list[Any]) -> tuple[Any, dict[str, Any]]:
    config = TrainConfig()
    pipe = fit([i.text for i in small_items], [i.label for i in small_items], config)
    artifact = fit_artifact(small_items, config, {"refer": 0.9, "caution": 0.6})
    return pipe, artifact


def test_character_ngrams_are_scikit_learns_char_wb(small_items: list[Any]) -> None:
    ours = Analyzer(char_ngram=(2, 4), word_ngram=(0, 0))
    ref = CountVectorizer(analyzer="char_wb", ngram_range=(2, 4), lowercase=False,
                          preprocessor=normalize).build_analyzer()
    for text in [i.text for i in small_items[::5]] + ODD_TEXTS:
        assert Counter(ours(text)) == Counter(ref(text)), text


def test_word_ngrams_are_scikit_learns_words(small_items: list[Any]) -> None:
    ours = Analyzer(char_ngram=(0, 0), word_ngram=(1, 2))
    ref = CountVectorizer(analyzer="word", ngram_range=(1, 2), lowercase=False,
                          preprocessor=normalize, token_pattern=r"\w+").build_analyzer()
    for text in [i.text for i in small_items[::5]] + ODD_TEXTS:
        assert Counter(ours(text)) == Counter(WORD_PREFIX + t for t in ref(text)), text


def test_runtime_reproduces_predict_proba(small_model: tuple[Any, dict[str, Any]],
                                          tmp_path: Path) -> None:
    pipe, artifact = small_model
    path = tmp_path / "screen.json.gz"
    path.write_bytes(serialize(artifact))
    screen = LearnedScreen.load(path)
    texts = [i.text for i in load_items([DEFAULT_SETS / "fifth.yaml"])] + ODD_TEXTS
    expected = pipe.predict_proba(texts)[:, [list(pipe.classes_).index(c)
                                             for c in screen.classes]]
    got = np.array([screen.probabilities(t) for t in texts])
    assert np.abs(got - expected).max() < 1e-9
    uncached = LearnedScreen.from_dict(artifact, word_cache_limit=0)
    assert np.abs(np.array([uncached.probabilities(t) for t in texts]) - got).max() < 1e-12


def test_training_twice_gives_the_same_bytes(small_items: list[Any],
                                             small_model: tuple[Any, dict[str, Any]]) -> None:
    again = fit_artifact(small_items, TrainConfig(), {"refer": 0.9, "caution": 0.6})
    assert serialize(again) == serialize(small_model[1])


def test_the_shipped_model_was_trained_on_the_current_sets_and_faq() -> None:
    shipped = json.loads(gzip.decompress(BUNDLED_MODEL.read_bytes()))
    assert shipped["training"]["data_sha256"] == fingerprint(training_items(None)), (
        "a labelled set or the FAQ changed since the model was trained: run `make train`")


def test_retraining_reproduces_the_shipped_model() -> None:
    result = CliRunner().invoke(main, ["train", "--check"])
    assert result.exit_code == 0, result.output


def test_a_model_trained_on_other_questions_fails_the_check(tmp_path: Path) -> None:
    stale = json.loads(gzip.decompress(BUNDLED_MODEL.read_bytes()))
    stale["training"]["data_sha256"] = "0" * 64
    path = tmp_path / "stale.json.gz"
    path.write_bytes(serialize(stale))
    result = CliRunner().invoke(main, ["train", "--check", "--out", str(path)])
    assert result.exit_code == 1
    assert "run `faq-bot train`" in result.output


# A real model, small enough to reason about: "zebra" is all dosing, "please" half suspicious.
def tiny_artifact(**changes: Any) -> dict[str, Any]:
    artifact: dict[str, Any] = {
        "format": "faq-bot-learned-screen", "version": 1,
        "classes": ["benign", "dosing", "emergency"], "benign_class": "benign",
        "features": Analyzer((0, 0), (1, 1)).describe(),
        "n_docs": 10,
        "df": {"\tzebra": 2, "\tplease": 2, "\tpanic": 2, "\tkratom": 5, "\tgiraffe": 2},
        "coef": {"\tzebra": [-20.0, 20.0, 0.0], "\tplease": [-2.0, 2.0, 0.0],
                 "\tpanic": [-20.0, 0.0, 20.0], "\tgiraffe": [-20.0, 0.0, 20.0]},
        "intercept": [2.0, 0.0, 0.0],
        "decision": {"refer": 0.9, "caution": 0.6},
        "training": {},
    }
    artifact.update(changes)
    return artifact


@pytest.mark.parametrize("change, reason", [
    ({"format": "pickle"}, "format"),
    ({"version": 2}, "version"),
    ({"classes": ["benign"]}, "classes"),
    ({"benign_class": "safe"}, "benign_class"),
    ({"features": {"char_ngram": [2, 4]}}, "features"),
    ({"n_docs": 0}, "n_docs"),
    ({"df": {"\tzebra": 11}}, "df"),
    ({"coef": {"\tunknown": [1.0, 2.0, 3.0]}}, "not in df"),
    ({"coef": {"\tzebra": [1.0, 2.0]}}, "finite numbers"),
    ({"intercept": [0.0, float("nan"), 0.0]}, "intercept"),
    ({"decision": {"refer": 0.5, "caution": 0.9}}, "caution <= refer"),
    ({"decision": {"refer": 0.9}}, "decision"),
])
def test_a_malformed_artifact_is_refused_with_its_reason(change: dict[str, Any],
                                                         reason: str) -> None:
    with pytest.raises(ArtifactError, match=reason):
        LearnedScreen.from_dict(tiny_artifact(**change))


def test_an_unreadable_artifact_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "screen.json.gz"
    path.write_bytes(b"\x1f\x8b not gzip")
    with pytest.raises(ArtifactError, match="cannot read"):
        LearnedScreen.load(path)


def test_the_model_abstains_on_a_question_it_knows_nothing_of() -> None:
    screen = LearnedScreen.from_dict(tiny_artifact())
    assert screen.judge("กินกระท่อมได้ไหม") is None
    assert screen.judge("zebra") is not None


@pytest.fixture(scope="module")
def tiny_engine(faq: Any) -> Engine:
    return Engine(faq, safety=SafetyScreen(LearnedScreen.from_dict(tiny_artifact())))


@pytest.mark.parametrize("question, kind, rule", [
    # Sure: the model refers whatever the matcher would have done.
    ("What is kratom? zebra", "referral", MODEL_REFER),
    ("zebra zebra", "referral", MODEL_REFER),  # two words: one is never judged
    ("panic panic", "emergency", MODEL_REFER),
    # Suspicious: an answer is kept back...
    ("What is kratom? please", "referral", MODEL_CAUTION),
    # ...but a reply that gives nothing away stands.
    ("please", "fallback", None),
    # Nothing suspicious: the FAQ answers.
    ("What is kratom?", "answer", None),
    # An amount of something plainly not kratom: the rules set dosing aside on purpose, and the
    # model's dosing guess does not overrule them; its other classes still count.
    ("how many glasses of water should I drink a day? zebra", "fallback", None),
    ("how many glasses of water should I drink a day? panic", "emergency", MODEL_REFER),
    # The model's emergency class needs a word of danger in the question (panic is one, and
    # so are pale, numb...); without one it gives its likeliest referral instead.
    ("giraffe giraffe", "referral", MODEL_REFER),
    ("giraffe, she looks pale", "emergency", MODEL_REFER),
    ("giraffe giraffe, my legs are numb", "emergency", MODEL_REFER),
    # Whether kratom is addictive, asked in general, is the policy's to answer: the model's
    # dosing (or mixing, or dependence) guess does not overrule it; about the asker it does.
    ("is kratom addictive? zebra", "answer", None),
    ("could people get hooked on it? zebra", "answer", None),
    # A dose size's effect asked about is the policy's too (Dose-Dependent Results): the
    # model's dosing guess does not overrule it; "how much" beside it is the rules' referral.
    ("would a small amount keep me awake? zebra", "answer", None),
    ("would a small amount keep me awake? how much should I take? zebra", "referral",
     "dosing.amount-question"),
    # With the asker taking it, in any language, the model's dosing guess stands: the dose
    # phrase lists cannot see the asker's words before the phrase.
    ("posso tomar uma dose alta para dormir melhor? zebra", "referral", MODEL_REFER),
    ("je peux prendre une dose forte pour mieux dormir ? zebra", "referral", MODEL_REFER),
    ("does a high dose make people sleepier? zebra", "answer", None),
    # Whether to involve a doctor is the article's advice: a referral guess does not overrule
    # it, an emergency one does.
    ("should people work with a doctor on kratom? zebra", "answer", None),
    ("should people work with a doctor on kratom? panic", "emergency", MODEL_REFER),
    # Sleep trouble dated from a life event is not the start of someone's use: a referral
    # guess does not overrule it, an emergency one does.
    ("I've slept badly since the new term started. what is kratom? zebra", "answer", None),
    ("I've slept badly since the new term started. what is kratom? panic", "emergency",
     MODEL_REFER),
    ("sleeping badly since my promotion. what is kratom? zebra", "answer", None),
])
def test_the_model_refers_when_sure_and_keeps_answers_back_when_suspicious(
        tiny_engine: Engine, question: str, kind: str, rule: str | None) -> None:
    reply = tiny_engine.ask(question)
    assert (reply.kind, reply.rule) == (kind, rule)


def test_the_rules_decide_before_the_model(tiny_engine: Engine) -> None:
    reply = tiny_engine.ask("how much kratom should I take? panic")
    assert reply.kind == "referral" and reply.topic == "dosing"
    assert not reply.rule.startswith("model.")


def test_thresholds_are_the_lowest_within_the_budgets() -> None:
    def scored(category: str, p: float) -> Scored:
        return Scored(Item("w", Labelled("q", category, None, 1)), p, "dosing")

    # 200 answerable questions: at 0.70 three (1.5%) would be kept back, at 0.71 one (0.5%).
    answerable = [scored("in_scope", 0.1)] * 197 + [scored("in_scope", 0.7)] * 2 \
        + [scored("in_scope", 0.8)]
    quiet = [scored("out_of_scope", 0.1)] * 99 + [scored("out_of_scope", 0.95)]
    decision = choose_decision(answerable + quiet)
    assert decision["caution"] == 0.71  # at 0.70, 3 of 200 (1.5%) would be kept back
    assert decision["refer"] == 0.71  # 1 of 100 quiet questions at 0.95 is within 1%


def test_explain_names_the_deciding_rule_and_the_model_score() -> None:
    result = CliRunner().invoke(main, ["safety", "explain", "how mcuh kratom shoud i tak"])
    assert result.exit_code == 0
    assert "how much kratom" in result.output  # the typo-corrected form
    assert "rule: dosing." in result.output
    assert "model: P(safety) = " in result.output
    assert "decision: referral (dosing)" in result.output


def test_explain_says_when_an_emergency_reading_has_no_word_of_danger() -> None:
    # The shipped model reads someone "acting odd" after kratom as an emergency; nothing in the
    # words says one, so the screen gives its likeliest referral and explain says why.
    result = CliRunner().invoke(main, ["safety", "explain",
                                       "my roommate had kratom last night and is acting odd"])
    assert result.exit_code == 0
    assert "likeliest emergency" in result.output
    assert "a word of danger (words/urgent.txt): none" in result.output
    assert "decision: referral" in result.output


def test_model_artifact_copy_is_not_shared(small_model: tuple[Any, dict[str, Any]]) -> None:
    # from_dict must not keep references into the dict it was given.
    artifact = copy.deepcopy(small_model[1])
    screen = LearnedScreen.from_dict(artifact)
    before = screen.probabilities("how many grams")
    artifact["coef"].clear()
    assert screen.probabilities("how many grams") == before


@pytest.mark.parametrize("message", ["ok", "okay", "no", "yes", "hmm", "cool", "sure", "k",
                                     "nope", "right", "true"])
def test_a_one_word_message_is_not_judged_by_the_model(message: str) -> None:
    # Too little text for the model: it read "ok" as mixing and "no" as an emergency.
    assert SafetyScreen.bundled().screen(message) == SafetyScreen.rules_only().screen(message)


@pytest.mark.parametrize("message", ["suicidal", "overdose", "dose?", "dosage"])
def test_a_one_word_risky_message_is_still_caught_by_the_rules(message: str) -> None:
    assert SafetyScreen.bundled().screen(message).verdict is not None


def test_a_child_the_rules_set_aside_is_not_referred_on_the_models_guess(faq: Any) -> None:
    """A child named in a question no rule referred (one who only asked) is the rules' call:
    the model's special-situation guess rests on that word; without a child it refers."""
    artifact = tiny_artifact(classes=["benign", "special_population", "emergency"])
    engine = Engine(faq, safety=SafetyScreen(LearnedScreen.from_dict(artifact)))
    assert engine.ask("my kid asked me where kratom comes from. zebra").kind == "answer"
    assert engine.ask("where does kratom come from? zebra").kind == "referral"
    # a child who wants to try it is the rules' referral
    assert engine.ask("my kid asked if he could try kratom. zebra").rule == \
        "special_population.children"
