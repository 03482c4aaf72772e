"""The widget's thumbs up/down in a real Chromium, voting against a real gunicorn that records
to its own SQLite file, checked through the curator's report (`faq-bot report --format json`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, expect
from widget_page import HostSite, Widget, WidgetSetup, axe_violations, fulfil, host_page

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

FAQ_BOT = Path(sys.executable).parent / "faq-bot"
REPORT_WAIT = 5.0
COMMENT = "It did not say how long the effects last"
# Only the keyboard test votes on this answer, so its line in the report is its own.
REPORTED = "What is kratom?"
OTHER = "What is mitragynine?"


@dataclass
class Curated:
    """A gunicorn with curation on, its database URL, and host pages embedding its widget."""

    setup: WidgetSetup
    database_url: str
    instance: Path


@pytest.fixture(scope="module")
def curated(live_server: Callable[[Mapping[str, str] | None], str], host_site: HostSite,
            tmp_path_factory: pytest.TempPathFactory) -> Curated:
    """A server recording to a fresh SQLite file (rate limit off), allowing the host site."""
    folder = tmp_path_factory.mktemp("feedback")
    url = f"sqlite:///{folder / 'curation.sqlite3'}"
    api = live_server({"FAQ_BOT_CURATION": "on", "FAQ_BOT_DATABASE_URL": url,
                       "FAQ_BOT_RATELIMIT": "off", "FAQ_BOT_ALLOWED_ORIGINS": host_site.base})
    setup = WidgetSetup(api=api, site=host_site, page_url="", plain_url="")
    setup.page_url = host_site.add("/feedback.html", host_page(api, title="Feedback"),
                                   csp=setup.strict_csp())
    # No CSP: axe is injected as an inline script.
    setup.plain_url = host_site.add("/feedback-plain.html",
                                    host_page(api, title="Feedback, no CSP"))
    return Curated(setup, url, folder / "instance")


def report(curated: Curated) -> dict[str, Any]:
    """`faq-bot report --format json` over the server's database, run as a curator would."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAQ_BOT_")}
    env |= {"FAQ_BOT_CURATION": "on", "FAQ_BOT_DATABASE_URL": curated.database_url,
            "FAQ_BOT_INSTANCE_DIR": str(curated.instance)}
    done = subprocess.run([str(FAQ_BOT), "report", "--format", "json", "--since", "1d"],
                          env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def reported_votes(curated: Curated, faq_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The report's feedback section and its "not helpful" line for `faq_id`, polled for a
    bounded moment in case a write is still on its way."""
    deadline = time.monotonic() + REPORT_WAIT
    while True:
        feedback = report(curated)["feedback"]
        line = next((v for v in feedback["most_not_helpful"] if v["key"] == faq_id), None)
        if (line is not None and line["comments"]) or time.monotonic() > deadline:
            return feedback, line or {}
        time.sleep(0.25)


def thumbs(reply: Any) -> tuple[Any, Any, Any]:
    """The "Helpful" and "Not helpful" buttons under `reply`, and its status line."""
    return (reply.get_by_role("button", name="Helpful", exact=True),
            reply.get_by_role("button", name="Not helpful", exact=True),
            reply.locator(".feedback [role=status]"))


def test_keyboard_vote_lands_in_the_report(context: BrowserContext, curated: Curated,
                                           artifacts: Path) -> None:
    widget = Widget(context.new_page()).goto(curated.setup.page_url)
    page = widget.page
    for _ in range(6):
        page.keyboard.press("Tab")
        if widget.active() == "launcher":
            break
    page.keyboard.press("Enter")
    expect(widget.panel).to_be_visible()
    page.keyboard.type(REPORTED)
    with page.expect_response(lambda r: r.url.endswith("/api/v1/ask")) as asked:
        page.keyboard.press("Enter")
    answer = asked.value.json()
    assert answer["kind"] == "answer"
    reply = widget.replies.last
    up, down, status = thumbs(reply)
    expect(up).to_have_attribute("aria-pressed", "false")
    expect(down).to_have_attribute("aria-pressed", "false")

    # The thumbs sit at the end of the answer, just before the composer.
    widget.tab_to("Helpful", key="Shift+Tab")
    assert widget.vote_with_enter() == 204
    assert widget.votes[-1] == {"reply_id": answer["id"], "helpful": True, "channel": "web"}
    expect(up).to_have_attribute("aria-pressed", "true")
    expect(down).to_have_attribute("aria-pressed", "false")
    expect(status).to_have_text("Thanks for your feedback!")
    assert widget.focused_label() == "Helpful"
    expect(reply.locator(".feedback-comment")).to_be_hidden()

    # Changing the vote: the server replaces the first one.
    widget.tab_to("Not helpful")
    assert widget.vote_with_enter() == 204
    assert widget.votes[-1] == {"reply_id": answer["id"], "helpful": False, "channel": "web"}
    expect(up).to_have_attribute("aria-pressed", "false")
    expect(down).to_have_attribute("aria-pressed", "true")
    expect(status).to_have_text("Thanks, your feedback was updated.")

    comment = reply.get_by_label("What were you looking for? (optional)")
    expect(comment).to_be_visible()
    expect(comment).to_have_attribute("maxlength", "500")
    page.keyboard.press("Tab")
    expect(comment).to_be_focused()
    page.keyboard.type(COMMENT)
    page.screenshot(path=str(artifacts / "widget-feedback.png"))
    assert widget.vote_with_enter() == 204
    assert widget.votes[-1] == {"reply_id": answer["id"], "helpful": False, "comment": COMMENT,
                                "channel": "web"}
    expect(status).to_have_text("Thanks, your comment was sent.")
    expect(comment).to_be_hidden()
    assert widget.focused_label() == "Not helpful"

    feedback, line = reported_votes(curated, answer["faq_id"])
    assert line == {"key": answer["faq_id"], "question": REPORTED, "helpful": 0,
                    "not_helpful": 1, "comments": [COMMENT]}, feedback
    assert set(feedback["by_channel"]) == {"web"}

    # The vote is shown again after a reload in the same tab.
    page.reload()
    reply = widget.replies.nth(1)
    up, down, status = thumbs(reply)
    expect(down).to_have_attribute("aria-pressed", "true")
    expect(up).to_have_attribute("aria-pressed", "false")
    expect(status).to_have_text("Thanks, your comment was sent.")
    expect(reply.locator(".feedback-comment")).to_be_hidden()
    assert widget.errors == [] and widget.dialogs == [] and widget.csp_refusals() == []


@pytest.mark.parametrize(("status", "headers", "expected"), [
    pytest.param(429, {"Retry-After": "10"}, "wait 10 seconds", id="429"),
    pytest.param(503, {"Retry-After": "10"}, "try again in a moment", id="503"),
    pytest.param(0, {}, "Check your connection", id="network-down"),
])
def test_vote_errors_are_friendly_and_the_thumbs_stay_usable(
        context: BrowserContext, curated: Curated, status: int, headers: dict[str, str],
        expected: str) -> None:
    # The UI's handling of each failure; a real 404 is below.
    widget = Widget(context.new_page()).goto(curated.setup.page_url)
    if status:
        body = {"error": {"code": "x", "message": "Server says no."}}
        widget.page.route("**/api/v1/feedback", fulfil(curated.setup, status, body, headers))
    else:
        failed: list[bool] = []

        def drop_first(route: Any) -> None:
            if route.request.method == "POST" and not failed:
                failed.append(True)
                route.abort("internetdisconnected")
            else:
                route.continue_()
        widget.page.route("**/api/v1/feedback", drop_first)
    widget.open()
    reply = widget.ask(OTHER)
    up, _, line = thumbs(reply)
    up.click()
    expect(line).to_contain_text(expected)
    expect(line).to_have_class("feedback-status is-error")
    expect(up).to_have_attribute("aria-pressed", "false")
    expect(up).not_to_have_attribute("aria-disabled", "true")

    with widget.page.expect_response(lambda r: r.url.endswith("/api/v1/feedback")
                                     and r.request.method == "POST") as info:
        up.click()
    assert info.value.status == 204
    expect(line).to_have_text("Thanks for your feedback!")
    expect(line).to_have_class("feedback-status")
    expect(up).to_have_attribute("aria-pressed", "true")


def test_feedback_off_on_the_server_is_a_friendly_404(widget: Widget) -> None:
    # The default test server runs with FAQ_BOT_CURATION=off: every vote is a real 404.
    widget.open()
    up, down, line = thumbs(widget.ask(OTHER))
    for button in (up, down):
        with widget.page.expect_response(lambda r: r.url.endswith("/api/v1/feedback")
                                         and r.request.method == "POST") as info:
            button.click()
        assert info.value.status == 404
        expect(line).to_have_text("Sorry, feedback can't be recorded for this answer.")
        expect(button).to_have_attribute("aria-pressed", "false")
    assert len(widget.votes) == 2


def test_only_answers_get_thumbs(widget: Widget) -> None:
    widget.open()
    widget.ask("how many grams should I take")
    widget.ask("I think I overdosed")
    widget.ask("is kratom legal in Alabama")
    expect(widget.page.locator(".thumb")).to_have_count(0)
    expect(widget.ask(OTHER).locator(".thumb")).to_have_count(2)


def test_axe_finds_no_serious_violations_with_the_thumbs(
        browser: Browser, curated: Curated, axe_script: Path, artifacts: Path) -> None:
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        widget = Widget(ctx.new_page()).goto(curated.setup.plain_url)
        widget.open()
        voted = widget.ask(OTHER)
        widget.ask("Does kratom actually improve sleep?")
        _, down, status = thumbs(voted)
        down.click()
        expect(status).to_have_text("Thanks for your feedback!")
        expect(voted.locator(".feedback-comment input")).to_be_visible()
        violations = axe_violations(widget.page, axe_script)
    finally:
        ctx.close()
    (artifacts / "axe-feedback-violations.json").write_text(json.dumps(violations, indent=2))
    bad = [v for v in violations if v["impact"] in {"serious", "critical"}]
    assert bad == [], json.dumps(bad, indent=2)
