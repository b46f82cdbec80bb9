"""The zone's report as of a day on the console's dashboard [Decree 1166 Reg. §9.4], over the
real stack served on a loopback port: the chosen day's table, the CSV and PDF downloads with
their content types, the same bytes as the report itself makes, and participants kept out."""

from __future__ import annotations

import re
from datetime import date

import pytest

from audit.zone_report import zone_report, zone_report_csv
from tests.api.conftest import Stack
from tests.audit.test_zone_report import EXPECTED_CSV_RU_2025_03_05, store_the_zone
from tests.console.test_console_dashboard import ADMIN, AUDITOR, PARTICIPANT, REVIEWER, console

pytestmark = pytest.mark.postgres


def compact(page: str) -> str:
    return re.sub(r">\s+<", "><", page)


def year_part(page: str, year: int) -> str:
    """The report table's rows of one year."""
    start = page.index(f'<tbody id="zone-report-{year}">')
    return page[start : page.index("</tbody>", start)]


async def test_the_dashboard_shows_the_zone_report_as_of_the_chosen_day(
    stack: Stack, served: str
) -> None:
    await store_the_zone(stack.store)

    async with console(served, REVIEWER) as reviewer:
        answer = await reviewer.get("/dashboard", params={"as_of": "2026-03-31"})
        unreadable = await reviewer.get("/dashboard", params={"as_of": "31.02.2026"})

    assert answer.status_code == 200, answer.text
    page = compact(answer.text)
    assert 'name="as_of" type="date" min="2002-01-01" max="2100-12-31" value="2026-03-31"' in page
    assert "По состоянию на конец дня 31.03.2026 (Алматы); принятых годовых отчетов: 3." in page
    assert 'href="/dashboard/zone-report.csv?as_of=2026-03-31&amp;lang=ru"' in page
    assert 'href="/dashboard/zone-report.pdf?as_of=2026-03-31&amp;lang=ru"' in page
    # 2025 as of 31.03.2026: alpha's report alone (gamma's is accepted in April).
    year_2025 = year_part(page, 2025)
    assert "2025 год: принято отчетов — 1, отчитавшихся участников — 1" in year_2025
    assert re.search(
        r"Количество участников</th><td>1</td><td>3</td><td>2</td>"
        r"<td><span class=\"badge standing-below_critical\">ниже критического уровня",
        year_2025,
    ), year_2025
    assert re.search(r"Количество рабочих мест</th><td>40</td><td>50</td><td>30</td>", year_2025)
    assert "не представляется в годовых отчетах" in year_2025
    assert "нет принятых отчетов" in year_part(page, 2015)
    # A date that is no day: today's report, and the page says so.
    assert unreadable.status_code == 200
    assert "Дата не распознана; показан отчет на сегодня." in unreadable.text


async def test_the_report_downloads_as_csv_and_pdf_for_staff_and_auditors(
    stack: Stack, served: str
) -> None:
    await store_the_zone(stack.store)
    expected_csv = zone_report_csv(await zone_report(stack.store, date(2025, 3, 5)), "en")

    async with console(served, AUDITOR) as auditor:
        csv_ru = await auditor.get("/dashboard/zone-report.csv", params={"as_of": "2025-03-05"})
        csv_en = await auditor.get(
            "/dashboard/zone-report.csv", params={"as_of": "2025-03-05", "lang": "en"}
        )
        pdf = await auditor.get("/dashboard/zone-report.pdf", params={"as_of": "2025-03-05"})
        bad_day = await auditor.get("/dashboard/zone-report.pdf", params={"as_of": "yesterday"})
    async with console(served, ADMIN, "en") as admin:
        admins = await admin.get("/dashboard/zone-report.csv", params={"as_of": "2025-03-05"})

    assert csv_ru.status_code == 200, csv_ru.text
    assert csv_ru.headers["content-type"] == "text/csv; charset=utf-8"
    assert csv_ru.headers["content-disposition"] == (
        'attachment; filename="pit-zone-report-2025-03-05-ru.csv"'
    )
    assert csv_ru.content.decode("utf-8") == EXPECTED_CSV_RU_2025_03_05.replace("\n", "\r\n")
    assert csv_en.content == expected_csv
    assert admins.content == expected_csv  # the reader's language when none is asked
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == (
        'attachment; filename="pit-zone-report-2025-03-05-ru.pdf"'
    )
    assert pdf.content.startswith(b"%PDF-")
    assert bad_day.status_code == 400
    assert "Дата не распознана" in bad_day.text


async def test_participants_may_not_download_the_zone_report(stack: Stack, served: str) -> None:
    async with console(served, PARTICIPANT) as participant:
        csv = await participant.get("/dashboard/zone-report.csv")
        pdf = await participant.get("/dashboard/zone-report.pdf", params={"as_of": "2026-05-04"})

    assert (csv.status_code, pdf.status_code) == (403, 403)
    assert "сотрудникам управляющей компании и аудиторам" in csv.text
    assert not pdf.content.startswith(b"%PDF")
