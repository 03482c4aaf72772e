"""The web channel: the embeddable chat widget, its demo page and CORS for the JSON API."""

from faq_bot.channels.web.routes import bp, init_app

__all__ = ["bp", "init_app"]
