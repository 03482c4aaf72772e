"""The Slack channel: the slash command, Events API and interactions webhooks (`routes`), the
Block Kit rendering of a reply (`blocks`) and the event retry de-duplication (`dedupe`)."""

from faq_bot.channels.slack.routes import EXTENSION, init_app, slack_state, strip_mentions

__all__ = ["EXTENSION", "init_app", "slack_state", "strip_mentions"]
