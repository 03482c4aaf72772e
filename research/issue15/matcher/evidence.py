"""Prototype: labelled in-scope questions of other writers as extra phrasings of their entries."""
import sys, dataclasses, collections
from pathlib import Path
from faq_bot.config import bundled_data_dir
from faq_bot.core.faq.loader import load_faq
from faq_bot.core.engine import Engine
from faq_bot.core.safety.screening import SafetyScreen
from faq_bot.core.safety.screen import assess
from faq_bot.evaluate import read_questions, acceptable
from faq_bot.learn.data import load_items, set_files, DEFAULT_SETS

faq = load_faq(bundled_data_dir())
base = Engine(faq, safety=SafetyScreen.rules_only())
items = load_items(set_files(DEFAULT_SETS))
# map each labelled in-scope question to an entry of its labelled section
ev = []  # (writer, entry_id, text)
for it in items:
    if it.category != "in_scope" or not it.question.section or assess(it.text):
        continue
    ranked = base.matcher.rank(it.text, limit=None)
    best = next((c.entry.id for c in ranked if c.entry.section == it.question.section), None)
    if best is None:
        secs = [e for e in faq.entries if e.section == it.question.section]
        if len(secs) == 1: best = secs[0].id
    if best: ev.append((it.writer, best, it.text))
print("evidence", len(ev), "of", sum(i.category == "in_scope" for i in items), file=sys.stderr)

def augmented(exclude):
    extra = collections.defaultdict(list)
    for w, e, t in ev:
        if w not in exclude: extra[e].append(t)
    entries = tuple(dataclasses.replace(e, alternates=e.alternates + tuple(extra[e.id])) for e in faq.entries)
    return dataclasses.replace(faq, entries=entries)

def score(engine, qs):
    c = collections.Counter()
    for q in qs:
        r = engine.ask(q.question).to_dict()
        c[q.category, acceptable(q, r)] += 1
    return c

def rate(c, cat):
    n = c[cat, True] + c[cat, False]
    return f"{c[cat, True]}/{n} {100*c[cat, True]/max(n,1):.1f}%"

mode = sys.argv[1]
if mode == "lowo":
    tot_b, tot_a = collections.Counter(), collections.Counter()
    writers = sorted({i.writer for i in items})
    for w in writers:
        qs = [i.question for i in items if i.writer == w]
        eng = Engine(augmented({w}))
        tot_b += score(Engine(faq), qs); tot_a += score(eng, qs)
    for cat in ("in_scope", "out_of_scope"):
        print("LOWO", cat, "base", rate(tot_b, cat), "evidence", rate(tot_a, cat))
    safety = [k for k in ("dosing","interaction","special_population","dependence","emergency","injection")]
    print("safety ok base", sum(tot_b[k, True] for k in safety), "evid", sum(tot_a[k, True] for k in safety))
else:
    eng_a = Engine(augmented(set())); eng_b = Engine(faq)
    for f in sys.argv[2:]:
        qs = read_questions(Path(f))
        b, a = score(eng_b, qs), score(eng_a, qs)
        print(Path(f).stem, "in_scope base", rate(b, "in_scope"), "evid", rate(a, "in_scope"), "| oos base", rate(b, "out_of_scope"), "evid", rate(a, "out_of_scope"))
