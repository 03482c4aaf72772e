"""The `faq-bot` command: serve, ask, check, eval, report, purge, safety explain, train and
crossval. Each command parses its
options and calls the library; nothing here decides what a reply says."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import click

from faq_bot.config import ConfigError, Settings
from faq_bot.core.engine import Engine, QuestionError, validate_question
from faq_bot.core.faq.loader import FaqInvalid, check_faq, load_faq
from faq_bot.core.replies import Reply

if TYPE_CHECKING:
    from faq_bot.curation import Curation


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except ConfigError as exc:
        raise click.ClickException(f"bad setting: {exc}") from None


def _engine(settings: Settings) -> Engine:
    try:
        faq = load_faq(settings.data_dir, country=settings.country,
                       source_url=settings.source_url, cache_dir=settings.cache_dir)
    except FaqInvalid as exc:
        click.echo("The FAQ has problems (run `faq-bot check`):", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    return Engine(faq)


def render_text(reply: Reply) -> str:
    """A reply as plain text for a terminal."""
    lines = [f"[{reply.kind}{'/' + reply.topic if reply.topic else ''}] {reply.text}"]
    if reply.source and reply.kind == "answer":
        lines.append(f'  Source: {reply.source.title}, "{reply.source.section}"')
        if reply.source.quote:
            lines.append(f'  Quote: "{reply.source.quote}"')
    for note in reply.context:
        lines.append(f"  Note: {note.text} ({note.title}{', ' + note.url if note.url else ''})")
    for s in reply.suggestions:
        lines.append(f"  - {s.question}")
    lines.append(f"  {reply.safety}")
    return "\n".join(lines)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="faq-bot")
def main() -> None:
    """A safety-first FAQ chatbot about kratom and sleep."""


@main.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the reply as the API's JSON.")
@click.option("--conversation", default=None, metavar="TOKEN",
              help="The `conversation` of the previous reply (from --json): ask in that chat.")
def ask(question: str, as_json: bool, conversation: str | None) -> None:
    """Answer QUESTION from the FAQ."""
    from faq_bot.core.conversation import advance
    from faq_bot.services import conversation_tokens

    try:
        question = validate_question(question)
    except QuestionError as exc:
        raise click.UsageError(exc.message) from None
    settings = _settings()
    tokens = conversation_tokens(settings)
    previous = tokens.read(conversation)
    reply = _engine(settings).ask(question, previous)
    reply = reply.with_conversation(
        tokens.issue(advance(previous, reply.kind, reply.faq_id, reply.topic)))
    if as_json:
        click.echo(json.dumps(reply.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(reply))


@main.command()
@click.option("--data-dir", type=click.Path(path_type=Path), default=None,
              help="The FAQ folder to check (default: FAQ_BOT_DATA_DIR or the bundled one).")
def check(data_dir: Path | None) -> None:
    """Validate the FAQ; exit non-zero with file:line messages on any problem."""
    settings = _settings()
    folder = data_dir or settings.data_dir
    problems = check_faq(folder, country=settings.country, cache_dir=settings.cache_dir)
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        click.echo(f"{len(problems)} problem(s) in {folder}", err=True)
        sys.exit(1)
    faq = load_faq(folder, country=settings.country, cache_dir=settings.cache_dir)
    click.echo(f"OK: {len(faq.entries)} entries, "
               f"{sum(len(e.phrasings) for e in faq.entries)} phrasings, "
               f"{len(faq.notes)} context notes, contacts for {faq.policy.country} ({folder})")


@main.command("eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--url", default=None, metavar="BASE",
              help="Ask a running server over HTTP (e.g. http://127.0.0.1:8000) instead of "
                   "an engine in this process.")
def eval_(file: Path, as_json: bool, url: str | None) -> None:
    """Score a labelled question FILE, or a labelled conversation FILE turn by turn; exit
    non-zero when a bar is missed."""
    from faq_bot.evaluate import (
        evaluate,
        evaluate_conversations,
        format_result,
        is_conversation_file,
        read_conversations,
        read_questions,
    )

    settings = _settings()
    ask, known = (_http_asker(url), _http_entry_ids(url)) if url else _local_asker(settings)
    try:
        if is_conversation_file(file):
            conversations = read_conversations(file)
            result = evaluate_conversations(conversations, ask, known)
        else:
            items = read_questions(file)
            result = evaluate(items, lambda q: ask(q, None))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        conv = result.conversation
        click.echo(json.dumps({
            "categories": {n: {"ok": s.ok, "total": s.total, "rate": s.rate}
                           for n, s in result.categories.items()},
            "dose_leaks": len(result.dose_leaks),
            **({"conversation": {"replies": conv.replies,
                                 "without_conversation": len(conv.without_token),
                                 "answers": conv.answers,
                                 "with_followups": conv.with_followups,
                                 "followup_rate": conv.followup_rate}} if conv else {}),
            "failed": result.failed_bars,
        }, indent=2))
    else:
        click.echo(format_result(result))
    if result.failed_bars:
        click.echo("below the bar: " + ", ".join(result.failed_bars), err=True)
        sys.exit(1)


def _local_asker(settings: Settings) -> tuple[Callable[[str, str | None], dict[str, Any]],
                                              set[str]]:
    """Ask an engine in this process, with conversation tokens as the server issues them;
    and the ids of its entries."""
    from faq_bot.core.conversation import advance
    from faq_bot.services import conversation_tokens

    engine = _engine(settings)
    tokens = conversation_tokens(settings)

    def ask(question: str, conversation: str | None) -> dict[str, Any]:
        previous = tokens.read(conversation)
        reply = engine.ask(question, previous)
        turn = advance(previous, reply.kind, reply.faq_id, reply.topic)
        return reply.with_conversation(tokens.issue(turn)).to_dict()

    return ask, {e.id for e in engine.faq.entries}


def _http_asker(base: str) -> Callable[[str, str | None], dict[str, Any]]:
    """Ask the server at `base` over HTTP, as any client does."""
    import urllib.request

    def ask(question: str, conversation: str | None) -> dict[str, Any]:
        body: dict[str, Any] = {"question": question}
        if conversation is not None:
            body["conversation"] = conversation
        request = urllib.request.Request(
            base.rstrip("/") + "/api/v1/ask", data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            data: dict[str, Any] = json.loads(response.read())
        return data

    return ask


def _http_entry_ids(base: str) -> set[str]:
    import urllib.request

    with urllib.request.urlopen(base.rstrip("/") + "/api/v1/faq", timeout=30) as response:
        return {e["id"] for e in json.loads(response.read())["entries"]}


def _curation(settings: Settings) -> Curation:
    from faq_bot.curation import Curation

    try:
        return Curation(settings)
    except ConfigError as exc:
        raise click.ClickException(f"bad setting: {exc}") from None


@main.command()
@click.option("--since", default="7d", show_default=True,
              help="The period to report on: 30m, 12h, 7d, 2w ...")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text",
              show_default=True, help="How to print the report.")
@click.option("--suggest", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write proposed alternates (YAML, for review by hand) to this file.")
def report(since: str, fmt: str, suggest: Path | None) -> None:
    """The curator's report: replies over time, unanswered questions, feedback, safety topics."""
    from faq_bot.curation import CurationUnavailable
    from faq_bot.curation.render import render
    from faq_bot.curation.report import parse_since
    from faq_bot.curation.suggest import propose, suggestions_yaml

    try:
        period = parse_since(since)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from None
    settings = _settings()
    engine = _engine(settings)
    curation = _curation(settings)
    try:
        result = curation.report(engine.matcher, period)
    except CurationUnavailable as exc:
        raise click.ClickException(f"cannot read the curation database: {exc}") from None
    finally:
        curation.close()
    click.echo(render(result, fmt), nl=fmt == "json")
    if suggest is not None:
        items = propose(result, engine.faq, settings.data_dir, country=settings.country,
                        cache_dir=settings.cache_dir)
        suggest.write_text(suggestions_yaml(items, result), encoding="utf-8")
        click.echo(f"{len(items)} proposed alternate(s) written to {suggest}; review them and "
                   "copy the ones you agree with into faq.yaml by hand.", err=True)


