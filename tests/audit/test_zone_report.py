"""The zone's report to the authorized body [Decree 1166 Reg. §9.4] as of a day, over a real
PostgreSQL log: the figures of a small zone added up by hand (the arithmetic in the comments)
and compared with the report's; a report accepted after the day does not count, and the same
day gives the same report later; the CSV written exactly; the PDF read back; `pit zone report`.

The zone (all times Almaty):
- established 10.01.2024 with the annex's levels (jobs and the Kazakhstani content share);
  levels for 2024 set 15.01.2025, for 2025 set 15.01.2026.
- alpha (BIN 71), from 1 April 2024: its 2024 report accepted 02.03.2025, its 2025 report
  accepted 02.03.2026.
- beta (BIN 72), from 1 April 2024: its 2024 report submitted wrong (999 jobs), returned,
  resubmitted corrected and accepted 10.03.2025; its 2025 report returned and never accepted.
- gamma (BIN 73), from 1 April 2025: its 2025 report accepted at 02:00 on 16.04.2026 (still
  15.04.2026 in UTC).
- stuck (BIN 74): an application submitted 01.06.2025, never decided.
"""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audit.zone_report import ZoneReport, zone_report, zone_report_csv
from audit.zone_report_pdf import page_count, zone_report_pdf
from cli.main import app
from domain.agreement.commands import AcceptAnnualReport
from domain.indicators import Indicator, IndicatorLevel
from domain.zone import (
    SetIndicatorLevel,
    ZoneCommand,
    ZoneEvent,
    decide_zone,
    evolve_zone,
    initial_zone_state,
    pit_establishment,
)
from domain.zone_indicators import ZoneActuals
from eventstore import PostgresEventStore
from tests.domain.agreement.agreement_scenarios import ADMIN, REVIEWER, at
from tests.integration.lifecycle import DecidedStory
from tests.integration.stored import append_decisions
from tests.projections.report_stories import (
    accept,
    actuals,
    concluded,
    report_id,
    resubmit,
    return_report,
    submit,
)
from tests.projections.support import application, company_bin, store_decision, store_story

pytestmark = pytest.mark.postgres

I = Indicator  # noqa: E741 - the tables below read better short
GENERATED_AT = datetime(2026, 5, 4, 12, 30, tzinfo=UTC)

ALPHA_2024 = actuals(
    2024,
    investment_foreign_kzt=Decimal("100000000.00"),
    investment_domestic_kzt=Decimal("50000000.50"),
    production_volume_kzt=Decimal("400000000.00"),
    jobs=30,
    kz_content_bp=6000,
)
ALPHA_2025 = actuals(
    2025,
    investment_foreign_kzt=Decimal("120000000.00"),
    investment_domestic_kzt=Decimal("80000000.00"),
    production_volume_kzt=Decimal("600000000.00"),
    jobs=40,
    kz_content_bp=5500,
)
BETA_2024 = actuals(
    2024,
    investment_foreign_kzt=Decimal("0.00"),
    investment_domestic_kzt=Decimal("200000000.00"),
    production_volume_kzt=Decimal("100000000.00"),
    jobs=20,
    kz_content_bp=8000,
)
GAMMA_2025 = actuals(
    2025,
    investment_foreign_kzt=Decimal("30000000.00"),
    investment_domestic_kzt=Decimal("20000000.00"),
    production_volume_kzt=Decimal("300000000.00"),
    jobs=15,
    kz_content_bp=3000,
)


def level(indicator: Indicator, year: int, target: str, critical: str) -> IndicatorLevel:
    return IndicatorLevel(
        indicator=indicator, year=year, target=Decimal(target), critical=Decimal(critical)
    )


# The levels the zone sets, and when (Almaty, 09:00).
LEVELS_SET = [
    (
        date(2025, 1, 15),
        [
            level(I.JOBS, 2024, "60", "40"),
            level(I.PRODUCTION, 2024, "0.9", "0.6"),  # billions of tenge
            level(I.KZ_CONTENT_BP, 2024, "5000", "4000"),
        ],
    ),
    (
        date(2026, 1, 15),
        [
            level(I.JOBS, 2025, "50", "30"),
            level(I.INVESTMENT_TOTAL, 2025, "0.3", "0.2"),
            level(I.KZ_CONTENT_BP, 2025, "5000", "4000"),
            level(I.PARTICIPANTS, 2025, "3", "2"),
        ],
    ),
]


