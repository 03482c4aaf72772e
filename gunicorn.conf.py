# Plain `gunicorn 'faq_bot:create_app()'` run from the repository root reads this file, so it
# serves exactly as `faq-bot serve` and `make run` do.
from faq_bot.server.conf import *  # noqa: F403
