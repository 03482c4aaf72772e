"""What one app instance shares between its blueprints: settings, the FAQ store, and the hooks
that observe replies (metrics, logs, curation). Kept on `app.extensions`, never in module
globals."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

from faq_bot.config import Settings
from faq_bot.core.conversation import ConversationTokens, advance
from faq_bot.core.faq.store import FaqStore
from faq_bot.core.replies import Reply

log = logging.getLogger("faq_bot.hooks")

ReplyHook = Callable[[Reply, str], None]
QuestionHook = Callable[[str, Reply, str], None]
HookFailureListener = Callable[[str], None]
"""Called with the failed hook's name (operations count it)."""


def _no_request_id() -> str | None:
    return None


def hook_name(hook: Callable[..., Any]) -> str:
    """A short, stable name for a hook: its qualified name, without the module path."""
    target = getattr(hook, "__func__", hook)
    return getattr(target, "__qualname__", type(hook).__name__)


@dataclass
class Services:
    """The per-app state: configuration, the live FAQ, and reply observers."""

    settings: Settings
    store: FaqStore
    reply_hooks: list[ReplyHook] = field(default_factory=list)
    # Observers that also see the question (curation); each keeps only what it may.
    question_hooks: list[QuestionHook] = field(default_factory=list)
    hook_failure_listeners: list[HookFailureListener] = field(default_factory=list)
    # Set by operations (ops.observe), which owns request ids; the core of a reply needs none.
    request_id: Callable[[], str | None] = _no_request_id
    conversations: ConversationTokens | None = None

    def __post_init__(self) -> None:
        if self.conversations is None:
            self.conversations = conversation_tokens(self.settings)

    def ask(self, question: str, channel: str, conversation: object = None) -> Reply:
        """Answer through the live engine, then let every hook observe the reply.

        `conversation` is the token of the previous reply of the same chat; one that is not a
        valid, live token of this deployment is ignored (the question stands alone). A hook
        that raises is logged and counted; the reply, already built, still goes out.
        """
        tokens = self.conversations
        assert tokens is not None  # set in __post_init__
        previous = tokens.read(conversation)
        reply = self.store.engine.ask(question, previous)
        turn = advance(previous, reply.kind, reply.faq_id, reply.topic)
        reply = reply.with_conversation(tokens.issue(turn))
        for hook in self.reply_hooks:
            try:
                hook(reply, channel)
            except Exception:
                self._hook_failed(hook)
        for question_hook in self.question_hooks:
            try:
                question_hook(question, reply, channel)
            except Exception:
                self._hook_failed(question_hook)
        return reply

    def _hook_failed(self, hook: Callable[..., Any]) -> None:
        name = hook_name(hook)
        # The traceback names the hook's code; the question text is never logged here.
        log.exception("reply hook %s failed (request %s); the reply was sent", name,
                      self.request_id() or "-")
        for listener in self.hook_failure_listeners:
            try:
                listener(name)
            except Exception:  # a broken counter must not break the reply either
                log.exception("hook failure listener failed")


def conversation_tokens(settings: Settings) -> ConversationTokens:
    """The deployment's token signer: FAQ_BOT_SECRET_KEY, else a random key made once per
    process. The server preloads the app in gunicorn's master, so its workers share that key;
    replicas must share FAQ_BOT_SECRET_KEY (a restart without it ends open conversations,
    whose next questions are then answered on their own)."""
    secret = settings.secret_key.encode() if settings.secret_key else os.urandom(32)
    return ConversationTokens(secret, settings.conversation_ttl)


def services(app: Flask | None = None) -> Services:
    """The Services of `app` (default: the current app)."""
    return (app or current_app).extensions["faq_bot"]
