# faq-bot: the JSON API, widget and Slack endpoints served by gunicorn.
#   docker build -t faq-bot:0.1.0 .
#   docker run --rm -p 8000:8000 faq-bot:0.1.0
# The bundled FAQ is inside the package (the wheel force-includes faq_data/); mount another one
# and set FAQ_BOT_DATA_DIR to serve it instead. Every setting is an environment variable (see
# the README and faq_bot/config.py).

# --- build: install the package and its runtime dependencies into a virtual environment -------
FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN python -m venv /opt/faq-bot
WORKDIR /src
# Only what the wheel is built from: the tests, benchmarks and tooling stay out of the image.
COPY pyproject.toml README.md ./
COPY faq_bot/ faq_bot/
COPY faq_data/ faq_data/
# `pip install .`, not '.[dev]': no test or lint tools in the image.
RUN /opt/faq-bot/bin/pip install . \
    && /opt/faq-bot/bin/python -c "from faq_bot.config import bundled_data_dir; \
from faq_bot.core.faq.loader import load_faq; load_faq(bundled_data_dir())"

# --- runtime: the same slim base, the virtual environment, and an unprivileged user ----------
FROM python:3.11-slim

# The uid/gid match the Kubernetes manifests (deploy/k8s: runAsUser/runAsGroup 10001).
RUN groupadd --system --gid 10001 faqbot \
    && useradd --system --uid 10001 --gid faqbot --home-dir /var/lib/faq-bot --create-home \
       --shell /usr/sbin/nologin faqbot

COPY --from=build /opt/faq-bot /opt/faq-bot

ENV PATH=/opt/faq-bot/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    FAQ_BOT_HOST=0.0.0.0 \
    FAQ_BOT_PORT=8000 \
    FAQ_BOT_INSTANCE_DIR=/var/lib/faq-bot

USER faqbot
WORKDIR /var/lib/faq-bot
EXPOSE 8000

# slim has no curl; the standard library is enough to probe liveness.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('FAQ_BOT_PORT', '8000') + '/healthz', timeout=4)"]

# The same gunicorn settings as `faq-bot serve`: it checks the FAQ first and refuses to start
# on a bad one, with file:line messages in the container log.
CMD ["gunicorn", "-c", "python:faq_bot.server.conf", "faq_bot:create_app()"]
