"""Charts as inline SVG, rendered on the server: no chart library, no script, no CDN.

Colours are SVG presentation attributes (the CSP forbids inline styles) and every chart carries a
text alternative; the templates add the numbers as a table as well.
"""

from __future__ import annotations

import math
from datetime import date

from markupsafe import Markup, escape

# Colours with at least 4.5:1 contrast against white (WCAG AA for the graphical objects and labels).
ANSWERED = "#1f5f99"
ABSTAINED = "#8a5a00"
REFUSED = "#a3333d"
NEUTRAL = "#3d5a80"
GRID = "#d5dbe3"
TEXT = "#1f2933"


def _text(x: float, y: float, content: str, *, anchor: str = "start", css: str = "chart-label") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" class="{css}" fill="{TEXT}">'
        f"{escape(content)}</text>"
    )


def _nice_max(value: int) -> int:
    """The top of the y axis: four equal, whole-numbered, round steps."""
    raw = max(value, 1) / 4
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(
        m * magnitude
        for m in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)
        if m * magnitude >= raw and float(m * magnitude).is_integer()
    )
    return int(step * 4)


def daily_bars(per_day: list[tuple[date, int, int, int, int]], *, title: str) -> Markup:
    """Stacked columns per day: beantwortet / ohne Quelle / abgelehnt."""
    width, height = 760, 240
    left, right, top, bottom = 40, 10, 12, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = _nice_max(max((row[1] for row in per_day), default=0))
    slot = plot_w / max(len(per_day), 1)
    bar = max(2.0, min(28.0, slot * 0.7))
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        'xmlns="http://www.w3.org/2000/svg">'
    ]
    for tick in range(5):
        value = peak * tick / 4
        y = top + plot_h - plot_h * tick / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(_text(left - 6, y + 4, f"{value:.0f}", anchor="end"))
    label_every = max(1, math.ceil(len(per_day) / 12))
    for i, (day, total, answered, abstained, refused) in enumerate(per_day):
        x = left + slot * i + (slot - bar) / 2
        y = top + plot_h
        tip = (
            f"{day:%d.%m.%Y}: {total} Fragen – {answered} beantwortet, {abstained} ohne Quelle, "
            f"{refused} abgelehnt"
        )
        parts.append(f"<g><title>{escape(tip)}</title>")
        for count, colour in ((answered, ANSWERED), (abstained, ABSTAINED), (refused, REFUSED)):
            if count:
                h = plot_h * count / peak
                y -= h
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{colour}"/>'
                )
        parts.append("</g>")
        if i % label_every == 0:
            parts.append(_text(x + bar / 2, height - bottom + 16, f"{day:%d.%m.}", anchor="middle"))
    parts.append("</svg>")
    return Markup("".join(parts))


def horizontal_bars(items: list[tuple[str, int]], *, title: str, colour: str = NEUTRAL) -> Markup:
    """One row per item: the label and count as text (crisp at any width), the bar as a small SVG."""
    peak = max((count for _, count in items), default=0) or 1
    rows = []
    for label, count in items:
        share = 100 * count / peak
        rows.append(
            f'<li><span class="hbar-label" title="{escape(label)}">{escape(label)}</span>'
            '<svg class="hbar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" '
            f'xmlns="http://www.w3.org/2000/svg"><title>{escape(label)}: {count}</title>'
            f'<rect x="0" y="0" width="100" height="10" fill="{GRID}"/>'
            f'<rect x="0" y="0" width="{share:.1f}" height="10" fill="{colour}"/></svg>'
            f'<span class="hbar-value">{count}</span></li>'
        )
    return Markup(f'<ul class="hbars" aria-label="{escape(title)}">{"".join(rows)}</ul>')


def rate_bar(rate: float, *, colour: str, title: str) -> Markup:
    """A thin bar for a share between 0 and 1, under the big number on a KPI card."""
    width = max(0.0, min(1.0, rate)) * 200
    return Markup(
        f'<svg class="rate-bar" viewBox="0 0 200 8" role="img" aria-label="{escape(title)}" '
        'xmlns="http://www.w3.org/2000/svg">'
        f'<rect x="0" y="0" width="200" height="8" rx="4" fill="{GRID}"/>'
        f'<rect x="0" y="0" width="{width:.1f}" height="8" rx="4" fill="{colour}"/></svg>'
    )
