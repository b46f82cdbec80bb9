"""The zone's report to the authorized body [Decree 1166 Reg. §9.4, annex of Decree No. 457]: the
zone's figures per year from the participants' accepted annual reports, set against the
annex's targets and critical levels, as the log told them at the end of any Almaty day.

Reproducible: :func:`zone_report` folds every agreement's stream up to the end of the day
(``occurred_until``, as ``pit audit replay`` and the auditor's screen do) and takes the reports
accepted by then, and the zone's stream up to the same instant for the levels; it never reads
the live read model, which only knows now. A report accepted after the day does not count, and
the same day gives the same figures whenever it is asked again. The aggregation and the
comparison are the domain's (:mod:`domain.zone_indicators`).

The report as a CSV file is here (:func:`zone_report_csv`); as a PDF with charts in
:mod:`audit.zone_report_pdf`. Both are written in Russian or English.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Literal, NamedTuple, cast

from pydantic import AwareDatetime, BaseModel, ConfigDict

from activities.event_log import domain_codec
from activities.zone_log import fold_zone
from audit.replay import occurred_until
from domain.indicators import Indicator
from domain.legal_basis import DECREE_ANNEX, REG_9_4
from domain.zone import PIT_CODE, ZoneEstablished, zone_stream_id
from domain.zone_indicators import (
    NOT_IN_ANNUAL_REPORTS,
    ReportLine,
    Standing,
    ZoneActuals,
    report_lines,
    zone_actuals,
)
from eventstore import EventStore
from eventstore.store import MAX_LIST_STREAMS
from projections.projector import AGREEMENT_STREAM_PREFIX, decode_agreement_event
from projections.reports import AcceptedReport, accepted_reports_of
from projections.summary import fold_events

Language = Literal["ru", "en"]
MONEY = frozenset(
    {
        Indicator.INVESTMENT_TOTAL,
        Indicator.INVESTMENT_FOREIGN,
        Indicator.INVESTMENT_DOMESTIC,
        Indicator.PRODUCTION,
    }
)
"""The indicators in billions of tenge."""
LANGUAGES: tuple[Language, ...] = ("ru", "en")
LEGAL_BASIS = (REG_9_4, DECREE_ANNEX)

READ_CONCURRENCY = 8
"""How many agreement streams are read at once (the pool bounds it too)."""


class ZoneReport(BaseModel):
    """The zone's report as of the end of an Almaty day.

    Attributes:
        zone_code: the zone (``pit``).
        zone_name_ru, zone_name_en: its name as established (None: not established by then).
        as_of: the day; ``until`` is its last instant, the last business time included.
        legal_basis: Reg. §9.4 (the management company reports on the zone's results from
            the participants' annual reports) and the annex of indicators.
        agreements: the agreements that had any event by then.
        accepted_reports: the annual reports accepted by then, by year and agreement.
        actuals: the zone's figures per year from them
            (:func:`domain.zone_indicators.zone_actuals`).
        lines: every indicator in every year against the level set for it by then
            (:func:`domain.zone_indicators.report_lines`).
        not_reported: the indicators no annual report carries, which the log cannot provide.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    zone_code: str
    zone_name_ru: str | None
    zone_name_en: str | None
    as_of: date
    until: AwareDatetime
    legal_basis: tuple[str, ...] = LEGAL_BASIS
    agreements: int
    accepted_reports: tuple[AcceptedReport, ...]
    actuals: tuple[ZoneActuals, ...]
    lines: tuple[ReportLine, ...]
    not_reported: tuple[Indicator, ...] = tuple(i for i in Indicator if i in NOT_IN_ANNUAL_REPORTS)

    @property
    def years(self) -> tuple[int, ...]:
        """The years the report covers: with an accepted report or a level, earliest first."""
        return tuple(sorted({line.year for line in self.lines}))

    def lines_of(self, year: int) -> tuple[ReportLine, ...]:
        """The year's lines, one per indicator, in the order of :class:`Indicator`."""
        return tuple(line for line in self.lines if line.year == year)

    def actuals_of(self, year: int) -> ZoneActuals | None:
        """The year's figures (None: no report on it was accepted by then)."""
        return next((a for a in self.actuals if a.year == year), None)

    def zone_name(self, language: Language) -> str:
        """The zone's name in ``language``, or its code if it was not established by then."""
        name = self.zone_name_ru if language == "ru" else self.zone_name_en
        return name or self.zone_code


async def _accepted_by(
    store: EventStore, stream_id: str, until: AwareDatetime
) -> list[AcceptedReport] | None:
    """The agreement's reports accepted by ``until`` (None: no event of it had occurred)."""
    recorded = await store.read_stream(stream_id, occurred_until=until)
    folded = fold_events(decode_agreement_event(event) for event in recorded)
    if folded is None:
        return None
    return accepted_reports_of(stream_id.removeprefix(AGREEMENT_STREAM_PREFIX), folded)


async def _agreement_stream_ids(store: EventStore) -> list[str]:
    ids: list[str] = []
    while True:
        page = await store.list_streams(
            AGREEMENT_STREAM_PREFIX, after=ids[-1] if ids else None, limit=MAX_LIST_STREAMS
        )
        ids.extend(page)
        if len(page) < MAX_LIST_STREAMS:
            return ids


async def zone_report(store: EventStore, as_of: date, *, zone_code: str = PIT_CODE) -> ZoneReport:
    """The zone's report as the log told it at the end of ``as_of`` in Almaty.

    Every agreement's stream is folded by the domain's own code up to that instant and its
    accepted reports taken as the read model would have taken them then
    (:func:`projections.reports.accepted_reports_of`); the levels are the zone's stream's by
    then. Only reports count that were accepted by then: one submitted, returned or resubmitted
    is not a figure yet.

    Raises:
        StoreUnavailable: the database cannot be reached.
        StreamNotProjectable, UnknownEventType, UpcastError: an event cannot be read (the
            report is not made from part of the log).
    """
    until = occurred_until(as_of)
    assert until is not None  # a day always ends
    gate = asyncio.Semaphore(READ_CONCURRENCY)

    async def accepted(stream_id: str) -> list[AcceptedReport] | None:
        async with gate:
            return await _accepted_by(store, stream_id, until)

    per_agreement = await asyncio.gather(
        *(accepted(stream_id) for stream_id in await _agreement_stream_ids(store))
    )
    reports = sorted(
        (r for rows in per_agreement if rows is not None for r in rows),
        key=lambda r: (r.year, r.agreement_id),
    )
    zone_events = await store.read_stream(zone_stream_id(zone_code), occurred_until=until)
    levels = fold_zone(zone_events).state.indicator_levels
    established = next((e for e in zone_events if e.type == "zone_established"), None)
    names = cast(ZoneEstablished, domain_codec().decode(established)) if established else None
    actuals = zone_actuals(reports)
    return ZoneReport(
        zone_code=zone_code,
        zone_name_ru=names.name_ru if names else None,
        zone_name_en=names.name_en if names else None,
        as_of=as_of,
        until=until,
        agreements=sum(1 for rows in per_agreement if rows is not None),
        accepted_reports=tuple(reports),
        actuals=actuals,
        lines=report_lines(levels, actuals),
    )


# --- the report's words ------------------------------------------------------------------------


class Words(NamedTuple):
    """One phrase of the report in both languages."""

    ru: str
    en: str

    def __call__(self, language: Language) -> str:
        return self.ru if language == "ru" else self.en


INDICATOR_NAMES: dict[Indicator, Words] = {
    Indicator.INVESTMENT_TOTAL: Words("Общий объем инвестиций", "Total investment"),
    Indicator.INVESTMENT_FOREIGN: Words("Объем иностранных инвестиций", "Foreign investment"),
    Indicator.INVESTMENT_DOMESTIC: Words("Объем отечественных инвестиций", "Domestic investment"),
    Indicator.PRODUCTION: Words(
        "Объем производства товаров и услуг (работ)", "Production of goods and services (works)"
    ),
    Indicator.PARTICIPANTS: Words("Количество участников", "Number of participants"),
    Indicator.JOBS: Words("Количество рабочих мест", "Number of jobs"),
    Indicator.KZ_CONTENT_BP: Words(
        "Доля казахстанского содержания в объеме производства",
        "Kazakhstani content share of production",
    ),
    Indicator.ICT_LABS_AND_DEPARTMENTS: Words(
        "Научно-исследовательские лаборатории и учебные кафедры в области ИКТ",
        "ICT research labs and university departments",
    ),
}
# The units the exports write figures in: the annex's, with the share in percent as the annex
# writes it (50 %), not the basis points the domain keeps.
UNIT_NAMES: dict[Indicator, Words] = {
    Indicator.INVESTMENT_TOTAL: Words("млрд тенге", "bln KZT"),
    Indicator.INVESTMENT_FOREIGN: Words("млрд тенге", "bln KZT"),
    Indicator.INVESTMENT_DOMESTIC: Words("млрд тенге", "bln KZT"),
    Indicator.PRODUCTION: Words("млрд тенге", "bln KZT"),
    Indicator.PARTICIPANTS: Words("участников", "participants"),
    Indicator.JOBS: Words("рабочих мест", "jobs"),
    Indicator.KZ_CONTENT_BP: Words("%", "%"),
    Indicator.ICT_LABS_AND_DEPARTMENTS: Words("лабораторий и кафедр", "labs and departments"),
}
STANDING_NAMES: dict[Standing, Words] = {
    "at_or_above_target": Words("цель достигнута", "target met"),
    "between": Words("между критическим уровнем и целью", "between critical level and target"),
    "below_critical": Words("ниже критического уровня", "below the critical level"),
    "no_level": Words("уровень на год не установлен", "no level set for the year"),
    "no_accepted_report": Words("нет принятых отчетов", "no accepted report"),
    "no_figure": Words("не определено", "undefined"),
    "not_reported": Words(
        "не представляется в годовых отчетах", "not reported in the annual reports"
    ),
}
CSV_HEADERS: dict[Language, tuple[str, ...]] = {
    "ru": ("Показатель", "Единица", "Год", "Факт", "Цель", "Критический уровень", "Оценка"),
    "en": ("Indicator", "Unit", "Year", "Actual", "Target", "Critical level", "Status"),
}


def in_export_unit(indicator: Indicator, value: Decimal | None) -> Decimal | None:
    """A figure of the annex's unit as the exports write it: the share in percent (the domain's
    basis points / 100), every other as it is; exact, without trailing zeros."""
    if value is None:
        return None
    if indicator is Indicator.KZ_CONTENT_BP:
        value = value.scaleb(-2)
    return _plain(value)


def shown(indicator: Indicator, value: Decimal | None) -> str:
    """A figure of the annex's unit as the tables write it, as in Almaty: billions of tenge to
    the million (``1 234,568``), a share in percent to the hundredth (``58,33``), a count grouped
    (``2 718``); "—" for none. The CSV has the exact figures."""
    if value is None:
        return "—"
    if indicator in MONEY:
        return _decimal_comma(value.quantize(Decimal("0.001"), ROUND_HALF_EVEN))
    if indicator is Indicator.KZ_CONTENT_BP:
        return _decimal_comma(value.scaleb(-2).quantize(Decimal("0.01"), ROUND_HALF_EVEN))
    return grouped(int(value.to_integral_value(ROUND_HALF_EVEN)))


def _decimal_comma(value: Decimal) -> str:
    whole, _, fraction = format(abs(value), "f").partition(".")
    sign = "-" if value < 0 else ""
    return f"{sign}{grouped(int(whole))}" + (f",{fraction}" if fraction else "")


def grouped(whole: int) -> str:
    """A whole number grouped by threes with a no-break space, as in Almaty: ``1 234 567``."""
    return f"{whole:,}".replace(",", "\u00a0")


def _plain(value: Decimal) -> Decimal:
    """``value`` without trailing zeros and never in exponent notation (``2.5E+3`` is 2500)."""
    normal = value.normalize()
    exponent = normal.as_tuple().exponent
    return normal.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else normal


# --- CSV ---------------------------------------------------------------------------------------

# Excel in Kazakhstan (ru-KZ, kk-KZ regional settings) reads a CSV file without a byte order mark
# in the ANSI code page (Windows-1251), so UTF-8 Cyrillic comes out as mojibake; the BOM is what
# makes it read UTF-8. The same settings separate a list by ";" and write a decimal comma, so
# the Russian file is written that way (it opens in columns with numbers as numbers); the
# English one as RFC 4180 and Excel in English settings have it: "," and a decimal point.
UTF8_BOM = "\ufeff"
CSV_DIALECT: dict[Language, tuple[str, str]] = {"ru": (";", ","), "en": (",", ".")}
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


def _csv_number(value: Decimal | None, decimal_mark: str) -> str:
    return "" if value is None else format(value, "f").replace(".", decimal_mark)


def zone_report_csv(report: ZoneReport, language: Language = "ru") -> bytes:
    """The report as CSV: a header and one row per indicator and year (indicator, unit, year,
    actual, target, critical level, status), in the order of the report's lines.

    UTF-8 with a byte order mark; in Russian ";"-separated with decimal commas, in English
    ","-separated with decimal points (see the comment above :data:`UTF8_BOM`). Figures are
    exact, in the annex's units (billions of tenge, counts, percent); a figure or level there is
    none of is an empty field, and the status says why.
    """
    delimiter, decimal_mark = CSV_DIALECT[language]
    written = io.StringIO(newline="")
    writer = csv.writer(written, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(CSV_HEADERS[language])
    for line in report.lines:
        indicator = line.indicator
        writer.writerow(
            (
                INDICATOR_NAMES[indicator](language),
                UNIT_NAMES[indicator](language),
                line.year,
                _csv_number(in_export_unit(indicator, line.actual), decimal_mark),
                _csv_number(in_export_unit(indicator, line.target), decimal_mark),
                _csv_number(in_export_unit(indicator, line.critical), decimal_mark),
                STANDING_NAMES[line.standing](language),
            )
        )
    return (UTF8_BOM + written.getvalue()).encode("utf-8")


def file_name(report: ZoneReport, language: Language, extension: str) -> str:
    """The name a download or the command suggests: ``pit-zone-report-2026-05-04-ru.csv``."""
    return f"{report.zone_code}-zone-report-{report.as_of.isoformat()}-{language}.{extension}"


def lines_by_year(report: ZoneReport) -> Sequence[tuple[int, tuple[ReportLine, ...]]]:
    """The report's lines year by year, earliest first: the tables of the PDF and the console."""
    return [(year, report.lines_of(year)) for year in report.years]
