"""What people asked before, as evidence for the FAQ's entries: a learned model of which entry
answers a question, consulted only when the FAQ's own phrasings found no answer.

The model (`faq-bot train`, `faq_bot.learn.entries`) is the safety screen's kind of linear
model over character and word n-grams, with one class per entry and one for out of scope,
trained on the FAQ's phrasings and the labelled sets' questions. The curated phrasings decide
first (adding people's questions as phrasings sent some entries' own questions elsewhere). The
model rescues a question that would otherwise fall back or ask to clarify, when the section it
finds likeliest is at least `rescue` probable; it confirms the phrasings' best entry when that
entry is close (within the clarify line) and in the section the model finds likeliest, at
least `agree` probable: two readings that agree are surer than either alone; and it moves an
answer to another section when it finds that section at least `override` probable. The lines
are chosen by cross-validation grouped by writer: the lowest that answers no out-of-scope
question (rescue, agree), and the lowest that moves no answer away from its right section, on
writers the model never saw.
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

    def __init__(self, model: LearnedScreen, sections: Mapping[str, str], rescue: float,
                 override: float = 1.01, agree: float = 1.01) -> None:
        self.model = model
        self.sections = dict(sections)
        self.rescue = rescue
        self.override = override  # above 1: never
        self.agree = agree  # above 1: never

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
        override = data["decision"].get("override", 1.01)
        agree = data["decision"].get("agree", 1.01)
        for name, value in (("rescue", rescue), ("override", override), ("agree", agree)):
            if not (isinstance(value, float | int) and not isinstance(value, bool)
                    and 0 < value <= 1.01):
                raise ArtifactError(f"malformed entries artifact: decision.{name} must be a "
                                    "number in (0, 1.01] (above 1: never)")
        return cls(model, sections, float(rescue), float(override), float(agree))

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

    def likeliest(self, text: str, faq: Faq) -> Rescue | None:
        """The likeliest section's likeliest entry, with the section's probability (out of
        scope is not a section); None when the model knows no entry of this FAQ."""
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
        return Rescue(entry, by_section[section]) if entry is not None else None

    def confirms(self, entry: Entry, found: Rescue | None) -> bool:
        """Whether the model's likeliest (`found`, from `likeliest`) is `entry`'s section, at
        least `agree` probable."""
        return (found is not None and found.entry.section == entry.section
                and found.probability >= self.agree)

    def instead_of(self, entry: Entry, text: str, faq: Faq) -> Rescue | None:
        """Another section's entry when the model finds that section at least `override`
        probable for a question the phrasings answered from `entry`, else None."""
        found = self.likeliest(text, faq)
        if (found is None or found.probability < self.override
                or found.entry.section == entry.section):
            return None
        return found


@cache
def bundled() -> Evidence | None:
    """The model shipped with the package (None when the package has none)."""
    return Evidence.load(BUNDLED_MODEL) if BUNDLED_MODEL.exists() else None
