"""The zone's charts, drawn by matplotlib: counts of participants, and an indicator year by year
against its target and critical level. The console's dashboard writes them as inline SVG
(api/console/charts.py) and the zone's report as pages of a PDF (audit/zone_report_pdf.py).

No GUI: figures are made with ``matplotlib.figure.Figure``, never through ``pyplot`` and its
global figure manager, so nothing depends on a display or a backend chosen at import. Text is
drawn in DejaVu Sans, which matplotlib ships and which has Cyrillic. A chart never carries a
figure alone: pages put a table of the same figures beside it.

Numbers on the axes are written as in Almaty (``1 234,5``). Inputs are Decimal and int; they
become floats only here, to be drawn.
"""

from __future__ import annotations

import textwrap
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import matplotlib
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure, FigureBase
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.typing import RcKeyType

CHART_FONT = "DejaVu Sans"
"""Shipped with matplotlib, with Cyrillic glyphs."""

GROUP_SEPARATOR = "\u00a0"  # a no-break space, as the console and the commands group numbers
WIDTH_IN = 6.4
LABEL_WIDTH = 26  # characters of a bar's label a line: long names wrap, the bars keep room
INK, MUTED, GRID = "#1b2430", "#5b6675", "#d6dce4"
BAR = "#0b5cad"
TARGET, CRITICAL = "#1b2430", "#b3261e"
# The colour of an actual figure's bar by how it stands (the table says it in words too).
STANDING_COLOURS = {
    "at_or_above_target": "#1e7b34",
    "between": "#c98a00",
    "below_critical": "#b3261e",
    None: "#7d8894",
}

_STYLE: dict[RcKeyType, Any] = {
    "font.family": CHART_FONT,
    "font.size": 10,
    "svg.fonttype": "path",
    "svg.hashsalt": "pit-charts",  # the same chart, the same SVG
    "axes.edgecolor": MUTED,
    "axes.labelcolor": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": INK,
    "ytick.color": INK,
}
# rcParams are global to the process: one chart is drawn at a time.
_drawing = threading.RLock()


@dataclass(frozen=True)
class Count:
    """One bar of a chart of counts: what is counted, and how many."""

    label: str
    value: int


@dataclass(frozen=True)
class LevelPoint:
    """One year of an indicator: the actual figure and the levels, in the chart's unit (None:
    not known, or not set); ``standing`` colours the bar (an ``Assessment``, or None)."""

    year: int
    actual: Decimal | None
    target: Decimal | None
    critical: Decimal | None
    standing: str | None = None


@dataclass(frozen=True)
class LevelLegend:
    """The legend's words, in the reader's language: the target, the critical level, and the
    actual figure's bar in each standing (``Assessment`` values, and None for not assessed)."""

    target: str
    critical: str
    standings: Mapping[str | None, str]


def grouped(whole: int) -> str:
    """A whole number grouped by threes with a no-break space: ``1 234 567``."""
    return f"{whole:,}".replace(",", GROUP_SEPARATOR)


def axis_number(value: float) -> str:
    """A tick's number as in Almaty: groups of three and a decimal comma (``12 500``, ``0,25``)."""
    if value == 0:
        return "0"
    if abs(value - round(value)) < 1e-9 and abs(value) >= 1:
        return grouped(round(value))
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    whole, _, fraction = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{grouped(abs(int(whole)))}" + (f",{fraction}" if fraction else "")


@contextmanager
def chart_style(overrides: Mapping[RcKeyType, Any] | None = None) -> Iterator[None]:
    """The charts' fonts and colours, while a figure is drawn and written; ``overrides`` are
    more rcParams for this once (the PDF's font embedding, say)."""
    with _drawing, matplotlib.rc_context({**_STYLE, **(overrides or {})}):
        yield


def _figure(rows: int) -> Figure:
    return Figure(figsize=(WIDTH_IN, max(2.2, 0.9 + 0.5 * rows)), layout="constrained")


def _axis_format(axis_of: Axes, which: str) -> None:
    axis = axis_of.xaxis if which == "x" else axis_of.yaxis
    axis.set_major_formatter(FuncFormatter(lambda value, _: axis_number(value)))


