"""The question sentences of a message: "Good afternoon. Could you tell me what kratom is? My
neighbour mentioned it." asks one thing, and its greeting and its story only dilute the match.

Only for matching: the safety screen and the scope checks always read the whole message first,
so a sentence on its own can only find an answer the whole message was already allowed to get.
"""

from __future__ import annotations

import re

# A sentence ends at ".", "?" or "!" followed by a space; "7-OH?" and "e.g." inside a sentence
# do not split it unless a space follows.
_BOUNDARY = re.compile(r"(?<=[.?!])\s+")


def question_sentences(message: str) -> list[str]:
    """The sentences of `message` that ask (hold a "?"), when it has more than one sentence;
    otherwise an empty list (the message is its own question)."""
    parts = [p for p in _BOUNDARY.split(message.strip()) if p]
    if len(parts) < 2:
        return []
    return [p for p in parts if "?" in p]
