"""What `faq-bot train` and `faq-bot crossval` do, kept out of the CLI module so that the CLI
imports scikit-learn only when one of them runs."""

from __future__ import annotations

import gzip
import hashlib
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from faq_bot.config import bundled_data_dir
from faq_bot.core.evidence import ARTIFACT_FORMAT as ENTRIES_FORMAT
from faq_bot.core.evidence import BUNDLED_MODEL as BUNDLED_ENTRIES
from faq_bot.core.faq.loader import load_faq
from faq_bot.core.safety.learned import ARTIFACT_FORMAT, BUNDLED_MODEL, LearnedScreen
from faq_bot.learn.crossval import leave_one_writer_out, report
from faq_bot.learn.data import (
    DEFAULT_SETS,
    Item,
    faq_items,
    fingerprint,
    heldout_files,
    load_items,
    set_files,
)
from faq_bot.learn.entries import examples, train_entries
from faq_bot.learn.train import serialize, train

# Retrained elsewhere (another BLAS, another CPU), the last rounded digit of a coefficient may
# differ; a model within this of the shipped one on every training question is the same model.
SAME_MODEL_TOLERANCE = 1e-6


def training_items(sets: Path | None) -> list[Item]:
    """What both models learn from: every labelled set (the held-out ones too, once their
    first run is recorded) and the bundled FAQ's phrasings.

    Why the held-out sets too: without them the safety screen saw 1,068 answerable questions
    (23 not in English) against 7,362 risky ones, and learned that an unusual wording or
    another language is risky; scored with writers left out, adding them took the model's own
    referrals of answerable held-out questions from 39 to 3 in 5,356. Their honest figures are
    their first runs (README) and `faq-bot crossval`, which scores every set with models
    trained without it."""
    folder = sets or DEFAULT_SETS
    return (load_items(set_files(folder)) + load_items(heldout_files(folder))
            + faq_items(load_faq(bundled_data_dir())))


def entry_items(sets: Path | None) -> list[Item]:
    """What the entry model learns from: the same items as the safety screen."""
    return training_items(sets)


def train_command(sets: Path | None, out: Path | None, check_only: bool,
                  entries_out: Path | None = None) -> tuple[bool, str]:
    """Train both models (the safety screen, the entry model); write the artifacts, or with
    `check_only` compare them with the shipped ones."""
    items = training_items(sets)
    started = time.perf_counter()
    artifact, _ = train(items)
    took = time.perf_counter() - started
    summary = (f"{len(items)} questions from {len(artifact['training']['writers'])} writers, "
               f"{len(artifact['df'])} terms, refer at {artifact['decision']['refer']:.2f}, "
               f"caution at {artifact['decision']['caution']:.2f}; {took:.0f} s")
    ok, said = _write_or_check(artifact, out or BUNDLED_MODEL, check_only, summary,
                               fingerprint(items), ARTIFACT_FORMAT, [i.text for i in items])
    if not ok:
        return ok, said
    faq = load_faq(bundled_data_dir())
    started = time.perf_counter()
    entry_set = items  # the same items as the screen's (entry_items), loaded once
    entries, _ = train_entries(entry_set, faq)
    took = time.perf_counter() - started
    summary = (f"{entries['n_docs']} questions, {len(entries['classes']) - 1} entries, "
               f"{len(entries['df'])} terms, rescue at {entries['decision']['rescue']:.2f}, "
               f"agree at {entries['decision']['agree']:.2f}; "
               f"{took:.0f} s")
    train_set = examples(entry_set, faq)
    ok, said_entries = _write_or_check(entries, entries_out or BUNDLED_ENTRIES, check_only,
                                       summary, fingerprint(train_set),  # type: ignore[arg-type]
                                       ENTRIES_FORMAT, [x.text for x in train_set])
    return ok, f"{said}\n{said_entries}"


def _write_or_check(artifact: dict[str, Any], target: Path, check_only: bool, summary: str,
                    data_sha256: str, artifact_format: str, probe: Sequence[str]
                    ) -> tuple[bool, str]:
    # `probe`: the training texts, on which a retrained model must give the same
    # probabilities as the shipped one.
    blob = serialize(artifact)
    if not check_only:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blob)
        return True, (f"wrote {target} ({len(blob)} bytes, sha256 "
                      f"{hashlib.sha256(blob).hexdigest()[:16]}): {summary}")
    if not target.exists():
        return False, f"{target} is missing: run `faq-bot train` and commit the model"
    shipped_bytes = target.read_bytes()
    if shipped_bytes == blob:
        return True, f"{target} is exactly what training gives: {summary}"
    shipped = json.loads(gzip.decompress(shipped_bytes))
    if shipped["training"]["data_sha256"] != data_sha256:
        return False, (f"{target} was trained on other questions than the current sets "
                       "and FAQ: run `faq-bot train` and commit the model")
    if shipped["decision"] != artifact["decision"]:
        return False, f"{target} has other thresholds than training gives: {summary}"
    fresh = LearnedScreen.from_dict(artifact, artifact_format=artifact_format)
    old = LearnedScreen.from_dict(shipped, artifact_format=artifact_format)
    worst = max(abs(a - b) for text in probe
                for a, b in zip(fresh.probabilities(text), old.probabilities(text),
                                strict=True))
    if worst > SAME_MODEL_TOLERANCE:
        return False, (f"{target} differs from a fresh training run by up to {worst:.2g} "
                       "in probability: run `faq-bot train` and commit the model")
    return True, (f"{target} matches training to {worst:.1g} (not byte for byte: "
                  f"another numeric library build): {summary}")


def crossval_command(sets: Path | None) -> str:
    """The leave-one-writer-out report: the first sets, then the held-out sets under
    tests/eval/heldout/, each set scored by models trained without it."""
    folder = sets or DEFAULT_SETS
    items = training_items(sets)
    heldout = {p.stem for p in heldout_files(folder)}
    faq = load_faq(bundled_data_dir())
    started = time.perf_counter()
    lowo = leave_one_writer_out(items, faq)
    first = [r for r in lowo if r.name not in heldout]
    held = [r for r in lowo if r.name in heldout]
    took = time.perf_counter() - started
    return (report(first, held)
            + f"\n\n_{len(lowo)} models trained and scored in {took:.0f} s._\n")
