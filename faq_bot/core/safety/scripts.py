"""Which rule patterns can only match text with a letter outside ASCII (Cyrillic, Thai, Hebrew
script...): the screen skips them for a question written in ASCII alone, which most are, so
rules for other scripts cost English questions nothing."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

try:  # Python 3.11+ keeps the parser private; the pattern language itself is stable.
    from re import _constants as _c
    from re import _parser as _p
except ImportError:  # pragma: no cover - older layout
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

_REPEATS = tuple(op for op in (getattr(_c, "MAX_REPEAT", None), getattr(_c, "MIN_REPEAT", None),
                               getattr(_c, "POSSESSIVE_REPEAT", None)) if op is not None)


def _class_is_non_ascii(items: Any) -> bool:
    # A character class all of whose members lie above ASCII ("[а-я]", "[ыи]").
    return bool(items) and all(
        (op is _c.LITERAL and arg > 127) or (op is _c.RANGE and arg[0] > 127)
        for op, arg in items)


def _consumes_non_ascii(items: Any) -> bool:
    # Whether every match of this sequence consumes a character above ASCII: one required
    # element does it (a literal, a class, a group, a repeat of at least one, a branch whose
    # every arm does). Anything else (\w, lookarounds, optional parts) proves nothing.
    for op, arg in items:
        if (op is _c.LITERAL and arg > 127) or (op is _c.IN and _class_is_non_ascii(arg)):
            return True
        if op is _c.SUBPATTERN and _consumes_non_ascii(arg[-1]):
            return True
        if op in _REPEATS and arg[0] >= 1 and _consumes_non_ascii(arg[2]):
            return True
        if op is _c.BRANCH and all(_consumes_non_ascii(arm) for arm in arg[1]):
            return True
        if op is getattr(_c, "ATOMIC_GROUP", None) and _consumes_non_ascii(arg):
            return True
    return False


def needs_non_ascii(pattern: str | re.Pattern[str]) -> bool:
    """Whether every match of `pattern` holds a character outside ASCII, so that it can never
    match text that is all ASCII. False whenever that cannot be shown."""
    return _needs_non_ascii(pattern.pattern if isinstance(pattern, re.Pattern) else pattern)


@lru_cache(maxsize=4096)
def _needs_non_ascii(pattern: str) -> bool:
    # Parsing is dear and every stage asks of the same rules: once a pattern.
    return _consumes_non_ascii(_p.parse(pattern))
