"""Slack: the slash command, the Events API and button clicks, on one blueprint.

Every request is checked against the signing secret before anything else runs. Event answers are
posted from a worker thread so Slack gets its acknowledgement at once, and each event is taken
once even when Slack retries it (or sends one message as two events, a mention and a message).
Setup for admins: docs/slack.md.

A thread is a conversation. Besides mentions and direct messages, a reply in a channel thread
without any mention is answered when the thread is the bot's: it holds a live conversation of
the bot's (kept per thread, or read back from the metadata of the bot's latest reply there), or
it hangs under one of the bot's own messages (`parent_user_id`).
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web import WebClient
from slack_sdk.webhook import WebhookClient

from faq_bot.channels.errors import error_response
from faq_bot.channels.slack.blocks import (
    FEEDBACK_NO,
    FEEDBACK_YES,
    FOLLOWUP_PREFIX,
    Message,
    read_followup_value,
    render_reply,
    thanks_blocks,
    thanks_message,
    too_long_message,
    unescape,
    usage_message,
)
from faq_bot.channels.slack.dedupe import DedupeStore, MemoryDedupe, dedupe_store
from faq_bot.channels.slack.threads import (
    MemoryThreads,
    ThreadStore,
    reply_metadata,
    thread_key,
    thread_store,
    token_from_slack,
)
from faq_bot.config import Settings
from faq_bot.core.engine import MAX_QUESTION_CHARS, QuestionError, validate_question
from faq_bot.services import services

log = logging.getLogger("faq_bot.slack")

bp = Blueprint("slack", __name__, url_prefix="/slack")

EXTENSION = "faq_bot.slack"
DEFAULT_COMMAND = "/kratom-faq"
# Interaction payloads carry the whole clicked message, so they outgrow the API's body limit.
SLACK_MAX_BODY = 256 * 1024
_SLACK_HOOKS_HOST = "hooks.slack.com"
_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")

FeedbackHook = Callable[[str, bool, str], None]
"""Called with (reply_id, helpful, channel) when someone clicks a feedback button."""


class SlackState:
    """Per-app Slack machinery: verifier, dedupe store, Web API client and the worker pool."""

    def __init__(self, settings: Settings, dedupe: DedupeStore | None = None) -> None:
        self.settings = settings
        secret = settings.slack_signing_secret
        self.verifier = SignatureVerifier(secret) if secret else None
        self.dedupe = dedupe or (dedupe_store(settings) if secret else MemoryDedupe())
        # A thread is a conversation: the token of the bot's last reply in each thread.
        self.threads: ThreadStore = (thread_store(settings) if secret
                                     else MemoryThreads(settings.conversation_ttl))
        # Recording votes arrives with the curation work; it appends a hook here.
        self.feedback_hooks: list[FeedbackHook] = []
        self._executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="faq-bot-slack")
        self._pending: set[Future[None]] = set()
        self._lock = threading.Lock()
        self._client: WebClient | None = None

    @property
    def client(self) -> WebClient | None:
        """The Web API client with the bot token, or None while SLACK_BOT_TOKEN is unset."""
        token = self.settings.slack_bot_token
        if token and self._client is None:
            base = self.settings.slack_api_url or WebClient.BASE_URL
            # urljoin drops the last path segment of a base without a trailing slash.
            self._client = WebClient(token=token, base_url=base.rstrip("/") + "/", timeout=10)
        return self._client

    def submit(self, fn: Callable[..., None], *args: Any) -> None:
        """Run `fn(*args)` on the worker pool; failures are logged, never raised."""
        future = self._executor.submit(fn, *args)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._done)

    def _done(self, future: Future[None]) -> None:
        with self._lock:
            self._pending.discard(future)
        exc = future.exception()
        if exc is not None:
            log.error("slack background task failed", exc_info=exc)

    def drain(self, timeout: float = 5.0) -> bool:
        """Wait for queued work to finish; True if it all did within `timeout` seconds."""
        with self._lock:
            pending = set(self._pending)
        return not wait(pending, timeout=timeout).not_done

    def close(self) -> None:
        """Finish queued work and stop the worker threads."""
        self._executor.shutdown(wait=True)

    def record_feedback(self, reply_id: str, helpful: bool) -> None:
        """Hand a vote to every feedback hook; a failing hook never fails the click."""
        for hook in self.feedback_hooks:
            try:
                hook(reply_id, helpful, "slack")
            except Exception:
                log.exception("slack feedback hook failed")

    def trusts_response_url(self, url: str) -> bool:
        """Whether `url` is Slack's (or the configured test API's), so posting to it is safe."""
        parts = urlsplit(url)
        if parts.scheme == "https" and parts.hostname == _SLACK_HOOKS_HOST:
            return True
        api = self.settings.slack_api_url
        return bool(api) and parts.netloc == urlsplit(api).netloc


def slack_state(app: Flask | None = None) -> SlackState:
    """The SlackState of `app` (default: the current app)."""
    return (app or current_app).extensions[EXTENSION]


def init_app(app: Flask) -> None:
    """Register the Slack endpoints on `app` (they answer 404 until SLACK_SIGNING_SECRET is set)."""
    app.extensions[EXTENSION] = SlackState(services(app).settings)
    app.register_blueprint(bp)


def strip_mentions(text: str) -> str:
    """`text` without user mentions such as `<@U123>` or `<@U123|name>`."""
    return _MENTION.sub(" ", text).strip()


def _signed(verifier: SignatureVerifier, body: bytes, headers: Mapping[str, str]) -> bool:
    try:
        return verifier.is_valid(body=body,
                                 timestamp=headers.get("X-Slack-Request-Timestamp"),
                                 signature=headers.get("X-Slack-Signature"))
    except (ValueError, UnicodeDecodeError):
        # A timestamp that is not a number, or a body that is not UTF-8: not from Slack.
        return False


@bp.before_request
def _verify() -> Response | None:
    state = slack_state()
    if state.verifier is None:
        return error_response(404, "slack_not_configured",
                              "Slack is not configured on this server: the Slack endpoints are "
                              "off until SLACK_SIGNING_SECRET is set (see docs/slack.md).")
    request.max_content_length = SLACK_MAX_BODY
    body = request.get_data()  # the raw bytes Slack signed, read before any parsing
    if not _signed(state.verifier, body, request.headers):
        return error_response(401, "invalid_signature",
                              "The request is not signed by Slack: the X-Slack-Signature or "
                              "X-Slack-Request-Timestamp header is missing, wrong or older than "
                              "five minutes.")
    return None


def _ack() -> Response:
    return Response(status=200)


def _message_for(text: str, command: str) -> tuple[Message, bool]:
    """The message answering `text`, and whether it must stay private (help and errors do)."""
    message, private, _ = _converse(text, command, None)
    return message, private


def _converse(text: str, command: str,
              conversation: str | None) -> tuple[Message, bool, str | None]:
    """The message answering `text` in `conversation`, whether it must stay private, and the
    reply's conversation token (None for help and errors, which are no turn of it)."""
    question = unescape(text).strip()  # Slack escapes &, < and > in what users type
    if not question or question.lower() == "help":
        return usage_message(command), True, None
    try:
        question = validate_question(question)
    except QuestionError as exc:
        if exc.status == 413:
            return too_long_message(len(question), MAX_QUESTION_CHARS), True, None
        return usage_message(command), True, None
    reply = services().ask(question, "slack", conversation)
    return render_reply(reply), False, reply.conversation


