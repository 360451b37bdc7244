"""Charts for the pages: bars per group, series over time, and a timeline in lanes.

Pure: typed values and the reader's words in, SVG out. Each series or lane is told
apart by more than colour (a dash pattern, a marker shape, its name written at its
end), and every value the chart shows is also in the table the page puts beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from caseflow.diagrams import svg

LABEL_WIDTH = 180.0
BAR_HEIGHT = 18.0
BAR_GAP = 6.0
CHART_WIDTH = 640.0


@dataclass(frozen=True)
class Bar:
    label: str
    value: int


@dataclass(frozen=True)
class BarGroup:
    """Bars under one heading (a workflow's states, say)."""

    label: str
    bars: Sequence[Bar]


def bar_chart(groups: Sequence[BarGroup], *, ident: str, title: str, description: str) -> Markup:
    """Horizontal bars, a group under each heading, each bar with its value at its end."""
    top = max((b.value for g in groups for b in g.bars), default=0) or 1
    room = CHART_WIDTH - LABEL_WIDTH - 60
    parts: list[str] = []
    y = 8.0
    for group in groups:
        y += 18
        parts.append(svg.text(4, y, group.label, font_size="13", font_weight="bold"))
        y += 8
        for bar in group.bars:
            length = room * bar.value / top
            parts.append(
                svg.text(LABEL_WIDTH - 8, y + 13, bar.label, font_size="12", text_anchor="end")
            )
            parts.append(
                f'<rect x="{svg.n(LABEL_WIDTH)}" y="{svg.n(y)}" width="{svg.n(max(length, 1))}" '
                f'height="{svg.n(BAR_HEIGHT)}" fill="{svg.MARKED}"/>'
            )
            parts.append(svg.text(LABEL_WIDTH + length + 6, y + 13, str(bar.value), font_size="12"))
            y += BAR_HEIGHT + BAR_GAP
    return svg.frame(ident, CHART_WIDTH, y + 8, title, description, "".join(parts))


@dataclass(frozen=True)
class Series:
    """One line over the chart's days: a value per day, in the days' order."""

    name: str
    values: Sequence[int]


_DASHES = ("", "6 4", "2 3")
_COLOURS = (svg.MARKED, "#b91c1c", svg.GREY)  # blue, red (5.9:1), grey


def _marker(kind: int, x: float, y: float, colour: str) -> str:
    if kind == 0:
        return f'<circle cx="{svg.n(x)}" cy="{svg.n(y)}" r="3.5" fill="{colour}"/>'
    if kind == 1:
        return (
            f'<rect x="{svg.n(x - 3.5)}" y="{svg.n(y - 3.5)}" width="7" height="7" '
            f'fill="{colour}"/>'
        )
    points = (
        f"{svg.n(x)},{svg.n(y - 4)} {svg.n(x + 4)},{svg.n(y + 3)} {svg.n(x - 4)},{svg.n(y + 3)}"
    )
    return f'<polygon points="{points}" fill="{colour}"/>'


def series_chart(
    days: Sequence[date],
    series: Sequence[Series],
    day_label: str,
    *,
    ident: str,
    title: str,
    description: str,
) -> Markup:
    """Lines over ``days`` (a value of each series per day), the axes with their scale;
    ``day_label`` is a strftime pattern for the days under the axis."""
    left, right, top, bottom = 48.0, 150.0, 16.0, 40.0
    height = 220.0
    plot_w, plot_h = CHART_WIDTH - left - right, height - top - bottom
    peak = max((v for s in series for v in s.values), default=0)
    step = max(1, -(-peak // 4))  # four gridlines, whole numbers
    ceiling = step * 4

    def x_of(i: int) -> float:
        return left + (plot_w * i / (len(days) - 1) if len(days) > 1 else plot_w / 2)

    def y_of(value: int) -> float:
        return top + plot_h - plot_h * value / ceiling

    parts: list[str] = []
    for k in range(5):
        y = y_of(k * step)
        parts.append(
            f'<line x1="{svg.n(left)}" y1="{svg.n(y)}" x2="{svg.n(left + plot_w)}" '
            f'y2="{svg.n(y)}" stroke="#d4d4d4" stroke-width="1"/>'
        )
        parts.append(svg.text(left - 6, y + 4, str(k * step), font_size="11", text_anchor="end"))
    every = max(1, len(days) // 6)
    for i, day in enumerate(days):
        if i % every == 0 or i == len(days) - 1:
            parts.append(
                svg.text(
                    x_of(i),
                    height - bottom + 16,
                    day.strftime(day_label),
                    font_size="11",
                    text_anchor="middle",
                )
            )
    parts.append(
        f'<line x1="{svg.n(left)}" y1="{svg.n(top + plot_h)}" x2="{svg.n(left + plot_w)}" '
        f'y2="{svg.n(top + plot_h)}" stroke="{svg.GREY}" stroke-width="1"/>'
    )
    for index, line in enumerate(series):
        colour, dash = _COLOURS[index % 3], _DASHES[index % 3]
        points = " ".join(f"{svg.n(x_of(i))},{svg.n(y_of(v))}" for i, v in enumerate(line.values))
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"'
            f'{dashed} data-series="{index}"/>'
        )
        parts += [_marker(index % 3, x_of(i), y_of(v), colour) for i, v in enumerate(line.values)]
        if line.values:
            last = len(line.values) - 1
            parts.append(
                svg.text(
                    x_of(last) + 8,
                    y_of(line.values[last]) + 4 + 12 * index,
                    line.name,
                    font_size="12",
                    fill=colour,
                )
            )
    return svg.frame(ident, CHART_WIDTH, height, title, description, "".join(parts))


@dataclass(frozen=True)
class Moment:
    """Something that happened on a day, numbered: the table beside says what."""

    day: date
    number: int


@dataclass(frozen=True)
class Lane:
    """A row of the timeline: the administration, or one committee."""

    label: str
    moments: Sequence[Moment]


def timeline_chart(
    lanes: Sequence[Lane], day_label: str, *, ident: str, title: str, description: str
) -> Markup:
    """A lane per row, a numbered dot per moment on a shared time axis (first day to last);
    the numbers match the rows of the table beside the picture."""
    days = [m.day for lane in lanes for m in lane.moments]
    if not days:
        raise ValueError("a timeline needs at least one moment")
    first, last = min(days), max(days)
    span = max((last - first).days, 1)
    left, right, lane_h = LABEL_WIDTH, 40.0, 44.0
    width = CHART_WIDTH
    plot_w = width - left - right
    height = 30.0 + lane_h * len(lanes) + 24

    def x_of(day: date) -> float:
        return left + plot_w * (day - first).days / span

    parts: list[str] = []
    for index, lane in enumerate(lanes):
        y = 30.0 + lane_h * index + lane_h / 2
        parts.append(svg.text(left - 10, y + 4, lane.label, font_size="12", text_anchor="end"))
        parts.append(
            f'<line x1="{svg.n(left)}" y1="{svg.n(y)}" x2="{svg.n(left + plot_w)}" '
            f'y2="{svg.n(y)}" stroke="#d4d4d4" stroke-width="1"/>'
        )
        placed: dict[float, int] = {}
        for moment in lane.moments:
            x = x_of(moment.day)
            lift = placed.get(round(x / 14), 0)  # dots on nearby days stack, not hide
            placed[round(x / 14)] = lift + 1
            cy = y - 11 * lift
            parts.append(
                f'<circle cx="{svg.n(x)}" cy="{svg.n(cy)}" r="8" fill="{svg.MARKED}" '
                f'stroke="#ffffff" stroke-width="1"/>'
            )
            parts.append(
                svg.text(
                    x,
                    cy + 3.5,
                    str(moment.number),
                    font_size="9",
                    text_anchor="middle",
                    fill="#ffffff",
                )
            )
    axis_y = height - 20
    parts.append(svg.text(left, axis_y + 12, first.strftime(day_label), font_size="11"))
    parts.append(
        svg.text(
            left + plot_w, axis_y + 12, last.strftime(day_label), font_size="11", text_anchor="end"
        )
    )
    parts.append(
        f'<line x1="{svg.n(left)}" y1="{svg.n(axis_y)}" x2="{svg.n(left + plot_w)}" '
        f'y2="{svg.n(axis_y)}" stroke="{svg.GREY}" stroke-width="1"/>'
    )
    return svg.frame(ident, width, height, title, description, "".join(parts))