async def store_zone(store: PostgresEventStore) -> None:
    """The zone's stream: established 10.01.2024 (the annex's levels), then the levels set."""
    commands: list[tuple[datetime, ZoneCommand]] = [(at(date(2024, 1, 10), 9), pit_establishment())]
    for day, levels in LEVELS_SET:
        commands += [(at(day, 9), SetIndicatorLevel(level=lv, source="letter")) for lv in levels]
    state = initial_zone_state()
    decisions: list[list[ZoneEvent]] = []
    for now, command in commands:
        events = decide_zone(command, state, actor=ADMIN, now=now)
        for event in events:
            state = evolve_zone(state, event)
        decisions.append(events)
    await append_decisions(store, "zone-pit", decisions)


def zone_stories() -> dict[str, DecidedStory]:
    alpha = concluded("alpha", bin_=company_bin(71), year=2024)
    submit(alpha, ALPHA_2024)
    accept(alpha, 2024, on=date(2025, 3, 2))
    submit(alpha, ALPHA_2025)
    accept(alpha, 2025, on=date(2026, 3, 2))

    beta = concluded("beta", bin_=company_bin(72), year=2024)
    submit(beta, BETA_2024.model_copy(update={"jobs": 999}))
    return_report(beta, 2024)
    resubmit(beta, BETA_2024)
    accept(beta, 2024, on=date(2025, 3, 10))
    submit(beta, actuals(2025, jobs=900))
    return_report(beta, 2025)

    gamma = concluded("gamma", bin_=company_bin(73), year=2025)
    submit(gamma, GAMMA_2025)
    # At 02:00 in Almaty on 16 April: 21:00 UTC on the 15th.
    gamma.when(
        AcceptAnnualReport(report_id=report_id(2025)), by=REVIEWER, on=at(date(2026, 4, 16), 2)
    )

    stuck = application("stuck", "submitted", submitted_on=date(2025, 6, 1), bin=company_bin(74))
    return {"alpha": alpha, "beta": beta, "gamma": gamma, "stuck": stuck}


async def store_the_zone(store: PostgresEventStore, *, gamma_accepted: bool = True) -> None:
    """The zone and its four agreements; gamma's acceptance left out unless asked for."""
    await store_zone(store)
    for agreement_id, story in zone_stories().items():
        if agreement_id == "gamma" and not gamma_accepted:
            story.decisions.pop()
        await store_story(store, agreement_id, story)


async def accept_gamma_late(store: PostgresEventStore) -> None:
    """Record gamma's acceptance, after the rest of its story."""
    story = zone_stories()["gamma"]
    await store_decision(store, "gamma", story, len(story.decisions))


def figures(report: ZoneReport, year: int) -> dict[Indicator, tuple[object, ...]]:
    """A year's lines: indicator -> (actual, target, critical, standing)."""
    return {
        line.indicator: (line.actual, line.target, line.critical, line.standing)
        for line in report.lines_of(year)
    }


# --- the figures, by hand -------------------------------------------------------------------


