"""The console's zone dashboard and the agreements list's filters, over the real stack served on
a loopback port with the projector following the log: the figures shown come from the annual
reports accepted in the test, each chart has its table, both languages; participants are kept
out; the staff's list filters by status, OKED section, priority area and overdue deadlines."""

from __future__ import annotations

import asyncio
import html
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

import httpx
import pytest

from api.console.formatting import count, kzt, percent_of_basis_points
from domain.indicators import Indicator, IndicatorLevel
from tests.accounts.conftest import STRONG
from tests.api.conftest import Stack
from tests.api.test_zone_dashboard import store_zone
from tests.projections.report_stories import YEAR, actuals, concluded, reported, submit
from tests.projections.support import application, company_bin, last_position, store_story

pytestmark = pytest.mark.postgres

REVIEWER, AUDITOR, ADMIN = "reviewer-aigerim", "auditor-saule", "admin-timur"
PARTICIPANT = "alatau-software"
FOLLOW_S = 15.0

ALATAU = actuals(
    jobs=26,
    kz_content_bp=6500,
    investment_foreign_kzt=Decimal("70000000.00"),
    investment_domestic_kzt=Decimal("30000000.25"),
    production_volume_kzt=Decimal("400000000.00"),
)
STEPPE = actuals(
    jobs=9,
    kz_content_bp=2500,
    investment_foreign_kzt=Decimal("5000000.00"),
    investment_domestic_kzt=Decimal("15000000.00"),
    production_volume_kzt=Decimal("100000000.00"),
)
NAMES = {
    "alatau": "ТОО Алатау Софт",
    "steppe": "АО Степные Материалы",
    "pending": "ТОО Отчет На Проверке",
    "stuck": "ТОО Заявка Без Решения",
}


@asynccontextmanager
async def console(
    served: str, login: str, language: str = "ru"
) -> AsyncIterator[httpx.AsyncClient]:
    """A person's own client of the served console, logged in by the login form."""
    async with httpx.AsyncClient(base_url=served, cookies={"pit_lang": language}) as client:
        answer = await client.post("/login", data={"login": login, "password": STRONG})
        assert answer.status_code == 303, answer.text
        yield client


async def followed(stack: Stack) -> None:
    """Wait (bounded) until the served projector has passed the log's last event."""
    last = await last_position(stack.store)
    deadline = time.monotonic() + FOLLOW_S
    while (await stack.projector.checkpoint()).global_position < last:
        assert time.monotonic() < deadline, "the projector did not follow the log in time"
        await asyncio.sleep(0.05)


async def store_the_zone_in_2025(stack: Stack) -> None:
    """Two agreements with their 2025 reports accepted, one whose report is under review, an
    application never decided (its decision long overdue), and the zone's levels for 2025."""
    jobs = ALATAU.jobs + STEPPE.jobs
    await store_zone(
        stack.store,
        [
            IndicatorLevel(indicator=Indicator.JOBS, year=YEAR, target=Decimal(jobs + 5)),
            IndicatorLevel(
                indicator=Indicator.KZ_CONTENT_BP,
                year=YEAR,
                target=Decimal(5000),
                critical=Decimal(4000),
            ),
        ],
    )
    pending = concluded("p", bin_=company_bin(73), name=NAMES["pending"])
    submit(pending, actuals(jobs=400))
    stories = {
        "alatau": reported("a", bin_=company_bin(71), actuals=ALATAU, name=NAMES["alatau"]),
        "steppe": reported(
            "s",
            bin_=company_bin(72),
            actuals=STEPPE,
            name=NAMES["steppe"],
            oked_code="72.19",
            priority_area="materials",
        ),
        "pending": pending,
        "stuck": application(
            "q",
            "submitted",
            submitted_on=date(YEAR, 3, 17),
            bin=company_bin(74),
            name=NAMES["stuck"],
        ),
    }
    for agreement_id, story in stories.items():
        await store_story(stack.store, agreement_id, story)
    await followed(stack)


def section(page: str, element_id: str) -> str:
    """The part of the page in the element with this id, up to the next chart's."""
    start = page.index(f'id="{element_id}"')
    end = page.find('class="chart-pair"', start + 1)
    return page[start : end if end != -1 else len(page)]


def compact(page: str) -> str:
    """The page without the white space between its tags."""
    return re.sub(r">\s+<", "><", page)


def shown(name: str) -> str:
    return html.escape(name)