@main.command()
def purge() -> None:
    """Delete curation events and votes older than FAQ_BOT_RETENTION_DAYS (default 30)."""
    from sqlalchemy.exc import SQLAlchemyError

    from faq_bot.curation import SchemaTooNew

    settings = _settings()
    curation = _curation(settings)
    try:
        events, votes = curation.purge()
    except (SQLAlchemyError, SchemaTooNew) as exc:
        from faq_bot.curation.recorder import short_error

        raise click.ClickException("cannot purge the curation database: "
                                   + short_error(exc)) from None
    finally:
        curation.close()
    click.echo(f"Purged {events} event(s) and {votes} vote(s) older than "
               f"{settings.retention_days} days from {curation.db.describe()}.")


@main.group()
def safety() -> None:
    """Look inside the safety screen."""


@safety.command()
@click.argument("question")
def explain(question: str) -> None:
    """Print the forms the rules checked in QUESTION, the rule (or model score) that decided,
    and why."""
    from faq_bot.core.safety.learned import bundled
    from faq_bot.core.safety.screen import explain as explain_rules
    from faq_bot.core.safety.screen import sounds_urgent
    from faq_bot.core.safety.screening import SafetyScreen

    seen = explain_rules(question)
    click.echo("forms checked by the rules:")
    for form in seen.forms:
        click.echo(f"  {form!r}")
    if seen.rule:
        click.echo(f"rule: {seen.rule} ({seen.verdict.kind if seen.verdict else ''}) "
                   f"caught {seen.matched!r} in {seen.form!r}")
        click.echo(f"  why: {seen.why}")
    else:
        click.echo("rule: none" + (f" (a dosing rule was set aside by {seen.set_aside})"
                                   if seen.set_aside else ""))
    model = bundled()
    judgement = model.judge(question)
    d = model.decision_thresholds
    if judgement is None:
        click.echo("model: knows no term of this question, so it abstains")
    else:
        click.echo(f"model: P(safety) = {judgement.p_safety:.3f}, likeliest {judgement.top}; "
                   f"refers at {d.refer:.2f}, keeps an answer back at {d.caution:.2f}")
        if judgement.emergency:
            click.echo("  a word of danger (words/urgent.txt): "
                       + ("yes, so an emergency stays one" if sounds_urgent(question) else
                          f"none, so its referral instead: {judgement.referral}"))
    result = SafetyScreen(model).screen(question)
    if result.verdict:
        v = result.verdict
        click.echo(f"decision: {v.kind} ({v.topic}) by {v.rule}")
    elif result.caution:
        c = result.caution
        click.echo(f"decision: may be matched, but an FAQ answer becomes a {c.kind} "
                   f"({c.topic}) by {c.rule}")
    else:
        click.echo("decision: may be matched")


