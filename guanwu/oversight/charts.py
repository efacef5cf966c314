"""Tiny server-side SVG charts for the oversight dashboard (issue 7: drawn on the server, no
JavaScript library, no CDN).

Each function returns inline SVG markup, marked safe, every text escaped. The SVG is an image
with a title (``role="img"``, ``aria-labelledby``); the page gives the same numbers as a table,
the accessible alternative. Colours meet 3:1 contrast against white; values are also written
as text, so nothing is told by colour alone.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#1f6f8b", "#c0582b", "#5a7d2a", "#7a4f9a")
TEXT = "#262626"
GRID = "#d9d9d9"
FONT = "font-family:inherit;font-size:13px"

_ids = itertools.count(1)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _open(width: int, height: int, title: str) -> tuple[str, str]:
    ident = f"chart-{next(_ids)}"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="oversight-chart" role="img" '
        f'aria-labelledby="{ident}" viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" style="max-width:{width}px;{FONT}">'
        f'<title id="{ident}">{escape(title)}</title>'
    )
    return head, ident


def _text(x: float, y: float, text: str, anchor: str = "start", weight: str = "normal") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{TEXT}" '
        f'font-weight="{weight}">{escape(text)}</text>'
    )


def _legend(series: Sequence[Series], x: float, y: float) -> str:
    parts = []
    for index, item in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        left = x + index * 120
        parts.append(
            f'<rect x="{left:.1f}" y="{y - 10:.1f}" width="12" height="12" fill="{colour}"/>'
        )
        parts.append(_text(left + 18, y, item.name))
    return "".join(parts)


def bar_chart(
    rows: Sequence[tuple[str, float | None]],
    *,
    title: str,
    max_value: float | None = None,
    fmt: Callable[[float | None], str] = number,
    width: int = 440,
) -> SafeString:
    """Horizontal bars, one per labelled row (long Chinese unit names fit on the left)."""
    bar, gap, label_width, top = 18, 8, 120, 8
    height = top + len(rows) * (bar + gap) + 8
    values = [v for _label, v in rows if v is not None]
    scale_max = max_value or max(values, default=0) or 1
    plot = width - label_width - 60
    head, _ident = _open(width, max(height, 40), title)
    parts = [head]
    for index, (label, value) in enumerate(rows):
        y = top + index * (bar + gap)
        short = label if len(label) <= 8 else label[:7] + "…"
        parts.append(_text(label_width - 8, y + bar - 4, short, anchor="end"))
        parts.append(
            f'<rect x="{label_width}" y="{y}" width="{plot}" height="{bar}" fill="#f2f2f2"/>'
        )
        if value is not None:
            length = max(plot * min(value / scale_max, 1), 1)
            parts.append(
                f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar}" '
                f'fill="{PALETTE[0]}"><title>{escape(label)}：{escape(fmt(value))}</title></rect>'
            )
        parts.append(_text(label_width + plot + 6, y + bar - 4, fmt(value)))
    if not rows:
        parts.append(_text(8, 24, "—"))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)  # nosec B308, B703


def _axes(
    labels: Sequence[str], scale_max: float, fmt: Callable[[float | None], str], box: tuple
) -> list[str]:
    left, top, plot_w, plot_h = box
    parts = []
    for step in range(5):
        value = scale_max * step / 4
        y = top + plot_h - plot_h * step / 4
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(_text(left - 6, y + 4, fmt(value), anchor="end"))
    slot = plot_w / max(len(labels), 1)
    for index, label in enumerate(labels):
        parts.append(_text(left + slot * (index + 0.5), top + plot_h + 16, label, anchor="middle"))
    return parts


def column_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    fmt: Callable[[float | None], str] = number,
    width: int = 440,
    height: int = 240,
) -> SafeString:
    """Vertical grouped columns, one group per label (e.g. cases received/answered a month)."""
    left, top, bottom = 44, 28, 28
    plot_w, plot_h = width - left - 10, height - top - bottom
    values = [v for s in series for v in s.values if v is not None]
    scale_max = _nice(max(values, default=0))
    head, _ident = _open(width, height, title)
    parts = [head, _legend(series, left, 14)]
    parts += _axes(labels, scale_max, fmt, (left, top, plot_w, plot_h))
    slot = plot_w / max(len(labels), 1)
    column = slot * 0.7 / max(len(series), 1)
    for s_index, item in enumerate(series):
        colour = PALETTE[s_index % len(PALETTE)]
        for index, value in enumerate(item.values):
            if value is None:
                continue
            h = plot_h * value / scale_max
            x = left + slot * index + slot * 0.15 + column * s_index
            y = top + plot_h - h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{column:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{escape(labels[index])} {escape(item.name)}：'
                f"{escape(fmt(value))}</title></rect>"
            )
            if value:
                parts.append(_text(x + column / 2, y - 3, fmt(value), anchor="middle"))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)  # nosec B308, B703


def line_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    max_value: float | None = None,
    fmt: Callable[[float | None], str] = number,
    width: int = 440,
    height: int = 240,
) -> SafeString:
    """Lines with a marker and a value at each point; a missing value breaks the line."""
    left, top, bottom = 44, 40, 28
    plot_w, plot_h = width - left - 10, height - top - bottom
    values = [v for s in series for v in s.values if v is not None]
    scale_max = max_value or _nice(max(values, default=0))
    head, _ident = _open(width, height, title)
    parts = [head, _legend(series, left, 14)]
    parts += _axes(labels, scale_max, fmt, (left, top, plot_w, plot_h))
    slot = plot_w / max(len(labels), 1)
    for s_index, item in enumerate(series):
        colour = PALETTE[s_index % len(PALETTE)]
        points: list[tuple[float, float, float]] = []
        segments: list[list[tuple[float, float, float]]] = [points]
        for index, value in enumerate(item.values):
            if value is None:
                points = []
                segments.append(points)
                continue
            x = left + slot * (index + 0.5)
            y = top + plot_h - plot_h * min(value / scale_max, 1)
            points.append((x, y, value))
        for segment in segments:
            if len(segment) > 1:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _v in segment)
                parts.append(
                    f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
                )
            for x, y, value in segment:
                parts.append(
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}">'
                    f"<title>{escape(item.name)}：{escape(fmt(value))}</title></circle>"
                )
                # The first series is labelled above its points, the others below.
                offset = -7 if s_index == 0 else 16
                parts.append(_text(x, y + offset, fmt(value), anchor="middle"))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)  # nosec B308, B703


def _nice(value: float) -> float:
    """A round upper bound for an axis: 1, 2, 5 or 10 times a power of ten."""
    if value <= 0:
        return 1
    power = 1.0
    while power * 10 <= value:
        power *= 10
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power
