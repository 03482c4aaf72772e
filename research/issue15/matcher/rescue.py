"""Labelled questions as rescue evidence (faq_bot/core/evidence.py): leave one writer out.

    .venv/bin/python research/issue15/matcher/rescue.py [tests/eval/heldout/*.yaml]

For each training writer w, the evidence is built from the other writers' labelled questions
only (in-scope ones mapped to the entry of their labelled section that the matcher ranks
highest; out-of-scope ones as the out-of-scope pseudo-entry), and w's questions are scored with
and without it, for several rescue lines. Held-out files given as arguments are scored with
evidence from every training writer.
"""
import collections
import sys
from pathlib import Path

from faq_bot.config import bundled_data_dir
from faq_bot.core.engine import Engine
from faq_bot.core.evidence import Evidence, Labelled
from faq_bot.core.faq.loader import load_faq
from faq_bot.core.safety.screen import assess
from faq_bot.evaluate import acceptable, read_questions
from faq_bot.learn.data import DEFAULT_SETS, load_items, set_files

LINES = (0.45, 0.5, 0.55, 0.6, 0.65, 0.7)
faq = load_faq(bundled_data_dir())
base = Engine(faq)
items = load_items(set_files(DEFAULT_SETS))
labelled = []  # (writer, entry id or None for out of scope, text)
for it in items:
    if it.category == "out_of_scope":
        labelled.append((it.writer, None, it.text))
        continue
    if it.category != "in_scope" or assess(it.text):
        continue
    section = it.question.section
    if section is None:
        r = base.ask(it.text)
        if r.kind == "answer":
            labelled.append((it.writer, r.faq_id, it.text))
        continue
    ranked = base.matcher.rank(it.text, limit=None)
    best = next((c.entry.id for c in ranked if c.entry.section == section), None)
    if best is None:
        ids = [e.id for e in faq.entries if e.section == section]
        best = ids[0] if len(ids) == 1 else None
    if best:
        labelled.append((it.writer, best, it.text))


def evidence(exclude, line):
    answered = collections.defaultdict(list)
    oos = []
    for w, e, t in labelled:
        if w in exclude:
            continue
        (oos.append(t) if e is None else answered[e].append(t))
    return Evidence(faq.entries, Labelled(answered, oos), rescue=line)


def score(engine, qs, c):
    for q in qs:
        r = engine.ask(q.question).to_dict()
        c[q.category, acceptable(q, r)] += 1
        if q.category == "in_scope" and r["kind"] in ("referral", "emergency"):
            c["to_clinician"] += 1
    return c


def rate(c, cat):
    n = c[cat, True] + c[cat, False]
    return f"{100 * c[cat, True] / max(n, 1):.1f}%"


writers = sorted({i.writer for i in items})
tot = {line: collections.Counter() for line in (None, *LINES)}
for w in writers:
    qs = [i.question for i in items if i.writer == w]
    score(base, qs, tot[None])
    for line in LINES:
        score(Engine(faq, evidence=evidence({w}, line)), qs, tot[line])
print("leave one writer out, 31 training sets")
for line, c in tot.items():
    print(f"  rescue {line}: in scope {rate(c, 'in_scope')}, out of scope {rate(c, 'out_of_scope')}")
for f in sys.argv[1:]:
    qs = read_questions(Path(f))
    row = [f"base {rate(score(base, qs, collections.Counter()), 'in_scope')}"]
    for line in LINES:
        c = score(Engine(faq, evidence=evidence(set(), line)), qs, collections.Counter())
        row.append(f"{line}: {rate(c, 'in_scope')}/{rate(c, 'out_of_scope')}")
    print(Path(f).stem, " ".join(row))
