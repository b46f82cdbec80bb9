"""The console's zone dashboard (``/dashboard``): the participants register counted by status,
OKED section and priority area, the zone's figures per year from the accepted annual reports,
and each indicator against its target and critical level [Decree 1166 Reg. §9.4, annex].

The same figures as ``GET /api/zone/dashboard`` (:func:`api.routes.zone.zone_dashboard`), for
the management company's staff and auditors; a participant is refused, as the API refuses it.
Every chart (api/console/charts.py) has a table of the same figures beside it.

Below them, the zone's report to the authorized body [Reg. §9.4] as of a chosen Almaty day
(:mod:`audit.zone_report`: the log folded to the end of that day, not the live read model), as
a table and as CSV and PDF files to download (``/dashboard/zone-report.csv`` and ``.pdf``).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.responses import Response

from api.console.auth import ConsoleRefusal, Viewer, Viewing
from api.console.charts import Count, LevelLegend, LevelPoint, counts_svg, levels_svg
from api.console.i18n import UI, Words
from api.console.render import page
from api.deps import STAFF_READERS, Services
from api.routes.zone import zone_dashboard
from api.services import ApiServices
from audit.zone_report import (
    CSV_MEDIA_TYPE,
    LANGUAGES,
    Language,
    ZoneReport,
    file_name,
    lines_by_year,
    zone_report,
    zone_report_csv,
)
from audit.zone_report_pdf import PDF_MEDIA_TYPE, zone_report_pdf
from domain.calendar import almaty_date
from domain.indicators import Indicator
from domain.oked import SECTIONS
from domain.zone_indicators import BILLION_EXPONENT, IndicatorStanding
from projections import ParticipantCount

router = APIRouter(include_in_schema=False)

# How the console writes each indicator: tenge (the annex's billions shown in full), a count,
# or a share in basis points; and the unit of its chart's axis.
_KZT, _COUNT, _SHARE = "kzt", "count", "share"
_SHOWN_AS: dict[Indicator, tuple[str, str]] = {
    Indicator.INVESTMENT_TOTAL: (_KZT, "unit_bln_kzt"),
    Indicator.INVESTMENT_FOREIGN: (_KZT, "unit_bln_kzt"),
    Indicator.INVESTMENT_DOMESTIC: (_KZT, "unit_bln_kzt"),
    Indicator.PRODUCTION: (_KZT, "unit_bln_kzt"),
    Indicator.PARTICIPANTS: (_COUNT, "unit_participants"),
    Indicator.JOBS: (_COUNT, "unit_jobs"),
    Indicator.KZ_CONTENT_BP: (_SHARE, "unit_percent"),
    Indicator.ICT_LABS_AND_DEPARTMENTS: (_COUNT, "unit_labs"),
}
_STANDINGS = ("at_or_above_target", "between", "below_critical")


@dataclass(frozen=True)
class Breakdown:
    """Participants counted one way: a chart and its table."""

    chart_id: str
    title: str
    rows: list[tuple[str, int]]
    svg: str


@dataclass(frozen=True)
class YearRow:
    """One year of an indicator as the table writes it (``shown_as`` says which filter)."""

    year: int
    actual: Decimal | int | None
    target: Decimal | int | None
    critical: Decimal | int | None
    standing: str | None


@dataclass(frozen=True)
class IndicatorView:
    """One indicator: its chart, and its table of the same figures."""

    chart_id: str
    title: str
    shown_as: str
    rows: list[YearRow]
    svg: str


def _label(words: Words, prefix: str, value: str | None) -> str:
    if value is None:
        return words("dashboard_not_known")
    if prefix == "status":
        return words.status(value)
    key = f"{prefix}_{value}"
    if key in UI:
        return words(key)
    if prefix == "oked_section" and value in SECTIONS:  # a section screening would refuse
        return f"{value} — {SECTIONS[value]}"
    return value


def _breakdown(
    words: Words, chart_id: str, title_key: str, prefix: str, counts: tuple[ParticipantCount, ...]
) -> Breakdown:
    rows = [(_label(words, prefix, c.value), c.participants) for c in counts]
    title = words(title_key)
    svg = counts_svg(
        [Count(label, number) for label, number in rows],
        chart_id=chart_id,
        title=title,
        axis_label=words("dashboard_participants_count"),
    )
    return Breakdown(chart_id=chart_id, title=title, rows=rows, svg=svg)


def _for_table(shown_as: str, value: Decimal | None) -> Decimal | int | None:
    """An indicator's value (in the annex's unit) as the table's filter takes it."""
    if value is None:
        return None
    if shown_as == _KZT:
        return value.scaleb(BILLION_EXPONENT)  # billions of tenge, written in full
    return int(value.to_integral_value(rounding=ROUND_HALF_EVEN))


