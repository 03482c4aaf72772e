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


# A short label before a colon or a dash: "Podcast prep: how does the article explain...?",
# "Pharmacist asking - what does it claim...?". Up to five words, none of them a question.
_LABEL = re.compile(r"^\s*(?:[^\s:?!.]+\s+){0,4}[^\s:?!.]+\s*(?::|\s[-\u2013\u2014])"
                    r"\s+(?P<rest>\S.*)$")


# A last sentence that asks without a "?": "... whats the deal with it", "... does it help".
_ASKS = re.compile(r"(?i)\s*(?:what|whats|what s|how|why|which|who|where|when|does|do|is|are|can|"
                   r"could|should|would|will|did|has|have)\b")


def question_sentences(message: str) -> list[str]:
    """The sentences of `message` that ask (hold a "?"), when it has more than one sentence, and
    what follows a short label ("Podcast prep: ..."); the last sentence when none holds a "?"
    but it starts like a question ("... someone said it helps. whats the deal with it"). Empty
    when the message is its own question."""
    out = []
    label = _LABEL.match(message)
    if label:
        out.append(label.group("rest"))
    parts = [p for p in _BOUNDARY.split(message.strip()) if p]
    if len(parts) >= 2:
        asking = [p for p in parts if "?" in p]
        out += asking or [p for p in parts[-1:] if _ASKS.match(p)]
    return out