@bp.post("/commands")
def command() -> Response:
    """The slash command: answer in the response itself, well within Slack's three seconds."""
    form = request.form
    if form.get("ssl_check"):
        return _ack()
    message, private = _message_for(form.get("text", ""), form.get("command") or DEFAULT_COMMAND)
    public = not slack_state().settings.slack_ephemeral and not private
    return jsonify({"response_type": "in_channel" if public else "ephemeral", **message})


@dataclass(frozen=True, slots=True)
class EventTarget:
    """A message the bot may answer: where, what, and whether only in a thread of its own."""

    channel: str
    thread_ts: str | None
    text: str
    ts: str
    # A reply in a channel thread with no mention: answered only if the thread is the bot's.
    own_thread_only: bool = False
    # The thread hangs under one of the bot's own messages (Slack's `parent_user_id`).
    parent_is_bot: bool = False


def _event_target(event: object, bot_user_id: str | None = None) -> EventTarget | None:
    """The message an event asks the bot to answer, None for any other event."""
    if not isinstance(event, dict):
        return None
    # Bot posts (ours included), edits, deletions, joins...: answering them could loop.
    if event.get("bot_id") or event.get("subtype") or not event.get("user"):
        return None
    channel, ts, text = event.get("channel"), event.get("ts"), event.get("text")
    if not (isinstance(channel, str) and isinstance(ts, str) and isinstance(text, str)):
        return None
    thread_ts = event.get("thread_ts") if isinstance(event.get("thread_ts"), str) else None
    if event.get("type") == "app_mention":
        return EventTarget(channel, thread_ts or ts, strip_mentions(text), ts)
    if event.get("type") != "message":
        return None
    if event.get("channel_type") == "im":
        return EventTarget(channel, thread_ts, strip_mentions(text), ts)
    # A reply in a channel thread (not the thread's first message). One that mentions anyone is
    # not for the bot as a plain reply: a mention of the bot comes as its own app_mention
    # event, and a mention of someone else is addressed to them.
    if (event.get("channel_type") in ("channel", "group") and thread_ts and thread_ts != ts
            and not _MENTION.search(text)):
        parent = event.get("parent_user_id")
        return EventTarget(channel, thread_ts, text.strip(), ts, own_thread_only=True,
                           parent_is_bot=bool(bot_user_id) and parent == bot_user_id)
    return None


