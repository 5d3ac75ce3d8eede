"""Charts drawn on the server as SVG: no script, no outside host, the same markup on the page and in the PDF.

Only geometry is computed here; `reports/includes/bar_chart.html` draws it. Colours are SVG attributes (the
Content-Security-Policy forbids inline styles), and every chart stands next to the table of its numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils import dateformat

from .reach import Month

WIDTH = 640
HEIGHT = 260
LEFT = 52
RIGHT = 8
TOP = 12
BOTTOM = 44


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str
    label_x: float


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    ticks: list[Tick]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    baseline: int = HEIGHT - BOTTOM
    label_y: int = HEIGHT - BOTTOM + 18


def nice_ceiling(value: int) -> int:
    """The smallest 1, 2 or 5 times a power of ten at or above `value` (at least 1): round axis labels."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _month_label(month, *, first: bool) -> str:
    return dateformat.format(month, "M Y" if first or month.month == 1 else "M")


def monthly_bars(trend: list[Month], *, title: str) -> BarChart:
    """Participations per month as vertical bars, labelled with the month (and the year where it changes)."""
    top = nice_ceiling(max((month.participations for month in trend), default=0))
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(trend), 1)
    bar_width = slot * 0.7
    every = math.ceil(len(trend) / 12) or 1  # at most about twelve month labels, so they never overlap
    bars = []
    for index, month in enumerate(trend):
        height = plot_height * month.participations / top
        x = LEFT + index * slot + (slot - bar_width) / 2
        bars.append(
            Bar(
                x=round(x, 1),
                y=round(TOP + plot_height - height, 1),
                width=round(bar_width, 1),
                height=round(height, 1),
                value=month.participations,
                label=_month_label(month.month, first=index == 0) if index % every == 0 else "",
                label_x=round(x + bar_width / 2, 1),
            )
        )
    shares = (0, 0.5, 1) if top >= 2 else (0, 1)
    ticks = [Tick(y=round(TOP + plot_height * (1 - share), 1), label=str(int(top * share))) for share in shares]
    return BarChart(title=title, bars=bars, ticks=ticks)