def _for_chart(shown_as: str, value: Decimal | None) -> Decimal | None:
    """An indicator's value on its chart's axis: billions of tenge, counts, percent."""
    if value is None or shown_as != _SHARE:
        return value
    return value / 100


def _indicator(words: Words, indicator: Indicator, rows: list[IndicatorStanding]) -> IndicatorView:
    shown_as, unit_key = _SHOWN_AS[indicator]
    title = words(f"indicator_{indicator.value}")
    legend = LevelLegend(
        target=words("dashboard_target"),
        critical=words("dashboard_critical"),
        standings={
            **{
                s: words("dashboard_actual_as", standing=words(f"standing_{s}")) for s in _STANDINGS
            },
            None: words("dashboard_actual_as", standing=words("standing_none")),
        },
    )
    points = [
        LevelPoint(
            year=r.year,
            actual=_for_chart(shown_as, r.actual),
            target=_for_chart(shown_as, r.target),
            critical=_for_chart(shown_as, r.critical),
            standing=r.assessment,
        )
        for r in rows
    ]
    chart_id = f"indicator-{indicator.value.replace('_', '-')}"
    return IndicatorView(
        chart_id=chart_id,
        title=title,
        shown_as=shown_as,
        rows=[
            YearRow(
                year=r.year,
                actual=_for_table(shown_as, r.actual),
                target=_for_table(shown_as, r.target),
                critical=_for_table(shown_as, r.critical),
                standing=r.assessment,
            )
            for r in rows
        ],
        svg=levels_svg(points, chart_id=chart_id, title=title, unit=words(unit_key), legend=legend),
    )


@router.get("/dashboard")
async def dashboard(
    request: Request, viewer: Viewing, services: Services, as_of: str = ""
) -> Response:
    """The zone's dashboard (staff, auditors and administrators; a participant gets 403), with
    the zone's report as of ``as_of`` (an ISO day) when one is chosen: the report folds every
    agreement's stream, so it is made on request, not on every visit (the figures above it are
    the live read model's)."""
    _staff_only(viewer)
    day = asked_day(as_of)
    words = viewer.words
    report = (
        _report_view(words, await zone_report(services.store, day))
        if day is not None
        else _downloads_only(words, _today(services))
    )
    data = await zone_dashboard(services)
    counts = data.participants
    breakdowns = [
        _breakdown(words, "participants-status", "dashboard_by_status", "status", counts.by_status),
        _breakdown(
            words, "participants-oked", "dashboard_by_oked", "oked_section", counts.by_oked_section
        ),
        _breakdown(
            words, "participants-area", "dashboard_by_area", "area", counts.by_priority_area
        ),
    ]
    by_indicator: dict[Indicator, list[IndicatorStanding]] = {}
    for row in data.indicators:
        by_indicator.setdefault(row.indicator, []).append(row)
    indicators = [_indicator(words, i, rows) for i, rows in by_indicator.items()]
    return page(
        request,
        "dashboard.html",
        viewer,
        title=words("dashboard_title"),
        data=data,
        breakdowns=breakdowns if counts.total else [],
        actuals=[
            (a, int(a.kz_content_bp.to_integral_value(rounding=ROUND_HALF_EVEN)))
            if a.kz_content_bp is not None
            else (a, None)
            for a in data.actuals
        ],
        indicators=indicators,
        report=report,
        as_of_unreadable=bool(as_of) and day is None,
    )


# --- the zone's report as of a day [Reg. §9.4] ---------------------------------------------------

# The days a report may be asked as of: from the year before the zone came into force
# (01.10.2003) to the end of the century (a year 9999 would have no next day to end at).
_FIRST_DAY, _LAST_DAY = date(2002, 1, 1), date(2100, 12, 31)


def _staff_only(viewer: Viewer) -> None:
    if viewer.user.actor().role not in STAFF_READERS:
        raise ConsoleRefusal(403, viewer.words("dashboard_staff_only"))


