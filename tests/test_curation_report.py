"""The curator's report on SQLite and a real PostgreSQL: its numbers, clusters and votes; the
`faq-bot report` command in its three formats; proposed alternates that pass `faq-bot check`;
and the token-protected `/admin` page."""

from __future__ import annotations

import base64
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from faq_bot import create_app
from faq_bot.cli import main
from faq_bot.config import Settings
from faq_bot.core.doses import has_dose_amount
from faq_bot.core.faq.model import Faq
from faq_bot.core.normalize import normalise
from faq_bot.core.safety import assess
from faq_bot.curation.hooks import curation
from faq_bot.curation.report import Report, cluster_questions, parse_since
from faq_bot.curation.suggest import Suggestion, _passing_check, acceptable
from faq_bot.services import services

TOKEN = "s3cret-admin-token-for-tests"
# The charts a curator reads, each an inline SVG named by its title for screen readers.
CHART_TITLES = ("Replies per day, by kind", "Replies per day, by channel",
                "The largest clusters of unanswered questions",
                "Referral and emergency replies by topic")
# (question, channel, times): a week's worth of traffic in miniature.
TRAFFIC = [
    ("What is kratom?", "web", 3),
    ("is kratom good for sleep", "slack", 2),
    ("is kratom legal in texas", "web", 2),
    ("is kratom legal in the uk", "api", 1),
    ("Is kratom legal in Texas?", "web", 1),
    ("does kratom show up on a drug test", "web", 2),
    ("will kratom show up on a drug test for work", "api", 1),
    # Answered from what-is-kratom by the learned entry model (no phrasing is close).
    ("is kratom a tropical tree or a shrub", "web", 2),
    ("is kratom relaxing before bed", "slack", 1),
    ("does kratom calm your mind at night", "web", 1),
    ("what's the weather in bangkok", "api", 1),
    ("how many grams should I take", "web", 2),
    ("can i mix kratom with xanax", "web", 1),
    ("I think I overdosed", "api", 1),
    ("hello", "web", 1),
]


def seed(app: Flask) -> dict[str, list[str]]:
    """Ask TRAFFIC through the app and vote on some answers; reply ids by question."""
    client = app.test_client()
    ids: dict[str, list[str]] = {}
    for question, channel, times in TRAFFIC:
        for _ in range(times):
            response = client.post("/api/v1/ask", json={"question": question,
                                                        "channel": channel})
            assert response.status_code == 200
            ids.setdefault(question, []).append(response.get_json()["id"])
    what = ids["What is kratom?"]
    for reply_id, helpful, comment in [(what[0], False, "Does not say what it does to sleep"),
                                       (what[1], False, None), (what[2], True, None)]:
        body = {"reply_id": reply_id, "helpful": helpful, "comment": comment, "channel": "web"}
        assert client.post("/api/v1/feedback", json=body).status_code == 204
    assert curation(app).recorder.flush(10)
    return ids


# The order the report lists the kinds in.
KINDS = ("answer", "referral", "emergency", "clarify", "fallback", "smalltalk")


def replied_kinds(app: Flask) -> Counter[str]:
    """What the app's engine replies to TRAFFIC, asked of it directly: the report must count the
    same. Two questions ("is kratom relaxing before bed", "does kratom calm your mind at night")
    sit between a clarify and a fallback as the entry model is retrained; the other kinds are
    fixed, and both of those are unanswered either way."""
    engine = services(app).store.engine
    kinds: Counter[str] = Counter()
    for question, _, times in TRAFFIC:
        kinds[engine.ask(question).kind] += times
    assert {k: kinds[k] for k in ("answer", "referral", "emergency", "smalltalk")} == {
        "answer": 7, "referral": 3, "emergency": 1, "smalltalk": 1}
    assert kinds["clarify"] + kinds["fallback"] == 10
    return kinds


def build(app: Flask, since: str = "7d") -> Report:
    """The app's report."""
    return curation(app).report(services(app).store.engine.matcher, parse_since(since))


# --- the report's content, on both databases ------------------------------------------------