def _learning() -> ModuleType:
    # scikit-learn is imported only when a learning command runs (the `learn` extra).
    try:
        from faq_bot.learn import commands
    except ImportError as exc:
        raise click.ClickException(
            f"this command needs scikit-learn ({exc.name} is missing): "
            "pip install -e '.[learn]'") from None
    return commands


@main.command()
@click.option("--sets", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of labelled sets (default: tests/eval of this checkout).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the model (default: the one shipped in the package).")
@click.option("--entries-out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the entry model (default: the one shipped in the package).")
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit non-zero when a shipped model is not what training "
                   "on the current sets gives.")
def train(sets: Path | None, out: Path | None, entries_out: Path | None,
          check_only: bool) -> None:
    """Train the learned safety screen and the entry model from the labelled sets,
    deterministically."""
    ok, message = _learning().train_command(sets, out, check_only, entries_out)
    click.echo(message, err=not ok)
    if not ok:
        sys.exit(1)


@main.command()
@click.option("--sets", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of labelled sets (default: tests/eval of this checkout).")
def crossval(sets: Path | None) -> None:
    """Leave-one-writer-out figures for the rules, the model and both (Markdown)."""
    click.echo(_learning().crossval_command(sets))


@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("gunicorn_args", nargs=-1, type=click.UNPROCESSED)
def serve(gunicorn_args: tuple[str, ...]) -> None:
    """Serve the API with gunicorn (extra arguments go to gunicorn)."""
    _settings()
    argv = [sys.executable, "-m", "gunicorn", "-c", "python:faq_bot.server.conf",
            *gunicorn_args, "faq_bot:create_app()"]
    os.execv(sys.executable, argv)
