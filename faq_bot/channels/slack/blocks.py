"""Block Kit rendering of a Reply for Slack. It renders only: what to say was decided upstream.

Every message is a dict with `text` (the notification and screen-reader fallback) and `blocks`.
"""

from __future__ import annotations

import json
from typing import Any

from faq_bot.core.replies import Reply

Message = dict[str, Any]

FEEDBACK_BLOCK_ID = "feedback"
FEEDBACK_YES = "feedback_yes"
FEEDBACK_NO = "feedback_no"
FOLLOWUP_BLOCK_ID = "followups"
# Each button of a block needs its own action id: followup_0, followup_1...
FOLLOWUP_PREFIX = "followup_"
# Slack's limit on a button's value.
_BUTTON_VALUE_LIMIT = 2000

# Slack truncates or rejects longer fields; the FAQ's own text is far shorter.
_SECTION_LIMIT = 3000
_MAX_SUGGESTIONS = 10

_HEADERS = {
    "emergency": ":rotating_light: Get help now",
    "referral": ":warning: Please talk to a doctor or pharmacist",
}


def escape(text: str) -> str:
    """`text` made literal for Slack mrkdwn (Slack's three control characters)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """The inverse of `escape`: what a reader of the message sees."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _link(url: str | None, title: str) -> str:
    # Inside <url|title> a "|" or ">" in the title would end the link early.
    label = escape(title).replace("|", "¦")
    return f"<{url}|{label}>" if url else f"*{label}*"


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:_SECTION_LIMIT]}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:_SECTION_LIMIT]}]}


def _button(label: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    button = {"type": "button", "action_id": action_id, "value": value,
              "text": {"type": "plain_text", "text": label, "emoji": True}}
    if style:
        button["style"] = style
    return button


def followup_value(faq_id: str, conversation: str) -> str:
    """A followup button's value: the entry to ask and the conversation to ask it in."""
    return json.dumps({"f": faq_id, "c": conversation}, separators=(",", ":"))


def read_followup_value(value: object) -> tuple[str, str | None] | None:
    """(faq_id, conversation) from a followup button's value, None when it is not one."""
    try:
        data = json.loads(value) if isinstance(value, str) else None
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("f"), str):
        return None
    conversation = data.get("c")
    return data["f"], conversation if isinstance(conversation, str) else None


def render_reply(reply: Reply, *, feedback: bool = True, asked: str | None = None) -> Message:
    """The Block Kit message for `reply`; `feedback` adds the Helpful buttons to answers, and
    an answer's followups are buttons that ask in the same conversation. `asked` (a followup
    someone clicked) is shown first, so the thread reads as a conversation."""
    blocks: list[dict[str, Any]] = []
    if asked:
        blocks.append(_context(f":speech_balloon: {escape(asked)}"))
    header = _HEADERS.get(reply.kind)
    if header:
        blocks.append({"type": "header",
                       "text": {"type": "plain_text", "text": header, "emoji": True}})
    body = escape(reply.text)
    # Emergency text is short and must not be skimmed past.
    blocks.append(_section(f"*{body}*" if reply.kind == "emergency" else body))
    if reply.suggestions:
        lines = [f"• {escape(s.question)}" for s in reply.suggestions[:_MAX_SUGGESTIONS]]
        blocks.append(_section("\n".join(lines)))
    if reply.source:
        label = "Source" if reply.kind == "answer" else "Policy"
        blocks.append(_context(f"{label}: {_link(reply.source.url, reply.source.title)}"
                               f" · {escape(reply.source.section)}"))
    for note in reply.context:
        blocks.append(_context(f":bookmark: {escape(note.text)} ({_link(note.url, note.title)})"))
    blocks.append(_context(f":information_source: {escape(reply.safety)}"))
    followups = [f for f in reply.followups
                 if len(followup_value(f.faq_id, reply.conversation)) <= _BUTTON_VALUE_LIMIT]
    if reply.kind == "answer" and followups:
        # One section per followup, its question as text and an "Ask" button beside it: the
        # full question stays readable (a button label is cut at 75 characters), and the
        # answer's only actions block remains the feedback one, which a vote replaces.
        blocks.append(_context("Ask next:"))
        for i, f in enumerate(followups):
            blocks.append({**_section(escape(f.question)),
                           "block_id": f"{FOLLOWUP_BLOCK_ID}_{i}",
                           "accessory": _button("Ask", f"{FOLLOWUP_PREFIX}{i}",
                                                followup_value(f.faq_id, reply.conversation))})
    if feedback and reply.kind == "answer":
        blocks.append({"type": "actions", "block_id": FEEDBACK_BLOCK_ID, "elements": [
            _button(":thumbsup: Helpful", FEEDBACK_YES, reply.id),
            _button(":thumbsdown: Not helpful", FEEDBACK_NO, reply.id),
        ]})
    fallback = f"{header}: {body}" if header else body
    return {"text": fallback, "blocks": blocks}


def usage_message(command: str = "/kratom-faq") -> Message:
    """Help for an empty question: what the bot answers and how to ask."""
    text = (f"Ask me what the article *The Science Behind Kratom and Sleep* says, for example "
            f"`{escape(command)} What is kratom?` or `{escape(command)} Does kratom help with "
            f"sleep?`. You can also mention me in a channel or send me a direct message.")
    return {"text": text, "blocks": [_section(text)]}


def too_long_message(length: int, limit: int) -> Message:
    """A friendly note for a question over the length limit."""
    text = (f"That question is {length} characters long; I can read up to {limit}. "
            f"Please ask it more briefly.")
    return {"text": text, "blocks": [_section(text)]}


def thanks_blocks(blocks: list[dict[str, Any]], helpful: bool) -> list[dict[str, Any]]:
    """`blocks` of a rendered answer with the feedback buttons replaced by a thank-you."""
    note = "Thanks, glad it helped." if helpful else "Thanks for telling us."
    kept = [b for b in blocks if b.get("block_id") != FEEDBACK_BLOCK_ID]
    return [*kept, _context(f":pray: {note}")]


def thanks_message(helpful: bool) -> Message:
    """A short thank-you when the original message cannot be rewritten."""
    [block] = thanks_blocks([], helpful)
    return {"text": block["elements"][0]["text"], "blocks": [block]}