def test_the_report_counts_clusters_and_lists_votes(curation_app: Flask) -> None:
    seed(curation_app)
    report = build(curation_app)
    total = sum(times for _, _, times in TRAFFIC)
    assert report.total == total
    assert {k: n for k, n in report.by_kind.items() if n} == +replied_kinds(curation_app)
    assert report.by_channel == {"web": 15, "api": 4, "slack": 3}
    [today] = [d for d in report.days if report.by_day_kind.get(d)]
    assert sum(report.by_day_kind[today].values()) == total
    assert report.by_day_channel[today] == report.by_channel
    assert report.unanswered == 10
    # "legal in texas" (3 ways) and "in the uk" are one need; so are the two drug-test questions.
    legal, drug = report.clusters[0], report.clusters[1]
    assert legal.count == 4 and [normalise(e) for e in legal.examples] == [
        "is kratom legal in texas", "is kratom legal in the uk"]
    assert legal.topics == {"legal": 4}
    assert drug.count == 3 and len(drug.examples) == 2
    assert drug.closest is not None and drug.closest.score > 0
    weather = next(c for c in report.clusters if "weather" in c.examples[0])
    assert weather.count == 1
    assert sum(c.count for c in report.clusters) == report.unanswered
    assert (report.votes, report.helpful, report.not_helpful_total) == (3, 1, 2)
    [worst] = report.not_helpful
    assert (worst.key, worst.question, worst.not_helpful, worst.helpful) == (
        "what-is-kratom", "What is kratom?", 2, 1)
    assert worst.comments == ["Does not say what it does to sleep"]
    assert report.safety == {"referral": {"dosing": 2, "interaction": 1},
                             "emergency": {"overdose": 1}}


def test_the_period_leaves_out_older_events(curation_app: Flask) -> None:
    seed(curation_app)
    later = build(curation_app, "7d")
    assert later.total > 0
    cur = curation(curation_app)
    matcher = services(curation_app).store.engine.matcher
    # The same events seen from nine days on: a seven-day window holds none of them.
    from faq_bot.curation.store import utcnow

    future = cur.report(matcher, timedelta(days=7), now=utcnow() + timedelta(days=9))
    assert (future.total, future.unanswered, future.votes) == (0, 0, 0)
    assert len(future.days) == 8


@pytest.mark.parametrize(("text", "period"), [
    ("30m", timedelta(minutes=30)), ("12h", timedelta(hours=12)), ("7d", timedelta(days=7)),
    ("2w", timedelta(weeks=2)), (" 7D ", timedelta(days=7)),
], ids=["minutes", "hours", "days", "weeks", "spaces-and-case"])
def test_periods(text: str, period: timedelta) -> None:
    assert parse_since(text) == period


@pytest.mark.parametrize("text", ["", "7", "d", "-1d", "0d", "1.5d", "7y", "3651d", "7 d"])
def test_bad_periods(text: str) -> None:
    with pytest.raises(ValueError, match=r"period|at most"):
        parse_since(text)


def test_clustering_keeps_one_shared_word_apart() -> None:
    rows = [(q, "fallback", None) for q in [
        "what does kratom taste like", "what does kratom taste like",
        "is kratom banned in my state",
        "best mattress for side sleepers", "best mattress for side sleepers?",
        "who won the super bowl", "who won the super bowl last year",
    ]]
    clusters = {frozenset(normalise(e) for e in c.examples): c.count
                for c in cluster_questions(rows)}
    assert clusters == {
        frozenset({"what does kratom taste like"}): 2,
        frozenset({"best mattress for side sleepers"}): 2,
        frozenset({"who won the super bowl", "who won the super bowl last year"}): 2,
        frozenset({"is kratom banned in my state"}): 1,
    }


# --- faq-bot report -------------------------------------------------------------------------

@pytest.fixture
def seeded(curation_app: Flask) -> Flask:
    """`curation_app` after TRAFFIC."""
    seed(curation_app)
    return curation_app


def run_report(app: Flask, *args: str) -> Any:
    """`faq-bot report ARGS` against the app's database."""
    settings = services(app).settings
    env = {"FAQ_BOT_DATABASE_URL": curation(app).db.url.render_as_string(hide_password=False),
           "FAQ_BOT_DATA_DIR": str(settings.data_dir)}
    return CliRunner().invoke(main, ["report", *args], env=env, catch_exceptions=False)


def test_report_as_text(seeded: Flask) -> None:
    result = run_report(seeded)
    assert result.exit_code == 0, result.output
    out = result.output
    kinds = replied_kinds(seeded)
    assert f"Replies: 22 ({', '.join(f'{k} {kinds[k]}' for k in KINDS if kinds[k])})" in out
    assert "By channel: web 15, api 4, slack 3" in out
    assert re.search(r'1\. 4 x "is kratom legal in texas"', out)
    assert "closest entry: " in out
    assert 'what-is-kratom "What is kratom?": 2 not helpful, 1 helpful' in out
    assert '"Does not say what it does to sleep"' in out
    assert "referral: dosing 2, interaction 1" in out and "emergency: overdose 1" in out
    # Counted, never stored: no safety question's text can appear.
    assert "how many grams" not in out and "xanax" not in out.lower()


