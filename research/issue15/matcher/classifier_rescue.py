"""A learned entry classifier as a rescue for fallbacks (scikit-learn; research only).

    .venv/bin/python research/issue15/matcher/classifier_rescue.py [lowo] [held-out.yaml ...]

Classes: each FAQ entry plus out_of_scope. Training: the FAQ's phrasings; each training
writer's in-scope question, mapped to the entry of its labelled section the matcher ranks
highest; out-of-scope and small-talk questions as out_of_scope. A question the engine would
not answer (fallback or clarify, not a vendor or legal fallback) that names kratom or the
article is answered from the classifier's most likely section when its probability is at
least t (the entry: the most probable one of that section).
"""
import collections
import sys
from pathlib import Path

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

from faq_bot.config import bundled_data_dir
from faq_bot.core.engine import Engine
from faq_bot.core.faq.loader import load_faq
from faq_bot.core.normalize import normalise
from faq_bot.core.safety.screen import assess
from faq_bot.core.scope import DOMAIN
from faq_bot.core.translate import english_reading
from faq_bot.evaluate import acceptable, read_questions
from faq_bot.learn.data import DEFAULT_SETS, load_items, set_files

LINES = (0.3, 0.4, 0.5, 0.6, 0.7)
OOS = "__oos__"
faq = load_faq(bundled_data_dir())
base = Engine(faq)
section_of = {e.id: e.section for e in faq.entries}
items = load_items(set_files(DEFAULT_SETS))
labelled = []
for it in items:
    if it.category in ("out_of_scope", "smalltalk"):
        labelled.append((it.writer, OOS, it.text)); continue
    if it.category != "in_scope" or assess(it.text):
        continue
    sec = it.question.section
    if sec is None:
        r = base.ask(it.text)
        if r.kind == "answer":
            labelled.append((it.writer, r.faq_id, it.text))
        continue
    ranked = base.matcher.rank(it.text, limit=None)
    best = next((c.entry.id for c in ranked if c.entry.section == sec), None)
    if best is None:
        ids = [e.id for e in faq.entries if e.section == sec]
        best = ids[0] if ids else None
    if best:
        labelled.append((it.writer, best, it.text))
phrasings = [(e.id, p) for e in faq.entries for p in e.phrasings]


def text_of(q):
    r = english_reading(q, base.matcher.knows)
    return q if r is None else q + " | " + r


def fit(exclude):
    X = [text_of(t) for _, t in phrasings] + [text_of(t) for w, _, t in labelled if w not in exclude]
    y = [e for e, _ in phrasings] + [e for w, e, _ in labelled if w not in exclude]
    vec = FeatureUnion([("c", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=1)),
                        ("w", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True))])
    Xv = vec.fit_transform(X)
    clf = LogisticRegression(C=10, max_iter=2000).fit(Xv, y)
    return vec, clf


def decide(model, q, reply):
    if reply["kind"] not in ("fallback", "clarify") or reply.get("topic") in ("vendor", "legal", "language"):
        return None
    t = text_of(q)
    if not DOMAIN.search(normalise(t)):
        return None
    vec, clf = model
    p = clf.predict_proba(vec.transform([t]))[0]
    secp = collections.defaultdict(float)
    for c, pc in zip(clf.classes_, p):
        if c != OOS:
            secp[section_of[c]] += pc
    s = max(secp, key=secp.get)
    return s, secp[s], p[list(clf.classes_).index(OOS)]


def score(model, qs, c):
    for q in qs:
        r = base.ask(q.question).to_dict()
        c[None, q.category, acceptable(q, r)] += 1
        d = decide(model, q.question, r)
        for line in LINES:
            if d is not None and d[1] >= line:
                ok = q.category == "in_scope" and (q.section is None or q.section == d[0])
            else:
                ok = acceptable(q, r)
            c[line, q.category, ok] += 1
    return c


def report(c, label):
    out = [label]
    for line in (None, *LINES):
        def rate(cat):
            n = c[line, cat, True] + c[line, cat, False]
            return 100 * c[line, cat, True] / max(n, 1)
        out.append(f"{line}: {rate('in_scope'):.1f}/{rate('out_of_scope'):.1f}")
    print("  ".join(out), flush=True)


args = sys.argv[1:]
if args and args[0] == "lowo":
    tot = collections.Counter()
    for w in sorted({i.writer for i in items}):
        score(fit({w}), [i.question for i in items if i.writer == w], tot)
    report(tot, "LOWO in/oos")
    args = args[1:]
model = fit(set())
for f in args:
    report(score(model, read_questions(Path(f)), collections.Counter()), Path(f).stem)
