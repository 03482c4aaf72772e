"""What people asked before, as evidence for the FAQ's entries: a learned model of which entry
answers a question, consulted only when the FAQ's own phrasings found no answer.

The model (`faq-bot train`, `faq_bot.learn.entries`) is the safety screen's kind of linear
model over character and word n-grams, with one class per entry and one for out of scope,
trained on the FAQ's phrasings and the labelled sets' questions. The curated phrasings still
decide every question they match (adding people's questions as phrasings sent some entries' own
questions elsewhere); the model only rescues a question that would otherwise fall back or ask
to clarify, when the section it finds likeliest is at least `rescue` probable. The line is
chosen by cross-validation grouped by writer: the lowest that answers no more out-of-scope
questions than the matcher alone does.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from faq_bot.core.faq.model import Entry, Faq
from faq_bot.core.safety.learned import ArtifactError, LearnedScreen

ARTIFACT_FORMAT = "faq-bot-learned-entries"
BUNDLED_MODEL = Path(__file__).with_name("model") / "entries.json.gz"
OUT_OF_SCOPE = "out_of_scope"


def model_text(question: str, reading: str | None) -> str:
    """What the model reads: the question, and its English reading when it has one."""
    return question if reading is None else f"{question} | {reading}"


@dataclass(frozen=True, slots=True)
class Rescue:
    """The entry the model finds for a question, and its section's probability."""

    entry: Entry
    probability: float


class Evidence:
    """The learned entry model with its rescue line and the section of each entry it knows."""

    def __init__(self, model: LearnedScreen, sections: Mapping[str, str], rescue: float) -> None:
        self.model = model
        self.sections = dict(sections)
        self.rescue = rescue

    @classmethod
    def from_dict(cls, data: object) -> Evidence:
        """Validate a decoded artifact (the screen's layout plus `entry_sections` and
        `decision.rescue`) and build the evidence from it."""
        model = LearnedScreen.from_dict(data, artifact_format=ARTIFACT_FORMAT)
        assert isinstance(data, dict)
        sections = data.get("entry_sections")
        rescue = data["decision"].get("rescue")
        if not (isinstance(sections, dict) and all(isinstance(v, str) for v in sections.values())
                and set(sections) | {OUT_OF_SCOPE} == set(model.classes)):
            raise ArtifactError("malformed entries artifact: entry_sections must name the "
                                "section of every class but out_of_scope")
        if not (isinstance(rescue, float | int) and 0 < rescue <= 1):
            raise ArtifactError("malformed entries artifact: decision.rescue must be in (0, 1]")
        return cls(model, sections, float(rescue))

    @classmethod
    def load(cls, path: Path) -> Evidence:
        """Load an artifact written by `faq-bot train`."""
        try:
            data = json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))
        except (OSError, EOFError, UnicodeDecodeError, ValueError) as exc:
            raise ArtifactError(f"cannot read entries artifact {path}: {exc}") from exc
        return cls.from_dict(data)

    def serves(self, faq: Faq) -> bool:
        """Whether the model was trained for this FAQ: every entry it knows is there, in the
        same section. Another FAQ (FAQ_BOT_DATA_DIR) is matched by its phrasings alone."""
        return all(faq.by_id.get(i) is not None and faq.by_id[i].section == s
                   for i, s in self.sections.items())

    def nearest(self, text: str, faq: Faq) -> Rescue | None:
        """The likeliest section's likeliest entry when that section is at least `rescue`
        probable (out of scope is not a section), else None."""
        by_section: dict[str, float] = {}
        best: dict[str, tuple[float, str]] = {}
        for cls, p in zip(self.model.classes, self.model.probabilities(text), strict=True):
            section = self.sections.get(cls)
            if section is None:
                continue
            by_section[section] = by_section.get(section, 0.0) + p
            if p > best.get(section, (-1.0, ""))[0]:
                best[section] = (p, cls)
        if not by_section:
            return None
        section = max(by_section, key=by_section.__getitem__)
        entry = faq.by_id.get(best[section][1])
        if by_section[section] < self.rescue or entry is None:
            return None
        return Rescue(entry, by_section[section])


@cache
def bundled() -> Evidence | None:
    """The model shipped with the package (None when the package has none)."""
    return Evidence.load(BUNDLED_MODEL) if BUNDLED_MODEL.exists() else None
