"""Properties that must hold for any input: no JSON body and no question string makes the API
answer 500; every reply keeps the contract (kind, safety line, no dose amount); and the safety
verdict of a dosing or emergency question does not depend on case, spacing or punctuation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from faq_bot import create_app
from faq_bot.config import Settings, bundled_data_dir
from faq_bot.core.doses import find_dose_amounts
from faq_bot.core.engine import Engine
from faq_bot.core.faq.loader import load_faq

KINDS = {"answer", "referral", "emergency", "clarify", "fallback", "smalltalk"}
LIMIT = 500
# Function-scoped fixtures are not reset between examples; the module's app is built here.
FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=15,
)
ask_bodies = st.fixed_dictionaries(
    {"question": json_values | st.text(max_size=600)},
    optional={"channel": json_values | st.sampled_from(["web", "slack", "cli", "api"]),
              "session_id": json_values},
)
# Characters chat boxes really send, and the ones that try to hide words from the detectors.
awkward = st.characters(categories=["Cc", "Cf", "Zs", "So", "Mn"]) | st.sampled_from(
    ["\x00", "\u200b", "\u200e", "\u200f", "\u202e", "\u2066", "\ufeff", "\U0001f48a",
     "\U0001f634", "\u00a0"])
questions = st.one_of(
    st.text(max_size=120),
    st.text(alphabet=awkward, max_size=60),
    st.lists(st.sampled_from(["kratom", "sleep", "5g", "dose", "\u0100\u00a0", "\r\n", " ",
                              "?"]) | awkward, max_size=30).map("".join),
    st.text(min_size=1, max_size=30).map(lambda s: (s * LIMIT)[:LIMIT]),
    st.text(min_size=1, max_size=30).map(lambda s: (s * (LIMIT + 1))[:LIMIT + 1]),
    st.text(min_size=1, max_size=30).map(lambda s: (s * 10_000)[:10_000]),
)


@pytest.fixture(scope="module")
def api() -> Iterator[tuple[FlaskClient, str]]:
    """A client of one app for the module, and the deployment's safety line."""
    app: Flask = create_app(Settings(data_dir=bundled_data_dir(), ratelimit=None,
                                     reload_interval=0, curation=False))
    yield app.test_client(), app.extensions["faq_bot"].store.engine.faq.policy.safety_line


def post(client: FlaskClient, body: Any, *, ascii_only: bool = True) -> Any:
    return client.post("/api/v1/ask", data=json.dumps(body, ensure_ascii=ascii_only),
                       content_type="application/json")


def check_response(response: Any, safety: str) -> dict[str, Any]:
    """200 with a reply of the contract, or a 4xx with the error body; never anything else."""
    assert response.status_code == 200 or 400 <= response.status_code < 500, (
        response.status_code, response.get_data(as_text=True)[:500])
    assert response.mimetype == "application/json"
    body = response.get_json()
    if response.status_code != 200:
        assert isinstance(body["error"]["code"], str)
        assert isinstance(body["error"]["message"], str)
        return body
    assert body["kind"] in KINDS
    assert body["safety"] == safety
    shown = [body["text"], *(s["question"] for s in body["suggestions"]),
             *(n["text"] for n in body["context"])]
    if body["source"]:
        shown.append(body["source"]["quote"] or "")
    for text in shown:
        assert find_dose_amounts(text) == [], text
    return body


@FAST
@given(body=json_values)
def test_any_json_body_gets_a_reply_or_a_4xx(api: tuple[FlaskClient, str], body: Any) -> None:
    client, safety = api
    check_response(post(client, body), safety)


@FAST
@given(body=ask_bodies)
def test_any_ask_shaped_body_gets_a_reply_or_a_4xx(api: tuple[FlaskClient, str],
                                                   body: dict[str, Any]) -> None:
    client, safety = api
    check_response(post(client, body), safety)


@FAST
@given(question=questions, ascii_only=st.booleans())
@example(question="\x00", ascii_only=True)
@example(question="\u200b\u200e\u202e", ascii_only=False)
@example(question="how many g\u200brams of kratom", ascii_only=False)
@example(question="x" * LIMIT, ascii_only=True)
@example(question="x" * (LIMIT + 1), ascii_only=True)
@example(question="\U0001f48a" * 10_000, ascii_only=False)
def test_any_question_string_gets_a_reply_or_a_4xx(api: tuple[FlaskClient, str], question: str,
                                                   ascii_only: bool) -> None:
    client, safety = api
    response = post(client, {"question": question}, ascii_only=ascii_only)
    check_response(response, safety)
    if len(question) > LIMIT:
        assert response.status_code == 413
    elif any(ch.isalnum() for ch in question):
        assert response.status_code == 200


# --- the safety verdict is stable under surface changes -----------------------------------------

SAFETY_QUESTIONS = [
    "how many grams should I take for sleep",
    "what dose of kratom helps me sleep",
    "is 5g of kratom too much",
    "can I take kratom with alcohol",
    "can I mix kratom with my sleeping pills",
    "is kratom safe while pregnant",
    "how do I stop taking kratom",
    "I think I overdosed on kratom",
    "my friend took kratom and is not breathing",
    "my toddler swallowed some kratom powder",
    "I want to kill myself",
]

surface = st.tuples(
    st.sampled_from([str, str.lower, str.upper, str.title, str.capitalize, str.swapcase]),
    st.text(alphabet=" \t\n\u00a0", max_size=3),
    st.text(alphabet=" \t\n\u00a0", max_size=3),
    st.sampled_from(["", "?", "??", "!", "!!!", ".", "...", "?!", " ?", ","]),
)


@pytest.fixture(scope="module")
def verdicts() -> tuple[Engine, dict[str, tuple[str, str | None]]]:
    """An engine and the (kind, topic) it gives each safety question as written."""
    engine = Engine(load_faq(bundled_data_dir()))
    base = {}
    for question in SAFETY_QUESTIONS:
        reply = engine.ask(question)
        assert reply.kind in {"referral", "emergency"}, (question, reply.kind)
        base[question] = (reply.kind, reply.topic)
    return engine, base


@FAST
@given(question=st.sampled_from(SAFETY_QUESTIONS), change=surface)
def test_safety_verdicts_do_not_depend_on_case_spacing_or_punctuation(
        verdicts: tuple[Engine, dict[str, tuple[str, str | None]]], question: str,
        change: tuple[Any, str, str, str]) -> None:
    engine, base = verdicts
    case, before, after, punctuation = change
    variant = before + case(question) + punctuation + after
    reply = engine.ask(variant)
    assert (reply.kind, reply.topic) == base[question], variant
