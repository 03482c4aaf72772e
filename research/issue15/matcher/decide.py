"""Combine the lexical matcher's verdict with the learned classifier (stdlib only).

``decide(question, ranked, scores, lexical_kind, entry_sections, params)``
returns ``(kind, entry_id)`` with kind ``answer`` / ``clarify`` /
``fallback`` (entry_id None unless kind is ``answer``).

Inputs
------
question       the user's text (only used for the domain-word check).
ranked         the lexical matcher's top candidates ``[(entry_id, score), ...]``.
scores         the classifier's probabilities ``{entry_id: p, ..., "out_of_scope": p}``.
lexical_kind   what the lexical matcher decided on its own: ``answer`` (then
               ``lexical_entry`` is its entry), ``clarify``, ``fallback``, or
               ``refused`` (its off-topic guard fired).
entry_sections ``{entry_id: section}``.

Rule (each threshold is a :class:`Params` field; 1.01 disables a branch)
-----------------------------------------------------------------------
Let ``s*`` be the classifier's most probable section (section probability =
sum of its entries' probabilities; ``out_of_scope`` is not a section) and
``p*`` its probability.  "Domain word" = the question names something
kratom- or article-specific (:func:`has_domain_word`).

1. lexical clarify / fallback: answer from ``s*`` when ``p* >= t``, where
   ``t = rescue_agree`` if the lexical top candidate (score > 0) is in
   ``s*``, else ``rescue``; and ``t`` is raised to ``rescue_nodomain`` when
   the question has no domain word.  Otherwise keep the lexical verdict.
2. lexical refused: answer from ``s*`` only when ``p* >= refused_rescue``
   and the question has a domain word; else fallback.
3. lexical answer from entry ``e`` (section ``S``):
   a. fallback when ``P(out_of_scope) >= veto``;
   b. answer from ``s*`` instead when ``s* != S``, ``p* >= override`` and
      ``P(S) <= keep``;
   c. else keep ``e``.
The entry given for a section is the one maximising classifier probability
+ lexical score within that section (so it agrees with the lexical matcher
whenever that one ranked the section's entry at all).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, fields
from typing import Mapping, Sequence

OOS = "out_of_scope"
NEVER = 1.01


@dataclass(frozen=True)
class Params:
    rescue: float = 0.6
    rescue_agree: float = 0.4
    rescue_nodomain: float = NEVER
    refused_rescue: float = NEVER
    override: float = 0.85
    keep: float = 0.05
    veto: float = NEVER

    @classmethod
    def from_dict(cls, d: Mapping[str, float]) -> "Params":
        names = {f.name for f in fields(cls)}
        return cls(**{k: float(v) for k, v in d.items() if k in names})


# Kratom- / article-specific vocabulary, matched at the start of a token.
# Written from the article's subject matter (plant and product names,
# alkaloids, receptors and transmitters it discusses) plus the word
# "article" in the European languages the bot is asked in; typos of the
# key words are caught by an edit distance of 1 (_FUZZY_WORDS).
_DOMAIN_STEMS = (
    "kratom", "kratum", "ketum", "kakuam", "mitragyn", "mitragin", "mitraphyll", "7oh",
    "hydroxymitrag", "paynanthein", "speciogynin", "alkaloid", "alcaloid", "strain",
    "vein", "maeng", "borneo", "bali", "opioid", "opiac", "opiát", "serotonin",
    "sérotonin", "dopamin", "melatonin", "mélatonin", "article", "articulo", "artículo",
    "artigo", "artikel", "articolo",
)
_FUZZY_WORDS = ("kratom", "article", "opioid", "strain", "alkaloid")
_DOMAIN_RE = re.compile(r"^(?:" + "|".join(re.escape(s) for s in sorted(set(_DOMAIN_STEMS))) + ")")
_TOKEN_RE = re.compile(r"\w+")


def _within_one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1] <= 1


def has_domain_word(question: str) -> bool:
    """True when the question names something kratom- or article-specific."""
    text = unicodedata.normalize("NFKC", question).casefold()
    text = text.replace("7-oh", "7oh").replace("7 oh", "7oh")
    for tok in _TOKEN_RE.findall(text):
        if _DOMAIN_RE.match(tok):
            return True
        if len(tok) >= 5 and any(tok[0] == w[0] and _within_one_edit(tok, w)
                                 for w in _FUZZY_WORDS):
            return True
    return False


def section_probs(scores: Mapping[str, float], entry_sections: Mapping[str, str]
                  ) -> dict[str, float]:
    out: dict[str, float] = {}
    for c, p in scores.items():
        if c != OOS:
            s = entry_sections[c]
            out[s] = out.get(s, 0.0) + p
    return out


def best_entry(section: str, scores: Mapping[str, float], lex: Mapping[str, float],
               entry_sections: Mapping[str, str]) -> str:
    best, best_v = "", -1.0
    for e, s in entry_sections.items():
        if s == section:
            v = scores.get(e, 0.0) + lex.get(e, 0.0)
            if v > best_v:
                best, best_v = e, v
    return best


def decide(question: str,
           ranked: Sequence[tuple[str, float]],
           scores: Mapping[str, float],
           lexical_kind: str,
           lexical_entry: str | None,
           entry_sections: Mapping[str, str],
           params: Params = Params(),
           domain: bool | None = None) -> tuple[str, str | None]:
    """The combined verdict; ``domain`` may pass a precomputed
    :func:`has_domain_word` result."""
    secp = section_probs(scores, entry_sections)
    top_s = max(secp, key=secp.__getitem__)
    p_top = secp[top_s]
    if domain is None:
        domain = has_domain_word(question)
    lex = dict(ranked)

    if lexical_kind in ("clarify", "fallback"):
        agree = bool(ranked) and ranked[0][1] > 0 and entry_sections.get(ranked[0][0]) == top_s
        t = params.rescue_agree if agree else params.rescue
        if not domain:
            t = max(t, params.rescue_nodomain)
        if p_top >= t:
            return "answer", best_entry(top_s, scores, lex, entry_sections)
        return lexical_kind, None

    if lexical_kind == "refused":
        if domain and p_top >= params.refused_rescue:
            return "answer", best_entry(top_s, scores, lex, entry_sections)
        return "fallback", None

    if lexical_kind == "answer":
        if lexical_entry is None:
            raise ValueError("lexical answer without an entry")
        if scores.get(OOS, 0.0) >= params.veto:
            return "fallback", None
        sec = entry_sections[lexical_entry]
        if top_s != sec and p_top >= params.override and secp.get(sec, 0.0) <= params.keep:
            return "answer", best_entry(top_s, scores, lex, entry_sections)
        return "answer", lexical_entry

    raise ValueError(f"unknown lexical kind {lexical_kind!r}")
