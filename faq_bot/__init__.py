"""faq-bot: a safety-first FAQ chatbot about kratom and sleep.

`create_app` is imported lazily so that the core (loading, checking, safety, matching, replies)
can be used without importing Flask.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from faq_bot.version import __version__

__all__ = ["__version__", "create_app"]

if TYPE_CHECKING:
    from faq_bot.app import create_app


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from faq_bot.app import create_app

        return create_app
    raise AttributeError(f"module 'faq_bot' has no attribute {name!r}")