async def test_the_report_adds_up_the_accepted_reports_as_a_hand_computation_does(
    fresh_store: PostgresEventStore,
) -> None:
    await store_the_zone(fresh_store)

    report = await zone_report(fresh_store, date(2026, 5, 4))

    assert report.zone_code == "pit"
    assert report.zone_name_en == 'Special economic zone "Park of Innovative Technologies"'
    assert report.agreements == 4
    assert [(r.agreement_id, r.year) for r in report.accepted_reports] == [
        ("alpha", 2024),
        ("beta", 2024),
        ("alpha", 2025),
        ("gamma", 2025),
    ]
    # The annex's milestones, and the two years reported.
    assert report.years == (2012, 2015, 2020, 2024, 2025, 2028)
    assert report.actuals == (
        ZoneActuals(
            year=2024,
            reports=2,  # alpha, beta (as resubmitted: 20 jobs, not 999)
            participants=2,
            investment_foreign_kzt=Decimal("100000000.00"),  # 100 000 000,00 + 0,00
            investment_domestic_kzt=Decimal("250000000.50"),  # 50 000 000,50 + 200 000 000,00
            investment_total_kzt=Decimal("350000000.50"),  # 100 000 000,00 + 250 000 000,50
            production_kzt=Decimal("500000000.00"),  # 400 000 000 + 100 000 000
            jobs=50,  # 30 + 20
            # (6000 × 400 000 000 + 8000 × 100 000 000) / 500 000 000 = 3 200 000 / 500 = 6400
            kz_content_bp=Decimal("6400.00"),
        ),
        ZoneActuals(
            year=2025,
            reports=2,  # alpha, gamma; beta's was returned and never accepted
            participants=2,
            investment_foreign_kzt=Decimal("150000000.00"),  # 120 000 000 + 30 000 000
            investment_domestic_kzt=Decimal("100000000.00"),  # 80 000 000 + 20 000 000
            investment_total_kzt=Decimal("250000000.00"),  # 150 000 000 + 100 000 000
            production_kzt=Decimal("900000000.00"),  # 600 000 000 + 300 000 000
            jobs=55,  # 40 + 15
            # (5500 × 600 000 000 + 3000 × 300 000 000) / 900 000 000 = 4 200 000 / 900
            # = 4666,666… → 4666,67 (a hundredth of a basis point)
            kz_content_bp=Decimal("4666.67"),
        ),
    )
    # Against the levels, in the annex's units (billions of tenge, counts, basis points).
    assert figures(report, 2024) == {
        I.INVESTMENT_TOTAL: (Decimal("0.3500000005"), None, None, "no_level"),
        I.INVESTMENT_FOREIGN: (Decimal("0.1"), None, None, "no_level"),
        I.INVESTMENT_DOMESTIC: (Decimal("0.2500000005"), None, None, "no_level"),
        # 0,5 bln < 0,6 critical
        I.PRODUCTION: (Decimal("0.5"), Decimal("0.9"), Decimal("0.6"), "below_critical"),
        I.PARTICIPANTS: (Decimal(2), None, None, "no_level"),
        I.JOBS: (Decimal(50), Decimal(60), Decimal(40), "between"),  # 40 ≤ 50 < 60
        I.KZ_CONTENT_BP: (
            Decimal("6400.00"),
            Decimal(5000),
            Decimal(4000),
            "at_or_above_target",  # 64 % ≥ 50 %
        ),
        I.ICT_LABS_AND_DEPARTMENTS: (None, None, None, "not_reported"),
    }
    assert figures(report, 2025) == {
        I.INVESTMENT_TOTAL: (
            Decimal("0.25"),
            Decimal("0.3"),
            Decimal("0.2"),
            "between",  # 0,2 ≤ 0,25 < 0,3
        ),
        I.INVESTMENT_FOREIGN: (Decimal("0.15"), None, None, "no_level"),
        I.INVESTMENT_DOMESTIC: (Decimal("0.1"), None, None, "no_level"),
        I.PRODUCTION: (Decimal("0.9"), None, None, "no_level"),
        # exactly the critical level is not below it
        I.PARTICIPANTS: (Decimal(2), Decimal(3), Decimal(2), "between"),
        I.JOBS: (Decimal(55), Decimal(50), Decimal(30), "at_or_above_target"),  # 55 ≥ 50
        # 40 % ≤ 46,6667 % < 50 %
        I.KZ_CONTENT_BP: (Decimal("4666.67"), Decimal(5000), Decimal(4000), "between"),
        I.ICT_LABS_AND_DEPARTMENTS: (None, None, None, "not_reported"),
    }
    # A milestone without an accepted report: the level is there, the figure is not made up.
    assert figures(report, 2015)[I.JOBS] == (
        None,
        Decimal(2718),
        Decimal(2119),
        "no_accepted_report",
    )
    assert figures(report, 2015)[I.PARTICIPANTS] == (None, None, None, "no_accepted_report")