def test_report_as_json(seeded: Flask) -> None:
    result = run_report(seeded, "--format", "json", "--since", "1d")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["replies"]["total"] == 22
    assert data["unanswered"]["clusters"][0]["count"] == 4
    assert data["feedback"]["most_not_helpful"][0]["key"] == "what-is-kratom"
    assert data["safety"]["emergency"] == {"overdose": 1}
    assert data["period"]["days"] == 2


def test_report_as_html_has_svg_charts(seeded: Flask) -> None:
    result = run_report(seeded, "--format", "html")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("<!doctype html>")
    for title in CHART_TITLES:
        assert f'aria-label="{title}"' in result.output, title
    assert "<script" not in result.output


def test_report_with_a_bad_period_is_a_usage_error(seeded: Flask) -> None:
    result = run_report(seeded, "--since", "forever")
    assert result.exit_code == 2
    assert "--since" in result.output


# --- proposed alternates --------------------------------------------------------------------

def merge_into(faq_dir: Path, proposals: dict[str, Any]) -> int:
    """Copy every proposed alternate into faq_dir/faq.yaml, as a curator would; how many."""
    path = faq_dir / "faq.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = {e["id"]: e for e in data["entries"]}
    added = 0
    for item in proposals["entries"]:
        entries[item["id"]]["alternates"].extend(item["alternates"])
        added += len(item["alternates"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return added


def test_suggested_alternates_pass_faq_bot_check(seeded: Flask, tmp_path: Path,
                                                 faq_copy: Path, faq: Faq) -> None:
    out = tmp_path / "proposed.yaml"
    result = run_report(seeded, "--suggest", str(out))
    assert result.exit_code == 0, result.output
    proposals = yaml.safe_load(out.read_text(encoding="utf-8"))
    alternates = {a: item["id"] for item in proposals["entries"] for a in item["alternates"]}
    assert alternates == {
        "is kratom relaxing before bed": "how-kratom-helps-you-fall-asleep",
        "does kratom calm your mind at night": "how-kratom-helps-you-fall-asleep",
    }
    known = {normalise(p) for e in faq.entries for p in e.phrasings}
    for text in alternates:
        assert not has_dose_amount(text) and assess(text) is None
        assert normalise(text) not in known
    # Nothing was added to the FAQ itself.
    assert "or a shrub" not in (faq_copy.parent / "faq_data" / "faq.yaml").read_text()
    assert merge_into(faq_copy, proposals) == 2
    check = CliRunner().invoke(main, ["check", "--data-dir", str(faq_copy)])
    assert check.exit_code == 0, check.output


@pytest.mark.parametrize(("text", "ok"), [
    ("is kratom relaxing before bed", True),
    ("how many grams before bed", False),
    ("is kratom legal before bed", False),
    ("where can i buy kratom before bed", False),
    ("kratom before bed, ask [email]", False),
    ("hello", False),
    ("What is kratom?", False),
    ("", False),
    ("is kratum relaxing before bed", True),
    ("does alcohol ruin your sleep quality", False),
    ("What are the downsides of kratom? I keep reading it's natural so it must be harmless but "
     "I'm not sure that's true", False),
], ids=["fine", "dosing", "legal", "vendor", "scrubbed", "smalltalk", "already-a-phrasing",
        "empty", "typo-of-kratom", "not-about-kratom", "a-story-not-a-phrasing"])
def test_what_may_be_proposed(faq: Faq, text: str, ok: bool) -> None:
    known = {normalise(p) for e in faq.entries for p in e.phrasings}
    assert acceptable(text, known) is ok


def test_a_proposal_the_checker_refuses_is_dropped(data_dir: Path) -> None:
    good = Suggestion("what-is-kratom", "What is kratom?", "kratom homeland", 2, 0.5, {})
    # Slipped past the filters (say a new rule in the checker): the checker still has the word.
    bad = Suggestion("what-is-kratom", "What is kratom?", "take five grams of it", 1, 0.5, {})
    assert _passing_check([good, bad], data_dir, None) == [good]


# --- GET /admin -----------------------------------------------------------------------------

@pytest.fixture
def admin_app(settings: Settings, tmp_path: Path) -> Iterator[Flask]:
    """An app with the admin page on, after TRAFFIC (SQLite: the page is the same on both)."""
    app = create_app(replace(settings, curation=True, instance_dir=tmp_path, admin_token=TOKEN))
    seed(app)
    yield app
    curation(app).close()


def basic(user: str, password: str) -> str:
    """An HTTP Basic Authorization value."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def get_admin(client: FlaskClient, auth: str | None, query: str = "") -> Any:
    """GET /admin with an Authorization header (or none)."""
    headers = {"Authorization": auth} if auth else {}
    return client.get("/admin" + query, headers=headers)


def test_admin_page_on_each_database(curation_settings: Settings) -> None:
    app = create_app(replace(curation_settings, admin_token=TOKEN))
    try:
        seed(app)
        response = get_admin(app.test_client(), f"Bearer {TOKEN}")
    finally:
        curation(app).close()
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "is kratom legal in texas" in page and "Does not say what it does to sleep" in page


def test_admin_is_off_while_no_token_is_set(settings: Settings, tmp_path: Path) -> None:
    app = create_app(replace(settings, curation=True, instance_dir=tmp_path))
    response = get_admin(app.test_client(), f"Bearer {TOKEN}")
    curation(app).close()
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("auth", [
    pytest.param(None, id="no-header"),
    pytest.param("Bearer wrong-token", id="wrong-bearer"),
    pytest.param(f"Bearer {TOKEN}x", id="longer-token"),
    pytest.param(f"Bearer {TOKEN[:-1]}", id="prefix-of-token"),
    pytest.param(TOKEN, id="no-scheme"),
    pytest.param(basic("curator", "wrong"), id="wrong-basic"),
    pytest.param("Basic !!!not-base64", id="garbled-basic"),
])
def test_admin_without_the_token_is_401(admin_app: Flask, auth: str | None) -> None:
    response = get_admin(admin_app.test_client(), auth)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer ")
    assert "no-store" in response.headers["Cache-Control"]
    assert TOKEN not in response.get_data(as_text=True)


def test_the_token_is_never_taken_from_the_url(admin_app: Flask) -> None:
    response = get_admin(admin_app.test_client(), None, f"?token={TOKEN}")
    assert response.status_code == 401


@pytest.mark.parametrize("auth", [pytest.param(f"Bearer {TOKEN}", id="bearer"),
                                  pytest.param(f"bearer {TOKEN}", id="bearer-lowercase"),
                                  pytest.param(basic("anyone", TOKEN), id="basic-password")])
def test_admin_with_the_token_shows_the_report(admin_app: Flask, auth: str) -> None:
    response = get_admin(admin_app.test_client(), auth)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    h = response.headers
    assert "no-store" in h["Cache-Control"]
    assert h["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in h["Content-Security-Policy"]
    assert "script-src" not in h["Content-Security-Policy"]  # default-src 'none' covers it
    page = response.get_data(as_text=True)
    for title in CHART_TITLES:
        assert f'aria-label="{title}"' in page, title
    assert "is kratom legal in texas" in page and "what-is-kratom" in page
    assert "Does not say what it does to sleep" in page
    assert "<script" not in page


def test_admin_escapes_what_people_typed(admin_app: Flask) -> None:
    client = admin_app.test_client()
    question = 'is kratom legal? <script>alert("x")</script> <img src=x onerror=alert(1)>'
    assert client.post("/api/v1/ask", json={"question": question}).get_json()["kind"] == \
        "fallback"
    assert curation(admin_app).recorder.flush(10)
    page = get_admin(client, f"Bearer {TOKEN}").get_data(as_text=True)
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;" in page


@pytest.mark.parametrize(("query", "status"), [("?since=24h", 200), ("?since=30d", 200),
                                                ("?since=soon", 400), ("?since=0d", 400)],
                         ids=["24h", "30d", "word", "zero"])
def test_admin_period(admin_app: Flask, query: str, status: int) -> None:
    response = get_admin(admin_app.test_client(), f"Bearer {TOKEN}", query)
    assert response.status_code == status
    if status == 400:
        assert response.get_json()["error"]["code"] == "invalid_since"


def test_admin_with_curation_off_is_404(settings: Settings) -> None:
    app = create_app(replace(settings, admin_token=TOKEN, curation=False))
    response = get_admin(app.test_client(), f"Bearer {TOKEN}")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "curation_off"
