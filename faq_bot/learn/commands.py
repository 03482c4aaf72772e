"""What `faq-bot train` and `faq-bot crossval` do, kept out of the CLI module so that the CLI
imports scikit-learn only when one of them runs."""

from __future__ import annotations

import gzip
import hashlib
import json
import time
from pathlib import Path

from faq_bot.config import bundled_data_dir
from faq_bot.core.faq.loader import load_faq
from faq_bot.core.safety.learned import BUNDLED_MODEL, LearnedScreen, bundled
from faq_bot.learn.crossval import held_out_sets, leave_one_writer_out, report
from faq_bot.learn.data import DEFAULT_SETS, Item, faq_items, fingerprint, load_items, set_files
from faq_bot.learn.train import serialize, train

# Retrained elsewhere (another BLAS, another CPU), the last rounded digit of a coefficient may
# differ; a model within this of the shipped one on every training question is the same model.
SAME_MODEL_TOLERANCE = 1e-6


def training_items(sets: Path | None) -> list[Item]:
    """The labelled sets' questions and the bundled FAQ's phrasings."""
    return (load_items(set_files(sets or DEFAULT_SETS))
            + faq_items(load_faq(bundled_data_dir())))


def train_command(sets: Path | None, out: Path | None, check_only: bool) -> tuple[bool, str]:
    """Train; write the artifact, or with `check_only` compare it with the shipped one."""
    items = training_items(sets)
    started = time.perf_counter()
    artifact, _ = train(items)
    blob = serialize(artifact)
    took = time.perf_counter() - started
    summary = (f"{len(items)} questions from {len(artifact['training']['writers'])} writers, "
               f"{len(artifact['df'])} terms, refer at {artifact['decision']['refer']:.2f}, "
               f"caution at {artifact['decision']['caution']:.2f}; {took:.0f} s")
    if not check_only:
        target = out or BUNDLED_MODEL
        target.write_bytes(blob)
        return True, (f"wrote {target} ({len(blob)} bytes, sha256 "
                      f"{hashlib.sha256(blob).hexdigest()[:16]}): {summary}")
    shipped_path = out or BUNDLED_MODEL
    shipped_bytes = shipped_path.read_bytes()
    if shipped_bytes == blob:
        return True, f"{shipped_path} is exactly what training gives: {summary}"
    shipped = json.loads(gzip.decompress(shipped_bytes))
    if shipped["training"]["data_sha256"] != fingerprint(items):
        return False, (f"{shipped_path} was trained on other questions than the current sets "
                       "and FAQ: run `faq-bot train` and commit the model")
    if shipped["decision"] != artifact["decision"]:
        return False, f"{shipped_path} has other thresholds than training gives: {summary}"
    fresh, old = LearnedScreen.from_dict(artifact), LearnedScreen.from_dict(shipped)
    worst = max(abs(a - b) for item in items
                for a, b in zip(fresh.probabilities(item.text), old.probabilities(item.text),
                                strict=True))
    if worst > SAME_MODEL_TOLERANCE:
        return False, (f"{shipped_path} differs from a fresh training run by up to {worst:.2g} "
                       "in probability: run `faq-bot train` and commit the model")
    return True, (f"{shipped_path} matches training to {worst:.1g} (not byte for byte: "
                  f"another numeric library build): {summary}")


def crossval_command(sets: Path | None) -> str:
    """The leave-one-writer-out report, and the held-out sets under tests/eval/unseen/."""
    folder = sets or DEFAULT_SETS
    items = training_items(sets)
    faq = load_faq(bundled_data_dir())
    started = time.perf_counter()
    lowo = leave_one_writer_out(items, faq)
    unseen = sorted((folder / "unseen").glob("*.yaml"))
    held = held_out_sets(unseen, lambda p: load_items([p]), faq, bundled())
    took = time.perf_counter() - started
    return (report(lowo, held)
            + f"\n\n_{len(lowo)} models trained and scored in {took:.0f} s._\n")
