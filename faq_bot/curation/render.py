"""The curator's report rendered as plain text, JSON, or an HTML page with SVG charts drawn here
on the server (no script, no chart library, nothing fetched from elsewhere)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from faq_bot.core.replies import KINDS
from faq_bot.curation.report import SAFETY, Report

TEMPLATES = Path(__file__).resolve().parent / "templates"
FORMATS = ("text", "json", "html")

KIND_COLOURS = {"answer": "#2e7d32", "referral": "#e65100", "emergency": "#c62828",
                "clarify": "#1565c0", "fallback": "#616161", "smalltalk": "#6a1b9a"}
CHANNEL_COLOURS = {"web": "#00695c", "slack": "#4a154b", "api": "#37474f", "cli": "#8d6e63"}
OTHER_COLOUR = "#9e9e9e"

_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                   trim_blocks=True, lstrip_blocks=True)


def render(report: Report, fmt: str) -> str:
    """`report` in one of FORMATS."""
    if fmt == "json":
        return render_json(report)
    if fmt == "html":
        return render_html(report)
    return render_text(report)


def render_json(report: Report) -> str:
    """The report as indented JSON."""
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False)


def _period(report: Report) -> str:
    return (f"{report.start:%Y-%m-%d %H:%M} to {report.end:%Y-%m-%d %H:%M} UTC "
            f"({_span(report)})")


def _span(report: Report) -> str:
    seconds = (report.end - report.start).total_seconds()
    if seconds >= 86400 and seconds % 86400 == 0:
        days = int(seconds // 86400)
        return f"last {days} day{'s' if days != 1 else ''}"
    hours = seconds / 3600
    return f"last {hours:g} hour{'s' if hours != 1 else ''}"


def _counts(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items() if v) or "none"


def render_text(report: Report) -> str:
    """The report as plain text for a terminal."""
    out = [f"Curator's report: {_period(report)}",
           f"Events are kept for {report.retention_days} days.", ""]
    out.append(f"Replies: {report.total} ({_counts(report.by_kind)})")
    out.append(f"By channel: {_counts(report.by_channel)}")
    active = [d for d in report.days if report.by_day_kind.get(d)]
    if active:
        kinds = [k for k in KINDS if report.by_kind.get(k)]
        channels = report.channels
        out += ["", "Replies by day"]
        header = ["day       ", *(f"{k:>9}" for k in kinds), "  |", *(f"{c:>6}" for c in channels)]
        out.append("  " + " ".join(header))
        for d in active:
            row = report.by_day_kind.get(d, {})
            by_ch = report.by_day_channel.get(d, {})
            out.append("  " + " ".join([d.isoformat(), *(f"{row.get(k, 0):>9}" for k in kinds),
                                        "  |", *(f"{by_ch.get(c, 0):>6}" for c in channels)]))
    out += ["", f"Unanswered questions (clarify and fallback): {report.unanswered}, "
                f"in {report.cluster_count} cluster{'s' if report.cluster_count != 1 else ''}"
                + (f" (the largest {len(report.clusters)} shown)"
                   if report.cluster_count > len(report.clusters) else "")]
    for i, c in enumerate(report.clusters, 1):
        why = _counts(c.kinds) + (f"; {_counts(c.topics)}" if c.topics else "")
        out.append(f"  {i:>2}. {c.count} x \"{c.examples[0]}\"  ({why})")
        for example in c.examples[1:]:
            out.append(f"        also: \"{example}\"")
        if c.closest is not None:
            out.append(f"        closest entry: {c.closest.faq_id} \"{c.closest.question}\" "
                       f"(score {c.closest.score:.2f})")
        else:
            out.append("        closest entry: none shares a word")
    out += ["", f"Feedback: {report.votes} vote{'s' if report.votes != 1 else ''} "
                f"({report.helpful} helpful, {report.not_helpful_total} not helpful)"
                + (f"; by channel: {_counts(report.votes_by_channel)}" if report.votes else "")]
    if report.not_helpful:
        out.append("  Most \"not helpful\":")
    for v in report.not_helpful:
        title = f"{v.key} \"{v.question}\"" if v.question else v.key
        out.append(f"  - {title}: {v.not_helpful} not helpful, {v.helpful} helpful")
        for comment in v.comments:
            out.append(f"      \"{comment}\"")
    out += ["", "Safety replies by topic (counted; their questions are never stored)"]
    for kind in SAFETY:
        out.append(f"  {kind}: {_counts(report.safety.get(kind, {}))}")
    return "\n".join(out) + "\n"


# --- SVG charts ------------------------------------------------------------------------------

def _nice_max(value: int) -> int:
    if value <= 5:
        return max(value, 1)
    step = 10 ** (len(str(value)) - 1)
    for m in (1, 2, 2.5, 5, 10):
        if value <= m * step:
            return int(m * step)
    return value


def stacked_bars(days: Sequence[date], series: Mapping[date, Mapping[str, int]],
                 keys: Sequence[str], colours: Mapping[str, str], title: str) -> Markup:
    """A stacked bar per day (one segment per key), as inline SVG with a title and legend."""
    width, height, left, right, top, bottom = 720, 240, 44, 12, 12, 60
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(series.get(d, {}).get(k, 0) for k in keys) for d in days]
    top_value = _nice_max(max(totals, default=0))
    n = max(len(days), 1)
    slot = plot_w / n
    bar = max(1.0, min(36.0, slot * 0.7))
    label_every = max(1, round(n / 10))
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    for frac in (0, 0.5, 1):
        y = top + plot_h * (1 - frac)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
                     'stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" '
                     f'class="axis">{round(top_value * frac):g}</text>')
    for i, d in enumerate(days):
        x = left + slot * i + (slot - bar) / 2
        y = top + plot_h
        for k in keys:
            value = series.get(d, {}).get(k, 0)
            if not value:
                continue
            h = plot_h * value / top_value
            y -= h
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                         f'fill="{colours.get(k, OTHER_COLOUR)}"><title>{d.isoformat()}: '
                         f'{escape(k)} {value}</title></rect>')
        if i % label_every == 0:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{top + plot_h + 14}" '
                         f'text-anchor="middle" class="axis">{d:%m-%d}</text>')
    x = left
    for k in keys:
        parts.append(f'<rect x="{x}" y="{height - 22}" width="12" height="12" '
                     f'fill="{colours.get(k, OTHER_COLOUR)}"/>')
        parts.append(f'<text x="{x + 16}" y="{height - 12}" class="legend">{escape(k)}</text>')
        x += 24 + 8 * len(k)
    parts.append("</svg>")
    return Markup("".join(parts))


def hbars(items: Sequence[tuple[str, int]], colour: str | Mapping[str, str],
          title: str) -> Markup:
    """Horizontal bars, one per (label, value), as inline SVG."""
    width, row, left, right = 720, 24, 190, 56
    height = max(1, len(items)) * row + 8
    top_value = max((v for _, v in items), default=0) or 1
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    if not items:
        parts.append(f'<text x="0" y="{row - 6}" class="axis">nothing in this period</text>')
    for i, (label, value) in enumerate(items):
        y = 4 + i * row
        w = (width - left - right) * value / top_value
        fill = colour if isinstance(colour, str) else colour.get(label, OTHER_COLOUR)
        shown = label if len(label) <= 28 else label[:27] + "…"
        parts.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" '
                     f'class="legend">{escape(shown)}</text>')
        parts.append(f'<rect x="{left}" y="{y + 2}" width="{max(w, 1):.1f}" height="{row - 6}" '
                     f'fill="{fill}"><title>{escape(label)}: {value}</title></rect>')
        parts.append(f'<text x="{left + max(w, 1) + 6:.1f}" y="{y + 15}" '
                     f'class="axis">{value}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def charts(report: Report) -> dict[str, Markup]:
    """Every chart of the HTML report."""
    kinds = [k for k in KINDS if report.by_kind.get(k)] or list(KINDS)
    safety_items = [(f"{kind}: {topic}", n) for kind in SAFETY
                    for topic, n in report.safety.get(kind, {}).items()]
    safety_colours = {label: KIND_COLOURS[label.split(":")[0]] for label, _ in safety_items}
    return {
        "by_kind": stacked_bars(report.days, report.by_day_kind, kinds, KIND_COLOURS,
                                "Replies per day, by kind"),
        "by_channel": stacked_bars(report.days, report.by_day_channel, report.channels,
                                   CHANNEL_COLOURS, "Replies per day, by channel"),
        "clusters": hbars([(c.examples[0], c.count) for c in report.clusters[:15]],
                          KIND_COLOURS["fallback"], "The largest clusters of unanswered questions"),
        "safety": hbars(safety_items, safety_colours, "Referral and emergency replies by topic"),
    }


def render_html(report: Report, links: Sequence[tuple[str, str, bool]] = ()) -> str:
    """The report as a self-contained HTML page; `links` are (label, href, is_current) choices
    of period."""
    template = _env.get_template("admin.html")
    return template.render(report=report, charts=charts(report), period=_period(report),
                           kinds=KIND_COLOURS, links=links, safety_kinds=SAFETY)
