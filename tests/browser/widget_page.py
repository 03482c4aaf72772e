"""Drive the widget on a page the way a person does: through its launcher, input and buttons.

Playwright's CSS selectors pierce open shadow roots, so the locators below reach into the
widget; `shadow_eval` runs a script against the shadow root itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import ConsoleMessage, Dialog, Locator, Page, Route, expect

# Reply kinds the server decides; the widget shows each with data-kind on its message.
REPLY = ".msg.bot:not(.pending)"


class Widget:
    """One page with the widget on it, recording dialogs, page errors and CSP refusals."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.console_errors: list[str] = []
        self.asks: list[dict[str, Any]] = []
        self.votes: list[dict[str, Any]] = []  # bodies POSTed to /api/v1/feedback
        self.last: dict[str, Any] = {}  # the API's JSON for the latest reply
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("console", self._console)
        page.on("request", self._request)
        self.launcher = page.locator("[data-faq-bot] .launcher")
        self.panel = page.locator("#faq-bot-panel")
        self.input = page.locator("#faq-bot-input")
        self.log = page.locator("[role=log]")
        self.error = page.locator(".error")
        self.replies = page.locator(REPLY)

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def _request(self, request: Any) -> None:
        if request.url.endswith("/api/v1/ask") and request.method == "POST":
            self.asks.append(request.post_data_json)
        if request.url.endswith("/api/v1/feedback") and request.method == "POST":
            self.votes.append(request.post_data_json)

    def goto(self, url: str) -> Widget:
        """Load `url` and wait for the launcher."""
        self.page.goto(url)
        expect(self.launcher).to_be_visible()
        return self

    def open(self) -> None:
        """Open the panel with the launcher."""
        self.launcher.click()
        expect(self.panel).to_be_visible()

    def ask(self, question: str) -> Locator:
        """Type `question`, press Enter, and return the reply's message element."""
        count = self.replies.count()
        self.input.fill(question)
        with self.page.expect_response(lambda r: r.url.endswith("/api/v1/ask")
                                       and r.request.method == "POST") as info:
            self.input.press("Enter")
        self.last = info.value.json()
        reply = self.replies.nth(count)
        expect(reply).to_be_visible()
        return reply

    def ask_expecting_error(self, question: str) -> str:
        """Type `question`, press Enter, and return the error message shown instead of a reply."""
        count = self.replies.count()
        self.input.fill(question)
        self.input.press("Enter")
        expect(self.error).to_be_visible()
        expect(self.page.locator(".msg.pending")).to_have_count(0)
        assert self.replies.count() == count, "an error must not add a reply"
        return self.error.inner_text()

    def shadow_eval(self, body: str) -> Any:
        """Evaluate `body` (a function of the shadow root) in the page."""
        return self.page.evaluate(
            f"() => {{ const root = document.querySelector('[data-faq-bot]').shadowRoot; "
            f"return ({body})(root); }}")

    def active(self) -> str | None:
        """What has focus inside the widget: its id, or its class name."""
        return self.shadow_eval("r => r.activeElement && (r.activeElement.id || "
                                "r.activeElement.className)")

    def focused_label(self) -> str | None:
        """The aria-label of what has focus inside the widget, if it has one."""
        return self.shadow_eval("r => r.activeElement && "
                                "r.activeElement.getAttribute('aria-label')")

    def tab_to(self, label: str, key: str = "Tab", limit: int = 25) -> None:
        """Press `key` until the control labelled `label` has focus (at most `limit` times)."""
        for _ in range(limit):
            if self.focused_label() == label:
                return
            self.page.keyboard.press(key)
        assert self.focused_label() == label, f"{key} never reached {label!r}"

    def vote_with_enter(self) -> int:
        """Press Enter on the focused thumb and return the status of the feedback response."""
        with self.page.expect_response(lambda r: r.url.endswith("/api/v1/feedback")
                                       and r.request.method == "POST") as info:
            self.page.keyboard.press("Enter")
        return info.value.status

    def csp_refusals(self) -> list[str]:
        """Console errors that are Content-Security-Policy refusals."""
        return [m for m in self.console_errors if "Content Security Policy" in m]


def fulfil(setup: WidgetSetup, status: int, body: dict[str, Any] | None,
           headers: dict[str, str] | None = None) -> Callable[[Route], None]:
    """A route handler answering the next POST with `status` and `body` (with CORS headers, as
    the real server sends them to an allowed origin), then letting later requests through."""
    used = []

    def handle(route: Route) -> None:
        if used or route.request.method != "POST":
            route.continue_()
            return
        used.append(True)
        route.fulfill(status=status, content_type="application/json",
                      body=json.dumps(body) if body is not None else "",
                      headers={"Access-Control-Allow-Origin": setup.site.base,
                               "Access-Control-Expose-Headers": "Retry-After",
                               **(headers or {})})
    return handle


@dataclass
class HostSite:
    """A tiny site on its own origin; each page is served with its own CSP header."""

    base: str
    pages: dict[str, tuple[bytes, str, str | None]] = field(default_factory=dict)

    def add(self, path: str, body: str, content_type: str = "text/html; charset=utf-8",
            csp: str | None = None) -> str:
        """Serve `body` at `path`; returns its full URL."""
        self.pages[path] = (body.encode(), content_type, csp)
        return self.base + path


def host_page(api: str, *, title: str, script_attrs: str = "") -> str:
    """A host page that embeds the widget with one script tag (and a link before it)."""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="/host.css">
</head>
<body>
<main>
<h1>{title}</h1>
<p>A page of some other site. <a href="#about">About us</a></p>
<button type="button">A host button the host CSS hides</button>
</main>
<script src="{api}/widget.js" defer {script_attrs}></script>
</body>
</html>
"""


@dataclass
class WidgetSetup:
    """Where everything runs: the API (gunicorn) origin and the host site on another origin."""

    api: str
    site: HostSite
    page_url: str
    plain_url: str

    def strict_csp(self, api: str | None = None) -> str:
        """A CSP with no 'unsafe-inline' anywhere, allowing only the widget's own server."""
        origins = " ".join(dict.fromkeys([self.api, api or self.api]))
        return (f"default-src 'none'; script-src {self.api}; connect-src {origins}; "
                "style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'")


def axe_violations(page: Any, axe_script: Path) -> list[dict[str, Any]]:
    """axe-core's violations on `page`: id, impact, help and the nodes they concern."""
    page.add_script_tag(path=str(axe_script))
    return page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help, "
        "nodes: v.nodes.map(n => n.target.join(' '))}))")
