"""Charts drawn on the server as SVG: no script, nothing fetched, nothing for the CSP to allow.

Plain Python with no Django import beyond escaping: the markup is built from
numbers we computed, and every text goes through ``escape``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 14, 34


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    css: str  # a class the stylesheet colours


def _ticks(top: float, count: int = 4) -> list[float]:
    return [top * step / count for step in range(count + 1)]


def bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    top: float,
    fmt: Callable[[float], str],
    empty: str,
    goal: float | None = None,
    goal_label: str = "",
) -> str:
    """Grouped bars, one group per label, on a fixed 0–``top`` scale; a dashed line at ``goal``."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = top or 1.0
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet"><title>{escape(title)}</title>',
    ]
    for tick in _ticks(top):
        y = TOP + plot_h - plot_h * tick / top
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="axis" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(fmt(tick))}</text>')
    groups = max(len(labels), 1)
    group_w = plot_w / groups
    bar_w = min(28.0, group_w * 0.8 / max(len(series), 1))
    any_value = False
    for index, label in enumerate(labels):
        x0 = LEFT + group_w * index + (group_w - bar_w * len(series)) / 2
        for number, line in enumerate(series):
            value = line.values[index] if index < len(line.values) else None
            x = x0 + bar_w * number
            if value is None:
                parts.append(f'<text class="none" x="{x + bar_w / 2:.1f}" y="{TOP + plot_h - 4}" text-anchor="middle">–</text>')
                continue
            any_value = True
            h = plot_h * min(value, top) / top
            y = TOP + plot_h - h
            parts.append(
                f'<rect class="col {escape(line.css)}" x="{x:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}">'
                f"<title>{escape(label)} · {escape(line.name)}: {escape(fmt(value))}</title></rect>"
            )
        parts.append(
            f'<text class="axis" x="{LEFT + group_w * index + group_w / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    if goal is not None and 0 < goal <= top:
        y = TOP + plot_h - plot_h * goal / top
        parts.append(f'<line class="goal" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        if goal_label:
            parts.append(f'<text class="goal-label" x="{WIDTH - RIGHT}" y="{y - 4:.1f}" text-anchor="end">{escape(goal_label)}</text>')
    if not any_value:
        parts.append(f'<text class="empty" x="{WIDTH / 2}" y="{TOP + plot_h / 2}" text-anchor="middle">{escape(empty)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def hours_scale(values: Sequence[float | None]) -> float:
    """A round top for a chart of hours: 1, 2, 4, 8, 12, 24, 48… above the largest value."""
    largest = max((value for value in values if value is not None), default=0.0)
    for top in (1, 2, 4, 8, 12, 24, 48, 72, 96, 168, 336, 720):
        if largest <= top:
            return float(top)
    return float(int(largest) + 1)
