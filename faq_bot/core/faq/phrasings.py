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
Many phrasings (PARALLEL_MIN) are screened by forked processes, one a processor, each taking a
share; what each phrasing gets is the same whichever process screened it.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import logging
import multiprocessing
import os
import sys
import tempfile
import unicodedata
from collections.abc import Collection, Iterable
from concurrent.futures import ProcessPoolExecutor
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
# From this many phrasings to screen, they are split across the machine's processors (a
# 10,000-entry FAQ: about 150,000); fewer are screened in turn, cheaper than starting processes.
PARALLEL_MIN = 5000
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
        """Screen each of `texts` not screened yet (see `verdict`), each distinct text once;
        PARALLEL_MIN or more of them are split across the machine's processors (`_looked`)."""
        known, refused = self._known, self._refused
        todo = [text for text in dict.fromkeys(texts)
                if text not in known and text not in refused]
        looks = _looked(todo) if len(todo) >= PARALLEL_MIN else None
        if looks is None:
            looks = map(_look, todo)
        for text, look in zip(todo, looks, strict=True):
            self._record(text, *look)

    def verdict(self, text: str) -> Verdict | None:
        """The safety screen's verdict on `text`; a pass is remembered with its analysis."""
        if text in self._known:
            return None
        refused = self._refused.get(text)
        return refused if refused is not None else self._screen(text)

    def _screen(self, text: str) -> Verdict | None:
        verdict, known = _look(text)
        self._record(text, verdict, known)
        return verdict

    def _record(self, text: str, verdict: Verdict | None, known: str | None) -> None:
        if verdict is not None:
            self._refused[text] = verdict
        elif known is not None:
            self._known[text] = known
            self._added = True

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


def _look(text: str) -> tuple[Verdict | None, str | None]:
    """The screen's verdict on `text` and, for a pass, what is remembered of it (its
    normalised text, TAB, its content terms); (None, None) for a pass holding a dose amount."""
    verdict = _assess(text)
    # The screen refers every question holding a dose amount, so a pass holds none; asked all
    # the same (its memo has the answer from the screen's own look) so that the file never
    # vouches for one.
    if verdict is not None or has_dose_amount(text):
        return verdict, None
    # The same analysis as matcher.analyse, from the memo of normalise the screen has just
    # filled with this text (a question read as English is normalised as written).
    return None, f"{normalise(text)}\t{' '.join(terms(text))}"


def _look_all(texts: list[str]) -> list[tuple[Verdict | None, str | None]]:
    return [_look(text) for text in texts]


def _processors() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the processors this process may run on
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _looked(texts: list[str]) -> list[tuple[Verdict | None, str | None]] | None:
    """`_look` of each of `texts`, in order, worked out by one forked process a processor; None
    on a single processor or on any failure (no fork on this platform, a process lost), and
    the caller looks at them itself. Each text's look is a pure function of the text, so the
    results are those of a serial look. The children are forked, so they share the screen
    and every memo the parent has, and only the texts and the results travel."""
    workers = min(_processors(), 1 + len(texts) // (PARALLEL_MIN // 2))
    if workers < 2:
        return None
    chunks = [texts[i::workers * 4] for i in range(workers * 4)]
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                 # the inherited heap is the parent's: its collector
                                 # need not walk it (nor copy its pages)
                                 initializer=gc.freeze) as pool:
            parts = list(pool.map(_look_all, chunks))
    except Exception as exc:  # whatever goes wrong, the serial look is always right
        log.info("the FAQ's phrasings could not be screened in parallel (%s: %s); screening "
                 "them in turn", type(exc).__name__, exc)
        return None
    out: list[tuple[Verdict | None, str | None]] = [(None, None)] * len(texts)
    for i, part in enumerate(parts):
        out[i::workers * 4] = part
    return out


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
