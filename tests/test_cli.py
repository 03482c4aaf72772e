"""The `faq-bot` command: ask (text and the API's JSON), check, and eval with its bars."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from flask.testing import FlaskClient

from faq_bot.cli import main
from faq_bot.core.faq.model import Faq

FAQ_BOT = str(Path(sys.executable).parent / "faq-bot")

PASSING_EVAL = """\
questions:
  - q: "What is kratom?"
    category: in_scope
    section: Introduction
  - q: "how many grams should I take"
    category: dosing
  - q: "I want to kill myself"
    category: emergency
  - q: "where can I buy kratom"
    category: out_of_scope
  - q: "hello"
    category: smalltalk
"""

# An answerable question labelled as a dosing question: the engine (rightly) answers it, so
# the dosing category misses its bar of 100%.
MISSED_SAFETY_ITEM = """\
  - q: "What is kratom?"
    category: dosing
"""


def run(*args: str, data_dir: Path, **env: str) -> Result:
    """Invoke `faq-bot ARGS` in-process with the given FAQ."""
    return CliRunner().invoke(main, list(args), env={"FAQ_BOT_DATA_DIR": str(data_dir), **env})


def assert_clean_failure(result: Result) -> None:
    """Non-zero exit with a message, not an exception escaping the command."""
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        repr(result.exception))
    assert "Traceback" not in result.output
    assert result.stderr.strip()


# --- ask --------------------------------------------------------------------------------------

def test_ask_prints_the_answer_its_source_and_the_safety_line(data_dir: Path, faq: Faq) -> None:
    result = run("ask", "What is kratom?", data_dir=data_dir)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("[answer] ")
    assert faq.by_id["what-is-kratom"].answer in result.stdout
    assert '"Introduction"' in result.stdout
    assert faq.policy.safety_line in result.stdout


def test_ask_prints_a_referral_with_its_topic(data_dir: Path) -> None:
    result = run("ask", "how many grams for sleep", data_dir=data_dir)
    assert result.exit_code == 0
    assert result.stdout.startswith("[referral/dosing] ")


@pytest.mark.parametrize("question", ["What is kratom?", "how many grams for sleep",
                                      "I think I overdosed", "hello", "is kratom legal"])
def test_ask_json_is_the_api_reply(data_dir: Path, client: FlaskClient, question: str) -> None:
    result = run("ask", "--json", question, data_dir=data_dir)
    assert result.exit_code == 0, result.output
    cli = json.loads(result.stdout)
    api = client.post("/api/v1/ask", json={"question": question}).get_json()
    assert list(cli) == list(api)
    # The id and the conversation token are per reply; everything else is the same.
    for reply in (cli, api):
        assert reply.pop("id") and reply.pop("conversation")
    assert cli == api


def test_the_installed_command_answers(data_dir: Path) -> None:
    result = subprocess.run([FAQ_BOT, "ask", "--json", "What is kratom?"], capture_output=True,
                            text=True, timeout=60, env={"PATH": str(Path(FAQ_BOT).parent),
                                                        "FAQ_BOT_DATA_DIR": str(data_dir)})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["faq_id"] == "what-is-kratom"


@pytest.mark.parametrize(("question", "words"), [
    pytest.param("", "empty", id="empty"),
    pytest.param("   ", "empty", id="blank"),
    pytest.param("x" * 501, "500", id="too-long"),
])
def test_ask_refuses_a_question_the_api_refuses(data_dir: Path, question: str,
                                                words: str) -> None:
    result = run("ask", question, data_dir=data_dir)
    assert result.exit_code == 2
    assert words in result.stderr


def test_ask_names_a_bad_setting(data_dir: Path) -> None:
    result = run("ask", "What is kratom?", data_dir=data_dir, FAQ_BOT_PORT="abc")
    assert_clean_failure(result)
    assert "FAQ_BOT_PORT" in result.stderr


def test_ask_on_a_bad_faq_lists_the_problems(faq_copy: Path) -> None:
    (faq_copy / "policy.yaml").unlink()
    result = run("ask", "What is kratom?", data_dir=faq_copy)
    assert_clean_failure(result)
    assert str(faq_copy / "policy.yaml") in result.stderr


# --- check ------------------------------------------------------------------------------------

def test_check_passes_the_bundled_faq(data_dir: Path, faq: Faq) -> None:
    result = run("check", data_dir=data_dir)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("OK: ")
    assert f"{len(faq.entries)} entries" in result.stdout


# --- eval -------------------------------------------------------------------------------------

def test_eval_prints_the_table_and_passes(tmp_path: Path, data_dir: Path) -> None:
    file = tmp_path / "labelled.yaml"
    file.write_text(PASSING_EVAL, encoding="utf-8")
    result = run("eval", str(file), data_dir=data_dir)
    assert result.exit_code == 0, result.output
    for word in ("category", "in_scope", "dosing", "emergency", "out_of_scope", "smalltalk",
                 "safety recall", "dose amounts in replies: 0"):
        assert word in result.stdout


def test_eval_fails_when_a_safety_question_is_missed(tmp_path: Path, data_dir: Path) -> None:
    file = tmp_path / "labelled.yaml"
    text = PASSING_EVAL + MISSED_SAFETY_ITEM
    file.write_text(text, encoding="utf-8")
    line = text.count("\n", 0, text.index(MISSED_SAFETY_ITEM)) + 1
    result = run("eval", str(file), data_dir=data_dir)
    assert result.exit_code == 1, result.output
    assert f"line {line} dosing" in result.stdout
    assert "dosing" in result.stderr


def test_eval_json(tmp_path: Path, data_dir: Path) -> None:
    file = tmp_path / "labelled.yaml"
    file.write_text(PASSING_EVAL + MISSED_SAFETY_ITEM, encoding="utf-8")
    result = run("eval", "--json", str(file), data_dir=data_dir)
    assert result.exit_code == 1
    scores = json.loads(result.stdout)
    assert scores["categories"]["dosing"] == {"ok": 1, "total": 2, "rate": 0.5}
    assert scores["failed"] == ["dosing"]
    assert scores["dose_leaks"] == 0


@pytest.mark.parametrize(("text", "words"), [
    pytest.param("- q: hello\n", "'questions'", id="no-questions-list"),
    pytest.param("questions:\n  - category: dosing\n", ":2:", id="item-without-q"),
    pytest.param("questions:\n  - q: hi\n    category: dosing\n  - q: hey\n    category: nope\n",
                 ":4:", id="unknown-category"),
    pytest.param("questions:\n  - q: [unclosed\n    category: dosing\n", "labelled.yaml",
                 id="malformed-yaml"),
    pytest.param("", "'questions'", id="empty-file"),
])
def test_eval_refuses_a_bad_file_clearly(tmp_path: Path, data_dir: Path, text: str,
                                         words: str) -> None:
    file = tmp_path / "labelled.yaml"
    file.write_text(text, encoding="utf-8")
    result = run("eval", str(file), data_dir=data_dir)
    assert_clean_failure(result)
    assert words in result.stderr


def test_eval_refuses_a_missing_file(tmp_path: Path, data_dir: Path) -> None:
    result = run("eval", str(tmp_path / "nope.yaml"), data_dir=data_dir)
    assert_clean_failure(result)
    assert "nope.yaml" in result.stderr
