"""Rewritings of the rules' regular expressions that make the screen cheaper without changing
where anything matches; the screen (screen.py) searches every new question and every FAQ
phrasing with them, so their cost is most of a question's and most of a cold start's.

- `factored`: a list of alternatives as one alternation grouped by first character ("a trie"),
  which fails at most places after one comparison instead of one per alternative.
- `necessary_literals`: strings one of which any match must contain, from the parsed pattern,
  to skip an expensive anchored rule on a text that holds none of them.

Both are exact, not heuristic: the factored alternation matches at exactly the places, and to
exactly the ends, the plain one does; a text without a necessary literal has no match at all.
tests/test_safety_factor.py compares them with the plain expressions on the labelled questions.
"""

from __future__ import annotations

import re
from re import _constants as _sre  # type: ignore[attr-defined]
from re import _parser as _sre_parse  # type: ignore[attr-defined]

from faq_bot.core.safety.ruleset import class_end, group_end, top_level_alternatives

_SPECIAL = frozenset("\\.^$*+?{}[]|()")
_QUANTIFIER = frozenset("?*+{")
# In an atomic group or before a possessive quantifier the order of alternatives decides
# whether anything matches: such an alternative is kept exactly as written (conservatively:
# an escaped "+" after a quantifier character is kept too).
_ORDERED = re.compile(r"\(\?>|[*+?}]\+")
# Distributing a group over what follows it copies what follows once per alternative; past
# this many characters an alternative is kept whole (a leaf) rather than grow the pattern.
_BUDGET = 3_000


def _heads(alternative: str) -> tuple[list[tuple[str, str]], list[str]]:
    """`alternative` as ([(char, rest), ...], [leaf, ...]) whose alternation "char+rest|...|
    leaf|..." matches what it does, each char a plain literal character: a leading
    non-capturing group is distributed over what follows it ("(?:a|b)c": "ac|bc"), and a branch
    of it that does not start with a plain character is kept in a leaf with what follows
    ("(?:a|\\wb)c": "ac", leaf "(?:\\wb)c"). ([], [alternative]) when nothing starts so."""
    whole: tuple[list[tuple[str, str]], list[str]] = ([], [alternative])
    if not alternative:
        return whole
    first = alternative[0]
    if first not in _SPECIAL:
        if alternative[1:2] and alternative[1] in _QUANTIFIER:
            return whole
        return [(first, alternative[1:])], []
    if not alternative.startswith("(?:"):
        return whole
    end = group_end(alternative, 0)
    if end < 0 or (alternative[end + 1:end + 2] and alternative[end + 1] in _QUANTIFIER):
        return whole
    inner, rest = top_level_alternatives(alternative[3:end]), alternative[end + 1:]
    if len(inner) * (len(rest) + 8) > _BUDGET:  # what follows would be copied once a branch
        return [], [f"(?:{factored(inner)}){rest}"]
    heads: list[tuple[str, str]] = []
    leaves: list[str] = []
    kept: list[str] = []  # branches with no head, kept together in one leaf
    for branch in inner:
        branch_heads, branch_leaves = _heads(branch + rest)
        if branch_heads:
            heads += branch_heads
            leaves += branch_leaves
        else:
            kept.append(branch)
    if not heads:
        return whole
    if kept:
        leaves.append(f"(?:{'|'.join(kept)}){rest}")
    return heads, leaves


def factored(alternatives: list[str]) -> str:
    """The alternation of `alternatives` (regular expressions without capturing groups or
    back-references, as the rules are), grouped by first literal character, recursively:
    "kratom a|kratom b|kava" becomes "k(?:ratom (?:a|b)|ava)".

    Why: Python's re tries an alternation's branches one by one at every place it searches;
    a topic's rules are hundreds of branches, so a search cost hundreds of comparisons at each
    word boundary of each question. Grouped, a place where no branch can start fails after
    one comparison per distinct first character, and a shared start is read once.

    Exact: "ab|ac" and "a(?:b|c)", "(?:x|y)z" and "xz|yz", "a|ab" and "a(?:b)?" match the
    same texts from the same places to the same ends, and the order of the branches decides
    only which branch is reported, never whether or where a search finds a match (the
    screen finds the rule that matched apart, see screen._Stage). An alternative that does not
    start with a plain character is kept as it is (a leaf)."""
    return "|".join(_factored(alternatives))


