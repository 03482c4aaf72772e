"""Browser fixtures: Debian's Chromium driven by Playwright, a real gunicorn serving the API and
the widget, and a host site on a different origin that embeds the widget with one script tag."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from browser_env import missing
from playwright.sync_api import BrowserContext
from ports import free_port
from widget_page import HostSite, Widget, WidgetSetup, host_page

REPO = Path(__file__).resolve().parents[2]
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = REPO / "test-artifacts"

# Rules no embedding site controls: every element is reset or styled, buttons are hidden, and
# text is huge and red. The widget lives in a shadow root, so none of it may reach the widget.
HOSTILE_CSS = """
* { color: #ff0000 !important; font-size: 40px !important; font-family: serif !important; }
button { display: none !important; }
div { position: static !important; }
"""


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe-core, installed from npm by `make test` (tests/browser/package.json)."""
    if not AXE.exists():
        missing("axe-core", "npm install --no-audit --no-fund --prefix tests/browser")
    return AXE


@pytest.fixture(scope="session")
def host_site() -> Iterator[HostSite]:
    """A plain http.server on another free loopback port."""
    site = HostSite(base="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            page = site.pages.get(self.path.split("?", 1)[0])
            if page is None:
                self.send_error(404)
                return
            body, content_type, csp = page
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            if csp:
                self.send_header("Content-Security-Policy", csp)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    site.add("/host.css", HOSTILE_CSS, "text/css; charset=utf-8")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def widget_setup(live_server: Callable[[dict[str, str]], str], host_site: HostSite) -> WidgetSetup:
    """Gunicorn allowing the host site's origin, and host pages embedding its widget."""
    api = live_server({"FAQ_BOT_ALLOWED_ORIGINS": host_site.base})
    setup = WidgetSetup(api=api, site=host_site, page_url="", plain_url="")
    attrs = ('data-title="Test Clinic FAQ" data-accent="#6a1b9a" data-position="bottom-left" '
             'data-greeting="Hello from the test page."')
    page = host_page(api, title="Host site", script_attrs=attrs)
    setup.page_url = host_site.add("/index.html", page, csp=setup.strict_csp())
    # No CSP: axe is injected as an inline script, which a strict policy would rightly refuse.
    setup.plain_url = host_site.add("/plain.html", host_page(api, title="Host site, no CSP"))
    return setup


@pytest.fixture
def artifacts() -> Path:
    """test-artifacts/ (gitignored) for screenshots."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def context(browser: Any, widget_setup: WidgetSetup) -> Iterator[BrowserContext]:
    """A fresh desktop-sized browser context (its own sessionStorage) for one test."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture
def widget(context: BrowserContext, widget_setup: WidgetSetup) -> Widget:
    """The host page (strict CSP, hostile CSS) with the widget loaded from gunicorn."""
    return Widget(context.new_page()).goto(widget_setup.page_url)
