"""The zone's report as a PDF with charts [Decree 1166 Reg. §9.4]: a title page, a table per
year, and a chart per indicator against its target and critical level.

Drawn by matplotlib's PDF backend on ``Figure`` objects (no ``pyplot``, no global figure),
with the dashboard's own charts (:mod:`audit.zone_charts`) and DejaVu Sans, embedded as
TrueType so that Cyrillic text stays text (searchable, copyable). The same report, language and
``generated_at`` give the same bytes: the document's creation date is ``generated_at``, never
the clock, and nothing else in the file depends on when it was written.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure, FigureBase
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.typing import RcKeyType

from audit.zone_charts import INK, MUTED, LevelLegend, LevelPoint, chart_style, draw_levels_into
from audit.zone_report import (
    INDICATOR_NAMES,
    MONEY,
    STANDING_NAMES,
    UNIT_NAMES,
    Language,
    Words,
    ZoneReport,
    in_export_unit,
    lines_by_year,
    shown,
)
from domain.calendar import ALMATY
from domain.indicators import Indicator
from domain.zone_indicators import ReportLine

PDF_MEDIA_TYPE = "application/pdf"
A4_PORTRAIT = (8.27, 11.69)  # inches
CHARTS_PER_PAGE = 3
# TrueType (42) rather than matplotlib's default Type 3 outlines: the text can be searched and
# copied, and a reader extracts the Cyrillic as Cyrillic.
_PDF_STYLE: dict[RcKeyType, Any] = {"pdf.fonttype": 42}

W = Words
TEXT: dict[str, Words] = {
    "title": W(
        "Отчет о результатах деятельности специальной экономической зоны",
        "Report on the results of the special economic zone",
    ),
    "to_authority": W(
        "управляющей компании уполномоченному органу",
        "by the management company to the authorized body",
    ),
    "as_of": W("По состоянию на конец дня {day} (Алматы)", "As of the end of {day} (Almaty)"),
    "generated": W("Сформирован {when} (Алматы)", "Generated {when} (Almaty)"),
    "basis_heading": W("Правовое основание", "Legal basis"),
    "basis": W(
        "Положение о СЭЗ (Указ № 1166 от 18.08.2003), п. 9.4: отчет уполномоченному органу о "
        "результатах деятельности СЭЗ на основании годовых отчетов участников; приложение к "
        "Указу: целевые индикаторы и критический уровень их недостижения (Указ № 457 от "
        "29.12.2012).",
        "Regulation on the SEZ (Decree No. 1166 of 18.08.2003), §9.4: reporting to the "
        "authorized body on the zone's results based on the participants' annual reports; the "
        "Decree's annex: target indicators and critical levels of failure (Decree No. 457 of "
        "29.12.2012).",
    ),
    "sources_heading": W("Источник данных", "Sources"),
    "sources": W(
        "Годовые отчеты участников, принятые к этой дате: {reports} (договоров в журнале: "
        "{agreements}). Годы отчета: {years}.",
        "Participants' annual reports accepted by that day: {reports} (agreements in the log: "
        "{agreements}). Years covered: {years}.",
    ),
    "notes_heading": W("Как считаются показатели", "How the figures are made"),
    "note_accepted": W(
        "Учитываются только отчеты, принятые к концу дня; отчет на рассмотрении или "
        "возвращенный на доработку не учитывается. Отчет воспроизводим: журнал событий, "
        "прочитанный до той же даты, дает те же цифры.",
        "Only reports accepted by the end of the day count; a report under review or returned "
        "for correction does not. The report is reproducible: the event log read up to the "
        "same day gives the same figures.",
    ),
    "note_share": W(
        "Доля казахстанского содержания — в общем объеме производства зоны: доли отчетов "
        "взвешены по объему производства каждого участника.",
        "The Kazakhstani content share is that of the zone's total production: each report's "
        "share is weighted by its production volume.",
    ),
    "note_levels": W(
        "Факт года сравнивается с уровнем, установленным на этот же год (журнал зоны на ту же "
        "дату): не ниже цели — цель достигнута; ниже критического уровня — ниже "
        "критического; иначе — между ними.",
        "A year's figure is set against the level set for that same year (the zone's log as of "
        "the same day): at or above the target, target met; below the critical level, below "
        "it; otherwise between them.",
    ),
    "note_not_reported": W(
        "Годовые отчеты участников не содержат показателя «{names}»: он отмечен как не "
        "представляемый, цифра не выводится.",
        "The participants' annual reports carry no figure for “{names}”: it is marked not "
        "reported, and no figure is made up for it.",
    ),
    "year_heading": W("{year} год", "Year {year}"),
    "year_reports": W(
        "Принято годовых отчетов: {reports}; отчитавшихся участников: {participants}.",
        "Annual reports accepted: {reports}; participants reporting: {participants}.",
    ),
    "year_no_reports": W(
        "Принятых годовых отчетов на этот год нет.", "No annual report on this year accepted."
    ),
    "col_indicator": W("Показатель", "Indicator"),
    "col_actual": W("Факт", "Actual"),
    "col_target": W("Цель", "Target"),
    "col_critical": W("Критический уровень", "Critical level"),
    "col_standing": W("Оценка", "Status"),
    "charts_heading": W("Показатели по годам", "Indicators year by year"),
    "target": W("Цель", "Target"),
    "critical": W("Критический уровень", "Critical level"),
    "actual_as": W("факт: {standing}", "actual: {standing}"),
    "not_assessed": W("не оценивается", "not assessed"),
    "page": W(
        "{zone} — на {day} — стр. {page} из {pages}",
        "{zone} — as of {day} — page {page} of {pages}",
    ),
}
# The chart's axis: billions of tenge, counts, percent.
CHART_UNITS: dict[Indicator, Words] = {
    **{i: W("млрд ₸", "bln ₸") for i in MONEY},
    Indicator.PARTICIPANTS: W("участников", "participants"),
    Indicator.JOBS: W("рабочих мест", "jobs"),
    Indicator.KZ_CONTENT_BP: W("%", "%"),
    Indicator.ICT_LABS_AND_DEPARTMENTS: W("лабораторий и кафедр", "labs and departments"),
}


def _say(key: str, language: Language, **values: object) -> str:
    return TEXT[key](language).format(**values)


def _almaty(moment: datetime) -> str:
    return moment.astimezone(ALMATY).strftime("%d.%m.%Y %H:%M")


def _wrapped(text: str, width: int) -> str:
    return textwrap.fill(text, width, break_long_words=False)


def _page() -> Figure:
    return Figure(figsize=A4_PORTRAIT)


def _heading(page: FigureBase, text: str, *, y: float, size: float = 15) -> None:
    page.text(0.08, y, text, fontsize=size, fontweight="bold", color=INK, va="top")


def _footer(page: FigureBase, report: ZoneReport, language: Language, number: int, of: int) -> None:
    day = report.as_of.strftime("%d.%m.%Y")
    text = _say("page", language, zone=report.zone_name(language), day=day, page=number, pages=of)
    page.text(0.5, 0.02, _wrapped(text, 110), ha="center", va="bottom", fontsize=7, color=MUTED)


class _Column:
    """Paragraphs written down a page from the top, each under the one before."""

    def __init__(self, page: Figure, top: float) -> None:
        self.page, self.y = page, top

    def write(
        self, text: str, *, size: float, width: int, bold: bool = False, gap: float = 0.012
    ) -> None:
        wrapped = _wrapped(text, width)
        weight = "bold" if bold else "normal"
        self.page.text(0.08, self.y, wrapped, va="top", fontsize=size, fontweight=weight, color=INK)
        lines = wrapped.count("\n") + 1
        self.y -= lines * size * 1.45 / 72 / A4_PORTRAIT[1] + gap  # 1.45 lines, points to inches


def _title_page(report: ZoneReport, language: Language, generated_at: datetime) -> Figure:
    page = _page()
    column = _Column(page, 0.93)
    say = {key: _say(key, language) for key in TEXT if "{" not in TEXT[key].en}
    column.write(report.zone_name(language), size=16, width=52, bold=True)
    column.write(f"{say['title']} {say['to_authority']}", size=14, width=62, gap=0.03)
    day = report.as_of.strftime("%d.%m.%Y")
    column.write(_say("as_of", language, day=day), size=12, width=80, gap=0.004)
    column.write(_say("generated", language, when=_almaty(generated_at)), size=12, width=80)
    column.y -= 0.02
    column.write(say["basis_heading"], size=12, width=80, bold=True, gap=0.004)
    column.write(say["basis"], size=10, width=95, gap=0.004)
    column.write("[" + "; ".join(report.legal_basis) + "]", size=9, width=105, gap=0.025)
    column.write(say["sources_heading"], size=12, width=80, bold=True, gap=0.004)
    sources = _say(
        "sources",
        language,
        reports=len(report.accepted_reports),
        agreements=report.agreements,
        years=", ".join(str(y) for y in report.years) or "—",
    )
    column.write(sources, size=10, width=95, gap=0.025)
    column.write(say["notes_heading"], size=12, width=80, bold=True, gap=0.004)
    notes = [say["note_accepted"], say["note_share"], say["note_levels"]]
    if report.not_reported:
        names = "; ".join(INDICATOR_NAMES[i](language) for i in report.not_reported)
        notes.append(_say("note_not_reported", language, names=names))
    for note in notes:
        column.write(f"• {note}", size=10, width=95, gap=0.008)
    return page


# The year's table: each column's share of the table's width, and how many characters of its
# 8.5 pt text fit a line of it (DejaVu Sans is wide: about 5.6 pt a character).
_COLUMNS = ("col_indicator", "col_actual", "col_target", "col_critical", "col_standing")
_SHARES = (0.40, 0.14, 0.14, 0.14, 0.18)
_CHARACTERS = (36, 11, 11, 11, 15)
_TABLE_FONT = 8.5
_LINE = 0.024  # of the table's axes' height, for one line of text


def _year_page(
    report: ZoneReport, language: Language, year: int, lines: Sequence[ReportLine]
) -> Figure:
    page = _page()
    _heading(page, _say("year_heading", language, year=year), y=0.93)
    actuals = report.actuals_of(year)
    summary = (
        _say("year_reports", language, reports=actuals.reports, participants=actuals.participants)
        if actuals is not None
        else _say("year_no_reports", language)
    )
    page.text(0.08, 0.895, _wrapped(summary, 95), fontsize=10, color=INK, va="top")
    rows = [
        (
            f"{INDICATOR_NAMES[line.indicator](language)}, {UNIT_NAMES[line.indicator](language)}",
            shown(line.indicator, line.actual),
            shown(line.indicator, line.target),
            shown(line.indicator, line.critical),
            STANDING_NAMES[line.standing](language),
        )
        for line in lines
    ]
    header = tuple(_say(key, language) for key in _COLUMNS)
    cells = [
        [_wrapped(text, width) for text, width in zip(row, _CHARACTERS, strict=True)]
        for row in [header, *rows]
    ]
    axes = page.add_axes((0.06, 0.08, 0.88, 0.78))
    axes.set_axis_off()
    table = axes.table(
        cellText=cells[1:],
        colLabels=cells[0],
        colWidths=list(_SHARES),
        cellLoc="left",
        loc="upper center",
    )
    table.auto_set_font_size(False)
    table.set_fontsize(_TABLE_FONT)
    for (row, column), cell in table.get_celld().items():
        cell.set_height(_LINE * (max(c.count("\n") for c in cells[row]) + 1) + 0.01)
        cell.set_edgecolor(MUTED)
        text = cell.get_text()
        text.set_color(INK)
        if row == 0:
            text.set_fontweight("bold")
            cell.set_facecolor("#eef1f5")
        elif 0 < column < len(_COLUMNS) - 1:  # the figures
            text.set_horizontalalignment("right")
    return page


def _points(lines: Sequence[ReportLine]) -> list[LevelPoint]:
    """The chart's bars and levels: billions of tenge, counts, percent; a year with neither a
    figure nor a level is left off, and a bar is coloured only where it was assessed."""
    points = []
    for line in lines:
        if line.actual is None and line.target is None and line.critical is None:
            continue
        assessed = line.standing in ("at_or_above_target", "between", "below_critical")
        points.append(
            LevelPoint(
                year=line.year,
                actual=in_export_unit(line.indicator, line.actual),
                target=in_export_unit(line.indicator, line.target),
                critical=in_export_unit(line.indicator, line.critical),
                standing=line.standing if assessed else None,
            )
        )
    return points


def charted(report: ZoneReport) -> list[tuple[Indicator, list[ReportLine]]]:
    """The indicators with a chart: those with a figure or a level in some year."""
    by_indicator: dict[Indicator, list[ReportLine]] = {}
    for line in report.lines:
        by_indicator.setdefault(line.indicator, []).append(line)
    return [
        (indicator, lines)
        for indicator, lines in by_indicator.items()
        if any(v is not None for line in lines for v in (line.actual, line.target, line.critical))
    ]


def _chart_pages(report: ZoneReport, language: Language) -> list[Figure]:
    legend = LevelLegend(
        target=_say("target", language),
        critical=_say("critical", language),
        standings={
            **{
                s: _say("actual_as", language, standing=STANDING_NAMES[s](language))
                for s in ("at_or_above_target", "between", "below_critical")
            },
            None: _say("actual_as", language, standing=_say("not_assessed", language)),
        },
    )
    charts = charted(report)
    pages = []
    for start in range(0, len(charts), CHARTS_PER_PAGE):
        # Room at the top for the heading and at the foot for the page's footer.
        layout = ConstrainedLayoutEngine(rect=(0.02, 0.05, 0.96, 0.9), h_pad=0.2)
        page = Figure(figsize=A4_PORTRAIT, layout=layout)
        _heading(page, _say("charts_heading", language), y=0.965, size=13)
        grid = page.add_gridspec(CHARTS_PER_PAGE, 1)
        parts = [page.add_subfigure(grid[row, 0]) for row in range(CHARTS_PER_PAGE)]
        on_page = charts[start : start + CHARTS_PER_PAGE]
        for part, (indicator, lines) in zip(parts, on_page, strict=False):
            draw_levels_into(
                part,
                _points(lines),
                title=_wrapped(INDICATOR_NAMES[indicator](language), 70),
                unit=CHART_UNITS[indicator](language),
                legend=legend,
                legend_under_axes=True,
            )
        pages.append(page)
    return pages


def page_count(report: ZoneReport) -> int:
    """How many pages the PDF has: the title page, a page per year, the charts three a page."""
    return 1 + len(report.years) + math.ceil(len(charted(report)) / CHARTS_PER_PAGE)


def zone_report_pdf(report: ZoneReport, language: Language, *, generated_at: datetime) -> bytes:
    """The report as a PDF: a title page (the zone, the day, when it was generated, the legal
    basis), a table per year, and a chart per indicator against its target and critical level.

    ``generated_at`` is written on the title page and as the document's creation date; the same
    report, language and ``generated_at`` give the same bytes.
    """
    if generated_at.utcoffset() is None:
        raise ValueError("generated_at must carry its time zone")
    written = io.BytesIO()
    title = f"{_say('title', language)}: {report.zone_name(language)}"
    metadata = {
        "Title": f"{title}, {report.as_of.isoformat()}",
        "Subject": "; ".join(report.legal_basis),
        "Creator": "pit",
        # In UTC: matplotlib writes an offset east of UTC with the wrong sign (D:...-05'00').
        "CreationDate": generated_at.astimezone(UTC),
    }
    pages = page_count(report)
    with chart_style(_PDF_STYLE), PdfPages(written, metadata=metadata) as pdf:
        figures = [
            _title_page(report, language, generated_at),
            *(_year_page(report, language, year, lines) for year, lines in lines_by_year(report)),
            *_chart_pages(report, language),
        ]
        for number, figure in enumerate(figures, start=1):
            _footer(figure, report, language, number, pages)
            pdf.savefig(figure)
    return written.getvalue()
