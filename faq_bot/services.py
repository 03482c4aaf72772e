"""What one app instance shares between its blueprints: settings, the FAQ store, and the hooks
that observe replies (metrics, curation). Kept on `app.extensions`, never in module globals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app

from faq_bot.config import Settings
from faq_bot.replies import Reply
from faq_bot.store import FaqStore

ReplyHook = Callable[[Reply, str], None]
QuestionHook = Callable[[str, Reply, str], None]


@dataclass
class Services:
    """The per-app state: configuration, the live FAQ, and reply observers."""

    settings: Settings
    store: FaqStore
    reply_hooks: list[ReplyHook] = field(default_factory=list)
    # Observers that also see the question (curation); each keeps only what it may, and none
    # may raise.
    question_hooks: list[QuestionHook] = field(default_factory=list)

    def ask(self, question: str, channel: str) -> Reply:
        """Answer through the live engine, then let every hook observe the reply."""
        reply = self.store.engine.ask(question)
        for hook in self.reply_hooks:
            hook(reply, channel)
        for question_hook in self.question_hooks:
            question_hook(question, reply, channel)
        return reply


def services(app: Flask | None = None) -> Services:
    """The Services of `app` (default: the current app)."""
    return (app or current_app).extensions["faq_bot"]
