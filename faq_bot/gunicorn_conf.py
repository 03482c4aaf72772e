"""The gunicorn settings under the name operators already pass (`-c python:faq_bot.gunicorn_conf`);
they live in faq_bot.server.conf."""

from faq_bot.server.conf import *  # noqa: F403
