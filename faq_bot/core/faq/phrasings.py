"""What the check and the matcher work out for each FAQ phrasing, remembered between starts.

Every start checks every phrasing: the safety screen must let it through and it must hold no
dose amount (checker.py), and the matcher needs its normalised text and content terms. On a
big FAQ that is most of the start (10,000 entries: about 150,000 phrasings, a minute of
screening). All of it is a pure function of the phrasing's text and of the code and rules that
compute it, so a phrasing that passed is remembered, by its text, in a JSON file under the
user's cache directory, in a file named for a fingerprint of that code and those rules (every
file of core/safety, normalise, the matcher, the readers; the Python and rapidfuzz versions).
Change any of it and the file no longer applies: every phrasing is checked afresh.

Only passing phrasings are remembered: a refused one is screened again at every check, so its
message is always current. The file is JSON, never a pickle; it is never written under the FAQ
folder. A missing, unreadable or unwritable cache only makes a start slower.

Where: the folder the caller passes (faq_bot.config reads it from FAQ_BOT_CACHE_DIR, else
$XDG_CACHE_HOME/faq-bot, else ~/.cache/faq-bot; "off" is None, no file). The core reads no
environment variable.

A start without a cache screens each distinct phrasing once (`screen`), and the matcher's
analysis of a phrasing that passed reuses the normalised text the screen has just made (the
memo of `normalise`), so a cold start pays for one screening and one normalisation a phrasing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sys
import tempfile
import unicodedata
from collections.abc import Collection, Iterable
from functools import cache
from pathlib import Path

import rapidfuzz

from faq_bot.core.doses import has_dose_amount
from faq_bot.core.matcher import Analysis, analyse, terms
from faq_bot.core.normalize import normalise
from faq_bot.core.safety import Verdict, assess

log = logging.getLogger("faq_bot.faq")

# A FAQ with fewer phrasings is checked afresh at every start, without a file: screening them
# all takes a fraction of a second (the bundled FAQ: 550 phrasings, about 0.2 s).
MIN_PHRASINGS = 1000
FORMAT = "faq-bot-phrasings"
VERSION = 1
_CORE = Path(__file__).resolve().parent.parent  # faq_bot/core
# What the remembered results are computed by, besides everything in core/safety (its code,
# rules, word lists and model): the modules the screen and the matcher import, and the readers.
_INPUTS = ("normalize.py", "doses.py", "language.py", "matcher.py", "yamlfile.py",
           "faq/model.py", "faq/phrasings.py", "faq/yamlcache.py")
# The memo-free screen and normalise: a check's phrasings would only push questions out of the
# engine's memos.
_assess = getattr(assess, "__wrapped__", assess)


@cache
def fingerprint() -> str:
    """A hash of everything the remembered results depend on: the files of core/safety, the
    modules of _INPUTS, and the Python, rapidfuzz and Unicode versions."""
    digest = hashlib.sha256(f"{FORMAT} {VERSION} {sys.version} {rapidfuzz.__version__} "
                            f"{unicodedata.unidata_version}".encode())
    files = [*(_CORE / "safety").rglob("*"), *(_CORE / name for name in _INPUTS)]
    for file in sorted(files):
        if file.is_file() and "__pycache__" not in file.parts:
            digest.update(str(file.relative_to(_CORE)).encode() + b"\0")
            digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


class PhrasingCache:
    """Phrasings known to pass the screen and the dose check, with their analyses."""

    def __init__(self, folder: Path | None) -> None:
        """The cache file in `folder`; None keeps everything in memory, for this check only."""
        self.path = folder / f"phrasings-{fingerprint()[:24]}.json" if folder else None
        # text -> normalised text, TAB, content terms joined by spaces (neither holds a TAB)
        self._known: dict[str, str] = {}
        # Refused phrasings, for this check only: never written, so screened again next time.
        self._refused: dict[str, Verdict] = {}
        self._added = False
        if self.path is not None:
            self._known = _read(self.path)

    def passed(self, text: str) -> bool:
        """Whether `text` is known to pass the screen and to hold no dose amount."""
        return text in self._known

    def screen(self, texts: Iterable[str]) -> None:
        """Screen each of `texts` not screened yet (see `verdict`), each distinct text once."""
        known, refused = self._known, self._refused
        for text in texts:
            if text not in known and text not in refused:
                self._screen(text)

    def verdict(self, text: str) -> Verdict | None:
        """The safety screen's verdict on `text`; a pass is remembered with its analysis."""
        if text in self._known:
            return None
        refused = self._refused.get(text)
        return refused if refused is not None else self._screen(text)

    def _screen(self, text: str) -> Verdict | None:
        verdict = _assess(text)
        # The screen refers every question holding a dose amount, so a pass holds none; asked
        # all the same (its memo has the answer from the screen's own look) so that the file
        # never vouches for one.
        if verdict is not None or has_dose_amount(text):
            if verdict is not None:
                self._refused[text] = verdict
            return verdict
        # The same analysis as matcher.analyse, from the memo of normalise the screen has just
        # filled with this text (a question read as English is normalised as written).
        norm = normalise(text)
        self._known[text] = f"{norm}\t{' '.join(terms(text))}"
        self._added = True
        return None

    def normalised(self, text: str) -> str:
        """The normalised text of `text` (from the cache when it passed)."""
        known = self._known.get(text)
        return known.partition("\t")[0] if known is not None else analyse(text)[1]

    def analyses(self, texts: list[str]) -> dict[str, Analysis]:
        """The matcher's analysis of each of `texts` that passed, by text."""
        out: dict[str, Analysis] = {}
        for text in texts:
            known = self._known.get(text)
            if known is not None:
                norm, _, found = known.partition("\t")
                out[text] = (tuple(found.split()), norm)
        return out

    def save(self, keep: Collection[str]) -> None:
        """Write the phrasings of `keep` that passed (those of the FAQ just checked) to the
        file, when anything was added; a failure is logged and otherwise ignored."""
        if self.path is None or not self._added:
            return
        known = {text: self._known[text] for text in keep if text in self._known}
        body = json.dumps({"format": FORMAT, "version": VERSION, "fingerprint": fingerprint(),
                           "phrasings": known}, ensure_ascii=True, separators=(",", ":"))
        tmp: str | None = None
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            # Written whole and renamed into place: a reader never sees half a file, and two
            # processes saving at once leave one complete file.
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".phrasings-",
                                       suffix=".tmp")
            with os.fdopen(fd, "w", encoding="ascii") as out:
                out.write(body)
            os.replace(tmp, self.path)
            tmp = None
            # Files of other fingerprints were written by other code: they never apply again.
            for old in self.path.parent.glob("phrasings-*.json"):
                if old != self.path:
                    with contextlib.suppress(OSError):
                        old.unlink()
        except OSError as exc:
            log.info("the FAQ check cache could not be written to %s (%s); the next start "
                     "checks every phrasing again", self.path, exc)
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
        self._added = False


def _read(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="ascii"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.info("the FAQ check cache %s cannot be read (%s); checking every phrasing", path, exc)
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT \
            or data.get("version") != VERSION or data.get("fingerprint") != fingerprint():
        return {}
    phrasings = data.get("phrasings")
    if not isinstance(phrasings, dict):
        return {}
    return {k: v for k, v in phrasings.items() if isinstance(k, str) and isinstance(v, str)
            and v.count("\t") == 1}
