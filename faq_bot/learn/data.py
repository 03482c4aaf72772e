"""The labelled question sets as training data: one set per writer, each question with the
class the model learns (benign, or its safety category)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import faq_bot
from faq_bot.core.faq.model import Faq
from faq_bot.core.safety.topics import SAFETY_CATEGORIES
from faq_bot.evaluate import Labelled, read_questions

BENIGN = "benign"
# The writer name of the FAQ's own phrasings when they are used as training questions.
FAQ_WRITER = "faq"
# The classes of the model, in the order the artifact and the reports use.
CLASSES: tuple[str, ...] = (BENIGN, *SAFETY_CATEGORIES)
# The labelled sets the shipped models are trained on (each bar-gated by `make test`).
DEFAULT_SETS = Path(faq_bot.__file__).resolve().parent.parent / "tests" / "eval"
# Sets by writers who saw neither code nor FAQ, first run when they arrived (each with its
# .firstrun.txt): not bar-gated, never training for the safety screen, training for the entry
# model (a new writer's wording is what it most needs to learn); `faq-bot crossval` scores each
# with an entry model trained without it.
HELDOUT = "heldout"


@dataclass(frozen=True, slots=True)
class Item:
    """One labelled question and the writer (the set) it came from."""

    writer: str
    question: Labelled

    @property
    def text(self) -> str:
        """The question's text."""
        return self.question.question

    @property
    def category(self) -> str:
        """The category the set gives it (in_scope, dosing, ...)."""
        return self.question.category

    @property
    def label(self) -> str:
        """The class the model learns: the safety category, or benign for everything else."""
        return self.category if self.category in SAFETY_CATEGORIES else BENIGN


def set_files(directory: Path) -> list[Path]:
    """The labelled sets directly in `directory`, by name; FileNotFoundError when none."""
    files = sorted(Path(directory).glob("*.yaml"))
    if not files:
        raise FileNotFoundError(f"no labelled sets (*.yaml) in {directory}; the training sets "
                                "live in tests/eval/ of a source checkout")
    return files


def heldout_files(directory: Path) -> list[Path]:
    """The held-out sets under `directory`/heldout/, by name (none: an empty list)."""
    return sorted((Path(directory) / HELDOUT).glob("*.yaml"))


def load_items(files: Iterable[Path]) -> list[Item]:
    """Every question of `files`, each set's file stem as its writer, in file order."""
    return [Item(path.stem, q) for path in files for q in read_questions(path)]


def faq_items(faq: Faq) -> list[Item]:
    """Every phrasing of every FAQ entry as an answerable question. `faq-bot check` has already
    refused any phrasing the rules would refer, so these are benign by construction; they teach
    the model the answerable side of topics the writers' sets barely cover."""
    return [Item(FAQ_WRITER, Labelled(text, "in_scope", entry.section, 0))
            for entry in faq.entries for text in entry.phrasings]


def fingerprint(items: Sequence[Item]) -> str:
    """sha256 over (writer, category, text) of `items`: what the artifact was trained on."""
    digest = hashlib.sha256()
    for item in items:
        digest.update(json.dumps([item.writer, item.category, item.text]).encode("utf-8"))
    return digest.hexdigest()