def _factored(alternatives: list[str]) -> list[str]:
    """The alternatives of `factored(alternatives)`."""
    groups: dict[str, list[str]] = {}
    leaves: list[str] = []
    for alternative in dict.fromkeys(alternatives):
        if _ORDERED.search(alternative):
            leaves.append(alternative)
            continue
        heads, kept = _heads(alternative)
        leaves += [_factor_groups(leaf) for leaf in kept]
        for char, rest in heads:
            groups.setdefault(char, []).append(rest)
    parts = []
    for char, rests in groups.items():
        rests = list(dict.fromkeys(rests))
        if len(rests) == 1:
            rest = rests[0]
            single = not rest or top_level_alternatives(rest) == [rest]
            parts.append(char + rest if single else f"{char}(?:{rest})")
            continue
        inner = _factored([rest for rest in rests if rest])
        if "" in rests:
            parts.append(f"{char}(?:{'|'.join(inner)})?")
        elif len(inner) == 1:
            parts.append(char + inner[0])
        else:
            parts.append(f"{char}(?:{'|'.join(inner)})")
    return parts + list(dict.fromkeys(leaves))


def factor_groups(pattern: str) -> str:
    """`pattern` (no capturing groups or back-references, as the rules) with the alternatives
    of each non-capturing group in it `factored`; as written if it holds an atomic group or a
    possessive quantifier."""
    return pattern if _ORDERED.search(pattern) else _factor_groups(pattern)


def _factor_groups(pattern: str) -> str:
    """`pattern` with the alternatives of each non-capturing group in it `factored` (a leaf
    of `factored`: "\\w{2,}(?:pril|sartan|...)" still reads its group at every place)."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\":
            out.append(pattern[i:i + 2])
            i += 2
        elif pattern[i] == "[":
            end = class_end(pattern, i)
            out.append(pattern[i:end + 1])
            i = end + 1
        elif pattern.startswith("(?:", i) and (end := group_end(pattern, i)) > 0:
            out.append(f"(?:{factored(top_level_alternatives(pattern[i + 3:end]))})")
            i = end + 1
        else:
            out.append(pattern[i])
            i += 1
    return "".join(out)


# A set of strings, one of which every match contains; several such sets are all needed.
Needed = frozenset[str]

_REPEATS = (_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", None))


def _needs(items: object) -> list[Needed]:
    """Sets of strings each of which a match of the parsed sequence `items` needs one of."""
    out: list[Needed] = []
    run: list[str] = []
    for op, arg in items:  # type: ignore[attr-defined]
        if op is _sre.LITERAL:
            run.append(chr(arg))
            continue
        if run:  # consecutive literals match consecutive characters
            out.append(frozenset({"".join(run)}))
            run = []
        if op is _sre.SUBPATTERN:
            _group, add_flags, _del_flags, body = arg
            if not add_flags & (_sre.SRE_FLAG_IGNORECASE | _sre.SRE_FLAG_VERBOSE):
                out += _needs(body)
        elif op is _sre.BRANCH:
            each = [_one(branch) for branch in arg[1]]
            if all(each):
                out.append(frozenset().union(*each))  # type: ignore[arg-type]
        elif op in _REPEATS:
            low, _high, body = arg
            if low >= 1:
                out += _needs(body)
        elif op is _sre.ASSERT:  # a look-ahead or look-behind: its text is in the text too
            out += _needs(arg[1])
        elif op is _sre.ATOMIC_GROUP:
            out += _needs(arg)
        # Anything else (a class, any character, a negative look-around, an anchor, a
        # back-reference) needs no particular string.
    if run:
        out.append(frozenset({"".join(run)}))
    return out


def _one(items: object) -> Needed | None:
    """One set of strings a match of `items` needs one of (the most selective), or None."""
    needs = _needs(items)
    return max(needs, key=lambda need: (min(map(len, need)), -len(need))) if needs else None


def necessary_literals(pattern: str) -> list[Needed]:
    """Sets of strings such that every text `pattern` matches anywhere in holds one string of
    each set (as written: a pattern read case-insensitively or verbosely needs nothing).

    Read from re's own parse of the pattern: a run of literal characters is needed as it is; a
    group, a repeat of at least one, and a positive look-around need what their contents need;
    an alternation needs one of what each of its branches needs (nothing, if any branch needs
    nothing); anything else needs nothing. A set with a one-character string is left out: it
    rules out too little to be worth a look."""
    parsed = _sre_parse.parse(pattern)
    if parsed.state.flags & (_sre.SRE_FLAG_IGNORECASE | _sre.SRE_FLAG_VERBOSE):
        return []
    out = []
    for need in _needs(parsed):
        # A string holding another of the set is held whenever that one is: it adds nothing.
        need = frozenset(text for text in need
                         if not any(other != text and other in text for other in need))
        if min(map(len, need)) > 1 and need not in out:
            out.append(need)
    return out


def holds_one(need: Needed) -> re.Pattern[str]:
    """An expression that finds one of the strings of `need` in a text, `factored`."""
    return re.compile(factored([_escape(text) for text in sorted(need)]))


def _escape(text: str) -> str:
    # Only what is special outside a class (re.escape escapes spaces too, which `_heads` reads
    # as a leaf's start).
    return "".join("\\" + char if char in _SPECIAL else char for char in text)