def _today(services: ApiServices) -> date:
    return almaty_date(services.clock())


def asked_day(text: str) -> date | None:
    """The day an ``as_of`` field names (``2026-05-04``); None for none or one out of range
    (the dashboard's report and the auditor's timeline)."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        return None
    return day if _FIRST_DAY <= day <= _LAST_DAY else None


async def _asked_report(
    viewer: Viewer, services: ApiServices, as_of: str, lang: str
) -> tuple[ZoneReport, Language]:
    """The report a download asks for, in the language asked (else the reader's)."""
    _staff_only(viewer)
    day = asked_day(as_of) if as_of else _today(services)
    if day is None:
        raise ConsoleRefusal(400, viewer.words("bad_day"))
    language: Language = next((x for x in LANGUAGES if x == lang), viewer.words.language)
    return await zone_report(services.store, day), language


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


@router.get("/dashboard/zone-report.csv")
async def zone_report_csv_file(
    viewer: Viewing, services: Services, as_of: str = "", lang: str = ""
) -> Response:
    """The zone's report as of a day as CSV (UTF-8 with a BOM, for Excel)."""
    report, language = await _asked_report(viewer, services, as_of, lang)
    return Response(
        zone_report_csv(report, language),
        media_type=CSV_MEDIA_TYPE,
        headers=_attachment(file_name(report, language, "csv")),
    )


@router.get("/dashboard/zone-report.pdf")
async def zone_report_pdf_file(
    viewer: Viewing, services: Services, as_of: str = "", lang: str = ""
) -> Response:
    """The zone's report as of a day as a PDF with charts."""
    report, language = await _asked_report(viewer, services, as_of, lang)
    # Drawing a dozen pages takes a moment of CPU: not on the loop that serves everyone else.
    pdf = await asyncio.to_thread(zone_report_pdf, report, language, generated_at=services.clock())
    return Response(
        pdf, media_type=PDF_MEDIA_TYPE, headers=_attachment(file_name(report, language, "pdf"))
    )


@dataclass(frozen=True)
class ReportRow:
    """One indicator of a year of the zone's report, as the table writes it."""

    title: str
    shown_as: str
    actual: Decimal | int | None
    target: Decimal | int | None
    critical: Decimal | int | None
    standing: str


@dataclass(frozen=True)
class ReportYear:
    """One year of the zone's report: how many reports and participants, and its rows."""

    year: int
    reports: int
    participants: int
    rows: list[ReportRow]


@dataclass(frozen=True)
class ReportView:
    """The zone's report as of a day: the chosen day, its downloads and its years."""

    as_of: date
    csv_url: str
    pdf_url: str
    accepted_reports: int | None  # None: not made yet (no day chosen)
    years: list[ReportYear] | None


def _download_urls(words: Words, day: date) -> tuple[str, str]:
    query = urlencode({"as_of": day.isoformat(), "lang": words.language})
    return f"/dashboard/zone-report.csv?{query}", f"/dashboard/zone-report.pdf?{query}"


def _downloads_only(words: Words, day: date) -> ReportView:
    """The report's section before a day is chosen: today's downloads, no table yet."""
    csv_url, pdf_url = _download_urls(words, day)
    return ReportView(day, csv_url, pdf_url, accepted_reports=None, years=None)


def _report_view(words: Words, report: ZoneReport) -> ReportView:
    years = []
    for year, lines in lines_by_year(report):
        actuals = report.actuals_of(year)
        rows = []
        for line in lines:
            shown_as, _ = _SHOWN_AS[line.indicator]
            rows.append(
                ReportRow(
                    title=words(f"indicator_{line.indicator.value}"),
                    shown_as=shown_as,
                    actual=_for_table(shown_as, line.actual),
                    target=_for_table(shown_as, line.target),
                    critical=_for_table(shown_as, line.critical),
                    standing=line.standing,
                )
            )
        years.append(
            ReportYear(
                year=year,
                reports=actuals.reports if actuals else 0,
                participants=actuals.participants if actuals else 0,
                rows=rows,
            )
        )
    csv_url, pdf_url = _download_urls(words, report.as_of)
    return ReportView(
        as_of=report.as_of,
        csv_url=csv_url,
        pdf_url=pdf_url,
        accepted_reports=len(report.accepted_reports),
        years=years,
    )
