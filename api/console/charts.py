"""Charts drawn on the server by matplotlib, as SVG to put inline in a page.

The drawing is the zone's (audit/zone_charts.py: the same charts are pages of the zone's report
in PDF); here it is written as SVG with its text as glyph outlines, so the chart looks the same
in every browser whatever its fonts. A chart never carries a figure alone: pages put a table of
the same figures beside it. The names below stay importable from here.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from html import escape

from matplotlib.figure import Figure

from audit.zone_charts import (
    BAR,
    CHART_FONT,
    CRITICAL,
    GRID,
    INK,
    LABEL_WIDTH,
    MUTED,
    STANDING_COLOURS,
    TARGET,
    WIDTH_IN,
    Count,
    LevelLegend,
    LevelPoint,
    axis_number,
    chart_style,
    draw_counts,
    draw_levels,
)

__all__ = [
    "BAR",
    "CHART_FONT",
    "CRITICAL",
    "GRID",
    "INK",
    "LABEL_WIDTH",
    "MUTED",
    "STANDING_COLOURS",
    "TARGET",
    "WIDTH_IN",
    "Count",
    "LevelLegend",
    "LevelPoint",
    "axis_number",
    "chart_style",
    "counts_svg",
    "draw_counts",
    "draw_levels",
    "levels_svg",
    "svg_of",
]

_XML_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
_IDS = re.compile(r'\bid="([^"]+)"')
_CHART_ID = re.compile(r"^[a-z][a-z0-9-]{0,63}$")


def svg_of(figure: Figure, *, chart_id: str, title: str) -> str:
    """The figure as an ``<svg>`` element to put inline: no XML prologue, its ids prefixed with
    ``chart_id`` (several charts on a page never share one), ``role="img"`` with ``title`` as
    its name, and a width that follows the page.

    Raises:
        ValueError: ``chart_id`` is not lower-case letters, digits and dashes.
    """
    if _CHART_ID.fullmatch(chart_id) is None:
        raise ValueError(f"not a chart id: {chart_id!r}")
    written = io.StringIO()
    with chart_style():
        figure.savefig(written, format="svg", metadata={"Date": None})
    svg = _METADATA.sub("", _XML_PROLOGUE.sub("", written.getvalue(), count=1))
    ids = set(_IDS.findall(svg))
    for old in sorted(ids, key=len, reverse=True):
        new = f"{chart_id}-{old}"
        svg = svg.replace(f'id="{old}"', f'id="{new}"')
        svg = svg.replace(f"url(#{old})", f"url(#{new})")
        svg = svg.replace(f'href="#{old}"', f'href="#{new}"')
    name = escape(title, quote=True)
    return svg.replace(
        "<svg ",
        f'<svg role="img" aria-label="{name}" class="chart" preserveAspectRatio="xMinYMin meet" ',
        1,
    ).replace(">", f"><title>{escape(title)}</title>", 1)


def counts_svg(counts: Sequence[Count], *, chart_id: str, title: str, axis_label: str = "") -> str:
    """:func:`draw_counts` as inline SVG ("" when there is nothing to count)."""
    if not counts:
        return ""
    return svg_of(
        draw_counts(counts, title=title, axis_label=axis_label), chart_id=chart_id, title=title
    )


def levels_svg(
    points: Sequence[LevelPoint], *, chart_id: str, title: str, unit: str, legend: LevelLegend
) -> str:
    """:func:`draw_levels` as inline SVG ("" when no year has a figure or a level)."""
    if not points:
        return ""
    figure = draw_levels(points, title=title, unit=unit, legend=legend)
    return svg_of(figure, chart_id=chart_id, title=title)