def draw_counts(counts: Sequence[Count], *, title: str, axis_label: str = "") -> Figure:
    """A horizontal bar per count, in the order given (first on top), each with its number."""
    with chart_style():
        figure = _figure(len(counts))
        axes = figure.add_subplot()
        labels = [textwrap.fill(c.label, LABEL_WIDTH) for c in counts]
        values = [c.value for c in counts]
        positions = list(range(len(counts)))
        bars = axes.barh(positions, values, color=BAR, height=0.6)
        axes.set_yticks(positions, labels)
        axes.invert_yaxis()
        axes.bar_label(bars, labels=[grouped(v) for v in values], padding=3, color=INK)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        _axis_format(axes, "x")
        axes.set_xlim(0, max([*values, 1]) * 1.15)
        axes.grid(axis="x", color=GRID, linewidth=0.8)
        axes.set_axisbelow(True)
        axes.set_title(title, loc="left", color=INK, fontsize=11)
        if axis_label:
            axes.set_xlabel(axis_label)
    return figure


def draw_levels(
    points: Sequence[LevelPoint], *, title: str, unit: str, legend: LevelLegend
) -> Figure:
    """An indicator year by year: the actual figure as a bar coloured by its standing, the
    target as a solid line across it and the critical level as a dashed one."""
    with chart_style():
        figure = _figure(6)
        draw_levels_into(figure, points, title=title, unit=unit, legend=legend)
    return figure


def draw_levels_into(
    figure: FigureBase,
    points: Sequence[LevelPoint],
    *,
    title: str,
    unit: str,
    legend: LevelLegend,
    legend_under_axes: bool = False,
) -> None:
    """:func:`draw_levels` on a figure or a part of one (a ``SubFigure`` of a PDF's page).

    The legend goes below the axes, so that long words never narrow the plot: at the figure's
    foot, or, with ``legend_under_axes``, right under the axes (several charts on one page).
    """
    with chart_style():
        axes = figure.add_subplot()
        positions = list(range(len(points)))
        for x, point in zip(positions, points, strict=True):
            if point.actual is not None:
                axes.bar(x, float(point.actual), width=0.55, color=_colour(point.standing))
            if point.target is not None:
                axes.hlines(float(point.target), x - 0.4, x + 0.4, colors=TARGET, linewidth=2.2)
            if point.critical is not None:
                axes.hlines(
                    float(point.critical),
                    x - 0.4,
                    x + 0.4,
                    colors=CRITICAL,
                    linewidth=2.2,
                    linestyles="dashed",
                )
        axes.set_xticks(positions, [str(p.year) for p in points])
        axes.set_xlim(-0.6, max(len(points), 1) - 0.4)
        axes.set_ylim(bottom=0)
        _axis_format(axes, "y")
        axes.set_ylabel(unit)
        axes.grid(axis="y", color=GRID, linewidth=0.8)
        axes.set_axisbelow(True)
        axes.set_title(title, loc="left", color=INK, fontsize=11)
        handles = _legend_handles(points, legend)
        if handles and legend_under_axes:
            axes.legend(
                handles=handles,
                loc="upper center",
                bbox_to_anchor=(0.5, -0.12),
                ncols=2,
                frameon=False,
            )
        elif handles:
            figure.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False)


def _colour(standing: str | None) -> str:
    return STANDING_COLOURS.get(standing, STANDING_COLOURS[None])


def _legend_handles(points: Sequence[LevelPoint], legend: LevelLegend) -> list[Artist]:
    """Only what the chart shows: the levels drawn, and the standings of the bars drawn."""
    handles: list[Artist] = []
    if any(p.target is not None for p in points):
        handles.append(Line2D([], [], color=TARGET, linewidth=2.2, label=legend.target))
    if any(p.critical is not None for p in points):
        handles.append(
            Line2D([], [], color=CRITICAL, linewidth=2.2, linestyle="dashed", label=legend.critical)
        )
    shown = {p.standing for p in points if p.actual is not None}
    for standing, colour in STANDING_COLOURS.items():
        if standing in shown:
            label = legend.standings.get(standing, standing or "")
            handles.append(Patch(facecolor=colour, label=label))
    return handles