async def test_the_dashboard_shows_the_accepted_reports_figures_in_charts_and_tables(
    stack: Stack, served: str
) -> None:
    await store_the_zone_in_2025(stack)
    jobs = ALATAU.jobs + STEPPE.jobs
    production = ALATAU.production_volume_kzt + STEPPE.production_volume_kzt
    weighted_share = (
        ALATAU.kz_content_bp * ALATAU.production_volume_kzt
        + STEPPE.kz_content_bp * STEPPE.production_volume_kzt
    ) / production
    share_bp = int(weighted_share.to_integral_value(rounding=ROUND_HALF_EVEN))

    async with console(served, REVIEWER) as reviewer:
        answer = await reviewer.get("/dashboard")

    assert answer.status_code == 200, answer.text
    page = compact(answer.text)
    assert '<a href="/dashboard">Показатели СЭЗ</a>' in page
    # Participants by status, OKED section and priority area: each chart with its table.
    by_status = section(page, "participants-status")
    assert '<svg role="img" aria-label="Участники по статусу договора"' in by_status
    assert re.search(r"<th scope=\"row\">действует</th><td>3</td>", by_status), by_status
    by_section = section(page, "participants-oked")
    assert re.search(r"J — Информация и связь</th><td>2</td>", by_section)
    assert re.search(
        r"M — Профессиональная, научная и техническая деятельность</th><td>1</td>", by_section
    )
    assert re.search(r"Материаловедение</th><td>1</td>", section(page, "participants-area"))

    # The year's figures, from the two accepted reports only, as written in Almaty.
    year_row = page[page.index('id="zone-actuals"') :]
    year_row = year_row[year_row.index(f'<th scope="row">{YEAR}</th>') :]
    year_row = year_row[: year_row.index("</tr>")]
    total_investment = sum(
        (a.investment_foreign_kzt + a.investment_domestic_kzt for a in (ALATAU, STEPPE)),
        Decimal(0),
    )
    for figure in (kzt(total_investment), kzt(production), count(jobs)):
        assert f"<td>{figure}</td>" in year_row, (figure, year_row)
    assert f"<td>{percent_of_basis_points(share_bp)}</td>" in year_row
    assert "<td>2</td><td>2</td>" in year_row  # two reports, two participants

    # Each indicator against its level for the year: a chart, and the table says it in words.
    jobs_part = section(page, "indicator-jobs")
    assert '<svg role="img" aria-label="Количество рабочих мест"' in jobs_part
    jobs_row = jobs_part[jobs_part.index(f'<th scope="row">{YEAR}</th>') :]
    jobs_row = jobs_row[: jobs_row.index("</tr>")]
    assert f"<td>{count(jobs)}</td><td>{count(jobs + 5)}</td>" in jobs_row
    assert "между критическим уровнем и целью" in jobs_row
    share_part = section(page, "indicator-kz-content-bp")
    share_row = share_part[share_part.index(f'<th scope="row">{YEAR}</th>') :]
    share_row = share_row[: share_row.index("</tr>")]
    expected = "цель достигнута" if weighted_share >= 5000 else "между критическим уровнем и целью"
    assert expected in share_row
    assert f"<td>{percent_of_basis_points(share_bp)}</td>" in share_row
    # The annex's milestones are listed with their levels, not assessed without figures.
    assert f"<td>{count(2718)}</td><td>{count(2119)}</td>" in jobs_part
    assert page.count("<svg ") >= 5

    async with console(served, AUDITOR, "en") as auditor:
        english = await auditor.get("/dashboard")
    assert english.status_code == 200
    assert "<h1>The zone's indicators</h1>" in html.unescape(english.text)
    assert '<svg role="img" aria-label="Participants by status"' in english.text
    assert "between critical level and target" in english.text


async def test_participants_are_kept_off_the_dashboard(stack: Stack, served: str) -> None:
    async with console(served, PARTICIPANT) as participant:
        refused = await participant.get("/dashboard")
        own_list = await participant.get("/agreements")
    async with console(served, ADMIN) as admin:
        allowed = await admin.get("/dashboard")

    assert refused.status_code == 403
    assert "сотрудникам управляющей компании и аудиторам" in refused.text
    assert 'href="/dashboard"' not in own_list.text
    assert allowed.status_code == 200
    assert "Принятых годовых отчетов пока нет." in allowed.text


async def test_the_staff_list_filters_by_status_section_area_and_overdue_deadlines(
    stack: Stack, served: str
) -> None:
    await store_the_zone_in_2025(stack)

    async with console(served, REVIEWER) as reviewer:

        async def listed(**params: str) -> set[str]:
            answer = await reviewer.get("/agreements", params=params)
            assert answer.status_code == 200, answer.text
            return {key for key, name in NAMES.items() if shown(name) in answer.text}

        assert await listed() == set(NAMES)
        assert await listed(status="active") == {"alatau", "steppe", "pending"}
        assert await listed(status="in_review") == {"stuck"}
        assert await listed(oked_section="M") == {"steppe"}
        assert await listed(priority_area="materials") == {"steppe"}
        assert await listed(overdue="1") == {"stuck"}
        assert await listed(status="active", priority_area="ict", q="алатау") == {"alatau"}
        # A value that is no status is left out, as if not chosen.
        assert await listed(status="bogus") == set(NAMES)

        by_section = (await reviewer.get("/agreements", params={"oked_section": "M"})).text
        overdue = (await reviewer.get("/agreements", params={"overdue": "1"})).text
        unfiltered = (await reviewer.get("/agreements")).text
    # The form shows what was chosen, and offers to clear it.
    assert '<option value="M" selected>' in by_section
    assert not re.search(r'name="overdue" value="1"\s+checked', by_section)
    assert re.search(r'name="overdue" value="1"\s+checked', overdue)
    assert 'href="/agreements">Сбросить отбор</a>' in by_section
    assert "Сбросить отбор" not in unfiltered