async def test_a_day_counts_what_was_accepted_and_set_by_its_end_in_almaty(
    fresh_store: PostgresEventStore,
) -> None:
    await store_the_zone(fresh_store)

    early_2025 = await zone_report(fresh_store, date(2025, 3, 5))
    end_of_march_2026 = await zone_report(fresh_store, date(2026, 3, 31))
    day_before_gamma = await zone_report(fresh_store, date(2026, 4, 15))
    day_of_gamma = await zone_report(fresh_store, date(2026, 4, 16))

    # 05.03.2025: alpha's 2024 report only (beta's is accepted on 10.03); the 2025 levels are
    # not set yet, gamma's and stuck's streams not begun.
    assert early_2025.agreements == 2
    assert early_2025.years == (2012, 2015, 2020, 2024, 2028)
    (only_alpha,) = early_2025.actuals
    assert (only_alpha.reports, only_alpha.participants, only_alpha.jobs) == (1, 1, 30)
    assert only_alpha.investment_total_kzt == Decimal("150000000.50")  # 100 000 000 + 50 000 000,50
    assert figures(early_2025, 2024)[I.JOBS][3] == "below_critical"  # 30 < 40
    assert figures(early_2025, 2024)[I.PRODUCTION][0] == Decimal("0.4")
    assert figures(early_2025, 2024)[I.PRODUCTION][3] == "below_critical"  # 0,4 < 0,6
    assert figures(early_2025, 2024)[I.KZ_CONTENT_BP][0] == Decimal("6000.00")

    # 31.03.2026: 2025 has alpha's report alone.
    assert end_of_march_2026.agreements == 4
    year_2025 = end_of_march_2026.actuals_of(2025)
    assert year_2025 is not None
    assert (year_2025.reports, year_2025.participants, year_2025.jobs) == (1, 1, 40)
    assert figures(end_of_march_2026, 2025)[I.PARTICIPANTS] == (
        Decimal(1),
        Decimal(3),
        Decimal(2),
        "below_critical",  # 1 < 2
    )
    assert figures(end_of_march_2026, 2025)[I.INVESTMENT_TOTAL] == (
        Decimal("0.2"),  # 120 000 000 + 80 000 000
        Decimal("0.3"),
        Decimal("0.2"),
        "between",
    )

    # Gamma's acceptance at 02:00 on 16.04 in Almaty is 15.04 in UTC: it belongs to the 16th.
    assert day_before_gamma.actuals == end_of_march_2026.actuals
    everything = await zone_report(fresh_store, date(2026, 5, 4))
    assert day_of_gamma.actuals_of(2025) == everything.actuals_of(2025)


async def test_a_report_accepted_later_leaves_an_earlier_day_as_it_was(
    fresh_store: PostgresEventStore,
) -> None:
    await store_the_zone(fresh_store, gamma_accepted=False)
    before = await zone_report(fresh_store, date(2026, 4, 15))
    before_later_day = await zone_report(fresh_store, date(2026, 5, 4))

    await accept_gamma_late(fresh_store)
    again = await zone_report(fresh_store, date(2026, 4, 15))
    now_later_day = await zone_report(fresh_store, date(2026, 5, 4))

    assert again == before
    assert zone_report_csv(again) == zone_report_csv(before)
    # The later day takes gamma in: 2025 goes from alpha alone to alpha and gamma.
    assert before_later_day.actuals_of(2025) == before.actuals_of(2025)
    later_2025 = now_later_day.actuals_of(2025)
    assert later_2025 is not None
    assert (later_2025.reports, later_2025.jobs) == (2, 55)  # 40 + 15


async def test_indicators_no_annual_report_carries_are_marked_not_reported(
    fresh_store: PostgresEventStore,
) -> None:
    await store_the_zone(fresh_store)

    report = await zone_report(fresh_store, date(2026, 5, 4))

    assert report.not_reported == (I.ICT_LABS_AND_DEPARTMENTS,)
    ict = [line for line in report.lines if line.indicator is I.ICT_LABS_AND_DEPARTMENTS]
    assert [line.year for line in ict] == list(report.years)
    assert {(line.actual, line.standing) for line in ict} == {(None, "not_reported")}


async def test_an_empty_log_gives_an_empty_report_not_an_error(
    fresh_store: PostgresEventStore,
) -> None:
    report = await zone_report(fresh_store, date(2026, 5, 4))

    assert (report.agreements, report.accepted_reports, report.lines) == (0, (), ())
    assert report.zone_name("ru") == "pit"
    assert zone_report_csv(report, "en") == (
        b"\xef\xbb\xbfIndicator,Unit,Year,Actual,Target,Critical level,Status\r\n"
    )


# --- CSV ------------------------------------------------------------------------------------