def _bot_user_id(body: Mapping[str, Any]) -> str | None:
    """The bot's own user id, from the event callback's `authorizations`."""
    authorizations = body.get("authorizations")
    for item in authorizations if isinstance(authorizations, list) else []:
        if isinstance(item, dict) and item.get("is_bot") and isinstance(item.get("user_id"), str):
            return str(item["user_id"])
    return None


def _json_or_none(text: str | bytes) -> Any:
    """`text` parsed as JSON, or None when it is not JSON (or nested past the parser's depth)."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _log_slack_error(what: str, exc: SlackClientError) -> None:
    # SlackApiError carries Slack's own error code; other client errors only their message.
    detail = exc.response.get("error") if isinstance(exc, SlackApiError) else exc
    log.error("%s: %s", what, detail)


def _answer_event(app: Flask, target: EventTarget, app_id: str | None,
                  bot_user_id: str | None) -> None:
    state = slack_state(app)
    client = state.client
    if client is None:
        return
    key = thread_key(target.channel, target.thread_ts)
    token = None
    # Without a shared store, another worker or replica may have taken the thread's last turn
    # (this process may not know the thread at all, or only an older turn of it): the token
    # is read back from the bot's latest reply there, and this process's own copy is only the
    # fallback when Slack cannot say. A mention that starts a thread has nothing to read.
    if not state.threads.shared and target.thread_ts != target.ts:
        token = token_from_slack(client, target.channel, target.thread_ts, app_id, bot_user_id,
                                 ttl=state.settings.conversation_ttl)
    if token is None:
        token = state.threads.get(key)
    with app.app_context():
        if target.own_thread_only and not target.parent_is_bot:
            tokens = services().conversations
            if token is None or tokens is None or tokens.read(token) is None:
                return  # a thread of people, or one the bot left idle: not the bot's to join
        message, _, token = _converse(target.text, DEFAULT_COMMAND, token)
    extra: dict[str, Any] = {}
    if token:
        state.threads.put(key, token)
        extra["metadata"] = reply_metadata(token)
    try:
        client.chat_postMessage(channel=target.channel, thread_ts=target.thread_ts,
                                unfurl_links=False, unfurl_media=False, **message, **extra)
    except SlackClientError as exc:
        _log_slack_error("chat.postMessage failed", exc)


@bp.post("/events")
def events() -> Response:
    """The Events API: the URL check, mentions and direct messages (answered in the background)."""
    body = _json_or_none(request.get_data())
    if not isinstance(body, dict):
        return error_response(400, "invalid_body", "The Events API body must be a JSON object.")
    if body.get("type") == "url_verification":
        return jsonify({"challenge": str(body.get("challenge", ""))})
    if body.get("type") != "event_callback":
        return _ack()
    target = _event_target(body.get("event"), _bot_user_id(body))
    if target is None:
        return _ack()
    state = slack_state()
    event_id = body.get("event_id") or f"{target.channel}:{target.ts}"
    if not state.dedupe.first_time(str(event_id)):
        log.info("slack event %s already taken (retry %s)", event_id,
                 request.headers.get("X-Slack-Retry-Num", "none"))
        return _ack()
    # One message can come as two events (a mention in a thread is also a message there).
    if not state.dedupe.first_time(f"message:{target.channel}:{target.ts}"):
        log.info("slack message of event %s already taken by another event", event_id)
        return _ack()
    if state.client is None:
        log.warning("slack event received but SLACK_BOT_TOKEN is not set; cannot reply")
        return _ack()
    app_id = body.get("api_app_id") if isinstance(body.get("api_app_id"), str) else None
    state.submit(_answer_event, current_app._get_current_object(), target, app_id,
                 _bot_user_id(body))
    return _ack()


def _thank(app: Flask, payload: dict[str, Any], helpful: bool) -> None:
    state = slack_state(app)
    original = payload.get("message") if isinstance(payload.get("message"), dict) else {}
    blocks = original.get("blocks")
    response_url = payload.get("response_url")
    try:
        if isinstance(response_url, str) and state.trusts_response_url(response_url):
            hook = WebhookClient(response_url, timeout=10)
            if isinstance(blocks, list):
                result = hook.send(replace_original=True, text=original.get("text", ""),
                                   blocks=thanks_blocks(blocks, helpful))
            else:
                # Ephemeral messages come without their blocks: thank in a new private line.
                result = hook.send(replace_original=False, response_type="ephemeral",
                                   **thanks_message(helpful))
            if result.status_code != 200:
                log.error("slack response_url refused the update: %s", result.status_code)
        elif isinstance(blocks, list) and state.client is not None:
            channel = payload.get("channel")
            channel = channel.get("id") if isinstance(channel, dict) else None
            state.client.chat_update(channel=channel, ts=original.get("ts"),
                                     text=original.get("text", ""),
                                     blocks=thanks_blocks(blocks, helpful))
        else:
            log.warning("slack feedback click with no usable response_url or message")
    except SlackClientError as exc:
        _log_slack_error("slack feedback update failed", exc)


def _ask_followup(app: Flask, payload: dict[str, Any], faq_id: str,
                  conversation: str | None) -> None:
    """Ask the clicked followup's question in the conversation its button carried, and post
    the reply in the clicked message's thread (privately, for a private message)."""
    state = slack_state(app)
    with app.app_context():
        entry = services().store.engine.faq.by_id.get(faq_id)
        if entry is None:  # the FAQ changed since the button was drawn
            log.info("slack followup for an unknown entry ignored")
            return
        reply = services().ask(entry.question, "slack", conversation)
    message = render_reply(reply, asked=entry.question)
    original = payload.get("message") if isinstance(payload.get("message"), dict) else None
    channel = payload.get("channel")
    channel = channel.get("id") if isinstance(channel, dict) else None
    thread_ts = (original.get("thread_ts") or original.get("ts")) if original else None
    response_url = payload.get("response_url")
    try:
        if (original is not None and isinstance(channel, str) and isinstance(thread_ts, str)
                and state.client is not None):
            state.threads.put(thread_key(channel, thread_ts), reply.conversation)
            state.client.chat_postMessage(channel=channel, thread_ts=thread_ts,
                                          unfurl_links=False, unfurl_media=False,
                                          metadata=reply_metadata(reply.conversation), **message)
        elif isinstance(response_url, str) and state.trusts_response_url(response_url):
            # An ephemeral answer (the slash command's) comes without its message.
            result = WebhookClient(response_url, timeout=10).send(
                replace_original=False, response_type="ephemeral", **message)
            if result.status_code != 200:
                log.error("slack response_url refused the followup: %s", result.status_code)
        else:
            log.warning("slack followup click with no usable response_url or message")
    except SlackClientError as exc:
        _log_slack_error("slack followup reply failed", exc)


@bp.post("/interactions")
def interactions() -> Response:
    """Button clicks: thank for feedback on an answer, ask a followup in the same
    conversation; any other action is acknowledged."""
    payload = _json_or_none(request.form.get("payload", ""))
    if not isinstance(payload, dict):
        return error_response(400, "invalid_payload",
                              'The interaction needs a "payload" form field holding a JSON object.')
    if payload.get("type") != "block_actions":
        return _ack()
    actions = payload.get("actions")
    for action in actions if isinstance(actions, list) else []:
        if not isinstance(action, dict):
            continue
        action_id, reply_id = action.get("action_id"), action.get("value")
        if action_id in (FEEDBACK_YES, FEEDBACK_NO) and isinstance(reply_id, str) and reply_id:
            state = slack_state()
            helpful = action_id == FEEDBACK_YES
            state.record_feedback(reply_id, helpful)
            state.submit(_thank, current_app._get_current_object(), payload, helpful)
            break
        followup = read_followup_value(reply_id) if isinstance(action_id, str) and \
            action_id.startswith(FOLLOWUP_PREFIX) else None
        if followup is not None:
            slack_state().submit(_ask_followup, current_app._get_current_object(), payload,
                                 *followup)
            break
    return _ack()
