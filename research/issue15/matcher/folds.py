"""Leave-one-writer-out classifier scores (training side of crossval.py).

``oof_scores(config, dedup, heldout_groups)`` trains one model per group of
held-out writers on everybody else and scores every item of the held-out
writers with the pure-Python runtime (``MatcherModel``), so the figures use
exactly the code that would ship.  Results are cached in ``cache/`` keyed
by the configuration and the data fingerprint.
"""

from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Sequence

from learned import Analyzer
from section_model import (HERE, CachedAnalyzer, Item, MatcherModel, TrainConfig, dedup_key,
                           fit, load_entries, load_items, to_artifact, training_examples)

CACHE = HERE / "cache"

_ITEMS: list[Item] | None = None
_ENTRIES: list | None = None
_ANALYZERS: dict = {}


def _data() -> tuple[list[Item], list]:
    global _ITEMS, _ENTRIES
    if _ITEMS is None:
        _ITEMS = load_items()
        _ENTRIES = load_entries()
    return _ITEMS, _ENTRIES  # type: ignore[return-value]


def train_excluding(heldout: frozenset[str], config: TrainConfig, dedup: bool) -> MatcherModel:
    """Model trained on every writer not in ``heldout``."""
    items, entries = _data()
    held_keys = frozenset(dedup_key(it.text) for it in items if it.writer in heldout) \
        if dedup else frozenset()
    train = [it for it in items if it.writer not in heldout]
    texts, labels = training_examples(train, entries, held_keys)
    key = (config.char_ngram, config.word_ngram)
    an = _ANALYZERS.get(key)
    if an is None:
        an = _ANALYZERS[key] = CachedAnalyzer(config.analyzer())
    pipe = fit(texts, labels, config, an)
    art = to_artifact(pipe, config, len(texts), entries, {})
    return MatcherModel.from_dict(art)


def _job(args) -> dict[int, list[float]]:
    heldout, cfg, dedup, score_writers = args
    config = TrainConfig(**{k: tuple(v) if isinstance(v, list) else v for k, v in cfg.items()})
    model = train_excluding(frozenset(heldout), config, dedup)
    items, _ = _data()
    return {i: model.probabilities(it.text) for i, it in enumerate(items)
            if it.writer in score_writers}, list(model.classes)


def fingerprint(config: TrainConfig, dedup: bool, groups: Sequence[Sequence[str]]) -> str:
    h = hashlib.sha256()
    h.update(json.dumps([asdict(config), dedup, [sorted(g) for g in groups]],
                        sort_keys=True, default=list).encode())
    for name in ("current_replies.jsonl", "faq_entries.json", "section_model.py", "learned.py",
                 "glossary.py"):
        h.update((HERE / name).read_bytes())
    return h.hexdigest()[:16]


def oof_scores(config: TrainConfig, dedup: bool, groups: Sequence[Sequence[str]],
               workers: int = 2, verbose: bool = True
               ) -> tuple[list[str], dict[int, list[float]]]:
    """(classes, {item index: probabilities}) for every item of every group,
    each scored by a model trained without its group."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"oof_{fingerprint(config, dedup, groups)}.json"
    if path.exists():
        data = json.loads(path.read_text())
        return data["classes"], {int(k): v for k, v in data["scores"].items()}
    cfg = asdict(config)
    jobs = [(sorted(g), cfg, dedup, set(g)) for g in groups]
    out: dict[int, list[float]] = {}
    classes: list[str] | None = None
    with ProcessPoolExecutor(max_workers=workers) as ex:
        for n, (scores, cls) in enumerate(ex.map(_job, jobs), 1):
            if classes is None:
                classes = cls
            elif classes != cls:
                raise RuntimeError("class order differs between folds")
            out.update(scores)
            if verbose:
                print(f"  fold {n}/{len(jobs)} trained", flush=True, end="\r")
    if verbose:
        print()
    path.write_text(json.dumps({"classes": classes, "scores": out}))
    return classes, out  # type: ignore[return-value]