EXPECTED_CSV_RU_2025_03_05 = """\ufeffПоказатель;Единица;Год;Факт;Цель;Критический уровень;Оценка
Общий объем инвестиций;млрд тенге;2012;;;;нет принятых отчетов
Общий объем инвестиций;млрд тенге;2015;;;;нет принятых отчетов
Общий объем инвестиций;млрд тенге;2020;;;;нет принятых отчетов
Общий объем инвестиций;млрд тенге;2024;0,1500000005;;;уровень на год не установлен
Общий объем инвестиций;млрд тенге;2028;;;;нет принятых отчетов
Объем иностранных инвестиций;млрд тенге;2012;;;;нет принятых отчетов
Объем иностранных инвестиций;млрд тенге;2015;;;;нет принятых отчетов
Объем иностранных инвестиций;млрд тенге;2020;;;;нет принятых отчетов
Объем иностранных инвестиций;млрд тенге;2024;0,1;;;уровень на год не установлен
Объем иностранных инвестиций;млрд тенге;2028;;;;нет принятых отчетов
Объем отечественных инвестиций;млрд тенге;2012;;;;нет принятых отчетов
Объем отечественных инвестиций;млрд тенге;2015;;;;нет принятых отчетов
Объем отечественных инвестиций;млрд тенге;2020;;;;нет принятых отчетов
Объем отечественных инвестиций;млрд тенге;2024;0,0500000005;;;уровень на год не установлен
Объем отечественных инвестиций;млрд тенге;2028;;;;нет принятых отчетов
Объем производства товаров и услуг (работ);млрд тенге;2012;;;;нет принятых отчетов
Объем производства товаров и услуг (работ);млрд тенге;2015;;;;нет принятых отчетов
Объем производства товаров и услуг (работ);млрд тенге;2020;;;;нет принятых отчетов
Объем производства товаров и услуг (работ);млрд тенге;2024;0,4;0,9;0,6;ниже критического уровня
Объем производства товаров и услуг (работ);млрд тенге;2028;;;;нет принятых отчетов
Количество участников;участников;2012;;;;нет принятых отчетов
Количество участников;участников;2015;;;;нет принятых отчетов
Количество участников;участников;2020;;;;нет принятых отчетов
Количество участников;участников;2024;1;;;уровень на год не установлен
Количество участников;участников;2028;;;;нет принятых отчетов
Количество рабочих мест;рабочих мест;2012;;1511;;нет принятых отчетов
Количество рабочих мест;рабочих мест;2015;;2718;2119;нет принятых отчетов
Количество рабочих мест;рабочих мест;2020;;5826;3640;нет принятых отчетов
Количество рабочих мест;рабочих мест;2024;30;60;40;ниже критического уровня
Количество рабочих мест;рабочих мест;2028;;;;нет принятых отчетов
Доля казахстанского содержания в объеме производства;%;2012;;50;;нет принятых отчетов
Доля казахстанского содержания в объеме производства;%;2015;;50;40;нет принятых отчетов
Доля казахстанского содержания в объеме производства;%;2020;;50;40;нет принятых отчетов
Доля казахстанского содержания в объеме производства;%;2024;60;50;40;цель достигнута
Доля казахстанского содержания в объеме производства;%;2028;;50;40;нет принятых отчетов
{ict};2012;;;;не представляется в годовых отчетах
{ict};2015;;;;не представляется в годовых отчетах
{ict};2020;;;;не представляется в годовых отчетах
{ict};2024;;;;не представляется в годовых отчетах
{ict};2028;;;;не представляется в годовых отчетах
""".replace(
    "{ict}",
    "Научно-исследовательские лаборатории и учебные кафедры в области ИКТ;лабораторий и кафедр",
)


async def test_the_csv_has_a_row_per_indicator_and_year_exactly(
    fresh_store: PostgresEventStore,
) -> None:
    await store_the_zone(fresh_store)
    report = await zone_report(fresh_store, date(2025, 3, 5))

    russian = zone_report_csv(report, "ru")
    english = zone_report_csv(report, "en")

    # UTF-8 with a BOM, ";" and decimal commas in Russian (Excel in Kazakhstan), CRLF lines.
    assert russian.startswith(b"\xef\xbb\xbf")
    assert russian.decode("utf-8") == EXPECTED_CSV_RU_2025_03_05.replace("\n", "\r\n")
    english_lines = english.decode("utf-8").split("\r\n")
    assert english_lines[0] == "\ufeffIndicator,Unit,Year,Actual,Target,Critical level,Status"
    assert "Total investment,bln KZT,2024,0.1500000005,,,no level set for the year" in english_lines
    production = "Production of goods and services (works),bln KZT"
    assert f"{production},2024,0.4,0.9,0.6,below the critical level" in english_lines
    assert "Kazakhstani content share of production,%,2024,60,50,40,target met" in english_lines
    assert len(english_lines) == 1 + 8 * 5 + 1  # header, 8 indicators × 5 years, final CRLF


