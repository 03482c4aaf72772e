"""Conversations in the widget (issue 17), in a real Chromium against a real gunicorn: the widget
sends each reply's `conversation` back with the next question of the open chat, and shows an
answer's followups as buttons that ask in the same conversation."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from widget_page import Widget, WidgetSetup

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


def test_a_two_turn_conversation(widget: Widget, context: Any,
                                 widget_setup: WidgetSetup) -> None:
    widget.open()
    first = widget.ask("can I mix kratom with alcohol?")
    expect(first).to_have_attribute("data-kind", "referral")
    assert "conversation" not in widget.asks[-1]  # a new chat has none to send
    token = widget.last["conversation"]

    # Alone, this is not a mixing question; after the last one it is, and stays referred.
    second = widget.ask("only a glass of wine, though?")
    assert widget.asks[-1]["conversation"] == token
    expect(second).to_have_attribute("data-kind", "referral")

    # The conversation is kept for the open chat across a reload of the tab...
    token = widget.last["conversation"]
    widget.page.reload()
    expect(widget.panel).to_be_visible()
    widget.ask("and with beer?")
    assert widget.asks[-1]["conversation"] == token
    expect(widget.replies.last).to_have_attribute("data-kind", "referral")

    # ...and another tab is another chat, with no conversation to send.
    other = Widget(context.new_page()).goto(widget_setup.page_url)
    other.open()
    other.ask("What is kratom?")
    assert "conversation" not in other.asks[-1]


def test_a_followup_button_asks_in_the_same_conversation(widget: Widget) -> None:
    widget.open()
    reply = widget.ask("What does the article say about red vein kratom?")
    expect(reply).to_have_attribute("data-kind", "answer")
    followups = widget.last["followups"]
    assert followups, "the answer carries no followups"
    buttons = reply.locator("button.followup")
    expect(buttons).to_have_text([f["question"] for f in followups])
    expect(reply.get_by_role("group", name="Ask next")).to_be_visible()
    token = widget.last["conversation"]

    # Keyboard only: Tab from the composer's side until the first followup has focus.
    widget.input.focus()
    for _ in range(30):
        if "followup" in (widget.active() or ""):
            break
        widget.page.keyboard.press("Shift+Tab")
    assert "followup" in (widget.active() or ""), "the followup buttons are not reachable"
    focused = widget.shadow_eval("r => r.activeElement.textContent")
    with widget.page.expect_response(lambda r: r.url.endswith("/api/v1/ask")
                                     and r.request.method == "POST") as info:
        widget.page.keyboard.press("Enter")
    asked = widget.asks[-1]
    assert asked["question"] == focused
    assert asked["conversation"] == token
    answer = info.value.json()
    assert answer["kind"] == "answer"
    assert answer["faq_id"] in {f["faq_id"] for f in followups}
    expect(widget.replies.last).to_have_attribute("data-kind", "answer")
