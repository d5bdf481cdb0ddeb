"""Charts as server-side SVG: pure functions, data in, an SVG string out (no Django, no JS).

The CSP forbids inline style (style-src 'self'), so the SVG carries only presentation attributes
(fill, x, y, width…) and classes that static/css/workbench.css may restyle; no `style=`, no
<style>. Every text is XML-escaped. Each chart has a <title> and a <desc> (role="img"), and the
page shows the same figures in a table beneath it, so a screen reader and a printout lose nothing.

Numbers are written the Vietnamese way: 1.234 for thousands, 85,5 for decimals.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Sequence
from xml.sax.saxutils import escape, quoteattr

# Series colours (colour-blind safe, dark enough for white text); classes s0, s1… carry the same.
PALETTE = ("#0b4f8a", "#c77700", "#1e6b34", "#8a2be2", "#b3261e", "#5f6368")
WIDTH = 640
BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 230
VALUE_WIDTH = 70
FONT = "sans-serif"


def vn_number(value: float | int | Decimal | None, decimals: int = 0) -> str:
    """1234.5 → "1.234,5" (decimals as asked, trailing zeros of a fraction kept); None → "—"."""
    if value is None:
        return "—"
    text = f"{float(value):,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _text(value: str) -> str:
    return escape(str(value))


def _attr(value: str) -> str:
    return quoteattr(str(value))


def _shorten(label: str, limit: int = 34) -> str:
    label = str(label)
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _open(chart_id: str, title: str, desc: str, width: int, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id={_attr(chart_id)} role="img" '
        f'aria-labelledby={_attr(chart_id + "-t " + chart_id + "-d")} viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-family="{FONT}" font-size="13">',
        f'<title id={_attr(chart_id + "-t")}>{_text(title)}</title>',
        f'<desc id={_attr(chart_id + "-d")}>{_text(desc)}</desc>',
    ]


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    # What is written at the end of the bar (defaults to the value in Vietnamese notation).
    shown: str | None = None
    highlight: bool = False


def bar_chart(chart_id: str, title: str, bars: Sequence[Bar], *, max_value: float | None = None, decimals: int = 0) -> str:
    """Horizontal bars, one per row, lengths proportional to the value (0 at the left edge).

    `max_value` fixes the scale (e.g. 100 for percentages); otherwise the largest value fills
    the plot. Negative values are drawn as 0 (they do not occur in these charts)."""
    values = [max(0.0, float(b.value)) for b in bars]
    top = float(max_value) if max_value else max(values, default=0.0)
    # The label column fits the longest (shortened) label: about 7 px a character at 13 px.
    label_width = min(LABEL_WIDTH, max(48, 16 + 7 * max((len(_shorten(b.label)) for b in bars), default=0)))
    plot = WIDTH - label_width - VALUE_WIDTH
    height = max(1, len(bars)) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP
    desc = "; ".join(f"{b.label}: {b.shown or vn_number(b.value, decimals)}" for b in bars) or "Chưa có số liệu"
    out = _open(chart_id, title, desc, WIDTH, height)
    if not bars:
        out.append(f'<text x="8" y="{BAR_GAP + 15}" fill="#5f6368">Chưa có số liệu</text>')
    for i, (bar, value) in enumerate(zip(bars, values)):
        y = BAR_GAP + i * (BAR_HEIGHT + BAR_GAP)
        length = 0.0 if top <= 0 else plot * min(value, top) / top
        css = "bar hl" if bar.highlight else "bar"
        fill = PALETTE[1] if bar.highlight else PALETTE[0]
        out.append(
            f'<text class="label" x="{label_width - 8}" y="{y + 15}" text-anchor="end" fill="#1f2328">{_text(_shorten(bar.label))}</text>'
        )
        out.append(
            f'<rect class="{css}" x="{label_width}" y="{y}" width="{length:.2f}" height="{BAR_HEIGHT}" fill="{fill}">'
            f"<title>{_text(bar.label)}: {_text(bar.shown or vn_number(bar.value, decimals))}</title></rect>"
        )
        out.append(
            f'<text class="value" x="{label_width + length + 6:.2f}" y="{y + 15}" fill="#1f2328">'
            f"{_text(bar.shown or vn_number(bar.value, decimals))}</text>"
        )
    out.append("</svg>")
    return "".join(out)


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float, ...]


def stacked_chart(chart_id: str, title: str, categories: Sequence[str], series: Sequence[Series]) -> str:
    """Vertical stacked columns, one per category (e.g. a year), one colour per series (e.g. a
    kind of award), with a legend. Column heights are proportional to the category's total."""
    count = len(categories)
    totals = [sum(max(0.0, float(s.values[i])) for s in series) for i in range(count)]
    top = max(totals, default=0.0)
    legend_rows = len(series)
    plot_top, plot_height = 24, 200
    height = plot_top + plot_height + 30 + legend_rows * 20 + 8
    left, right = 48, WIDTH - 16
    slot = (right - left) / max(1, count)
    column = min(56.0, slot * 0.6)
    desc = "; ".join(
        f"{cat}: " + ", ".join(f"{s.name} {vn_number(s.values[i])}" for s in series) + f" (tổng {vn_number(totals[i])})"
        for i, cat in enumerate(categories)
    ) or "Chưa có số liệu"
    out = _open(chart_id, title, desc, WIDTH, height)
    base = plot_top + plot_height
    out.append(f'<line class="axis" x1="{left}" y1="{base}" x2="{right}" y2="{base}" stroke="#5f6368" stroke-width="1"/>')
    if not count or top <= 0:
        out.append(f'<text x="{left + 8}" y="{base - 8}" fill="#5f6368">Chưa có số liệu</text>')
    for i, category in enumerate(categories):
        x = left + i * slot + (slot - column) / 2
        y = float(base)
        for k, s in enumerate(series):
            value = max(0.0, float(s.values[i]))
            if value <= 0 or top <= 0:
                continue
            h = plot_height * value / top
            y -= h
            out.append(
                f'<rect class="seg s{k % len(PALETTE)}" x="{x:.2f}" y="{y:.2f}" width="{column:.2f}" height="{h:.2f}" '
                f'fill="{PALETTE[k % len(PALETTE)]}"><title>{_text(category)} — {_text(s.name)}: {_text(vn_number(value))}</title></rect>'
            )
        if top > 0:
            out.append(f'<text class="value" x="{x + column / 2:.2f}" y="{y - 5:.2f}" text-anchor="middle" fill="#1f2328">{_text(vn_number(totals[i]))}</text>')
        out.append(f'<text class="label" x="{x + column / 2:.2f}" y="{base + 18}" text-anchor="middle" fill="#1f2328">{_text(category)}</text>')
    for k, s in enumerate(series):
        y = base + 30 + k * 20
        out.append(f'<rect class="seg s{k % len(PALETTE)}" x="{left}" y="{y}" width="12" height="12" fill="{PALETTE[k % len(PALETTE)]}"/>')
        out.append(f'<text class="legend" x="{left + 18}" y="{y + 11}" fill="#1f2328">{_text(s.name)}</text>')
    out.append("</svg>")
    return "".join(out)