# --- PDF ------------------------------------------------------------------------------------


def pages_of(pdf: bytes) -> int:
    """The page count the document's page tree gives."""
    (count,) = re.findall(rb"/Type /Pages\s+/Kids \[[^\]]*\]\s+/Count (\d+)", pdf)
    return int(count)


async def test_the_pdf_has_a_title_page_a_table_per_year_and_a_chart_per_indicator(
    fresh_store: PostgresEventStore,
) -> None:
    await store_the_zone(fresh_store)
    report = await zone_report(fresh_store, date(2026, 5, 4))

    pdf = zone_report_pdf(report, "ru", generated_at=GENERATED_AT)

    assert pdf.startswith(b"%PDF-")
    # Title page, 6 years (2012, 2015, 2020, 2024, 2025, 2028), and 7 charts three a page (ICT
    # has no figure and no level: no chart).
    assert page_count(report) == 1 + 6 + 3
    assert pages_of(pdf) == 10
    title = "Отчет о результатах деятельности специальной экономической зоны"
    assert f"\ufeff{title}".encode("utf-16-be")[:20] in pdf  # /Title, UTF-16 with a BOM
    assert b"/CreationDate (D:20260504123000Z)" in pdf
    try:
        from pypdf import PdfReader  # not a dependency: read the text back where it is there
    except ImportError:
        return
    import io

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 10
    first = reader.pages[0].extract_text()
    assert "Парк инновационных технологий" in first
    assert "п. 9.4" in first
    assert "04.05.2026" in first
    assert "2024" in reader.pages[4].extract_text()


async def test_the_same_report_and_time_give_the_same_pdf_bytes(
    fresh_store: PostgresEventStore,
) -> None:
    await store_the_zone(fresh_store)
    report = await zone_report(fresh_store, date(2026, 3, 31))
    again = await zone_report(fresh_store, date(2026, 3, 31))

    first = zone_report_pdf(report, "en", generated_at=GENERATED_AT)
    second = zone_report_pdf(again, "en", generated_at=GENERATED_AT)
    later = zone_report_pdf(report, "en", generated_at=datetime(2026, 5, 5, tzinfo=UTC))

    assert first == second
    assert later != first  # only the generation time differs, and it is written down


# --- pit zone report ------------------------------------------------------------------------


@pytest.fixture
def pit(fresh_dsn: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """DATABASE_URL naming a log with the zone's story."""
    monkeypatch.setenv("DATABASE_URL", fresh_dsn)

    async def record() -> None:
        async with await PostgresEventStore.open(fresh_dsn) as store:
            await store_the_zone(store)

    asyncio.run(record())
    return CliRunner()


def test_pit_zone_report_prints_the_table_and_writes_the_files(
    pit: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # rich's table, unwrapped
    csv_file, pdf_file = tmp_path / "zone.csv", tmp_path / "zone.pdf"

    table = pit.invoke(app, ["zone", "report", "--as-of", "05.03.2025", "--lang", "en"])
    files = pit.invoke(
        app,
        [
            "zone",
            "report",
            "--as-of",
            "2025-03-05",
            "--csv",
            str(csv_file),
            "--pdf",
            str(pdf_file),
            "--json",
        ],
    )
    wrong_day = pit.invoke(app, ["zone", "report", "--as-of", "31.02.2025"])

    assert table.exit_code == 0, table.output
    assert "as of the end of 05.03.2025" in table.output
    assert "1 annual report(s) accepted by then, 2 agreement(s) in the log" in table.output
    assert "below the critical level" in table.output
    assert "not reported in the annual reports" in table.output
    assert files.exit_code == 0, files.output
    document = json.loads(files.stdout)
    assert document["as_of"] == "2025-03-05"
    assert [a["jobs"] for a in document["actuals"]] == [30]
    assert csv_file.read_bytes().decode("utf-8") == EXPECTED_CSV_RU_2025_03_05.replace("\n", "\r\n")
    assert pdf_file.read_bytes().startswith(b"%PDF-")
    assert wrong_day.exit_code == 2
    assert "is no day" in wrong_day.output


def test_pit_zone_report_names_a_missing_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)

    answer = CliRunner().invoke(app, ["zone", "report"])

    assert answer.exit_code == 2
    assert "DATABASE_URL is not set" in answer.output
