"""The three journeys of issue 4 in a real browser (headless Chromium driven by Playwright)
against the real stack served on a loopback port: a participant applies; a reviewer
recommends; an approver who reviewed it is refused the decision (four-eyes) and another
approves; both sign; the participant's annual report refused while its year runs, then the
report of an agreement concluded in 2025 submitted and accepted; an auditor's timeline, state
as of a day and chain verification. Screenshots of every main screen go to artifacts/screenshots/.

Needs Chromium at /usr/bin/chromium (Debian's ``chromium`` package): without it the test is
skipped, saying how to install it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import pytest_asyncio

from domain.calendar import almaty_date
from tests.accounts.conftest import STRONG
from tests.api.conftest import Stack
from tests.api.test_agreement_journey import review_elsewhere, zone_established
from tests.projections.report_stories import YEAR, concluded
from tests.projections.support import store_story

pytestmark = pytest.mark.postgres

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PARTICIPANT, REVIEWER = "alatau-software", "reviewer-aigerim"
DANA, YERLAN, AUDITOR = "approver-dana", "approver-yerlan", "auditor-saule"
NUMBER = "PIT-2026-777"
REPORT = {  # the participant's actuals, typed as people there write them
    "investment_foreign_kzt": "160 000 000",
    "investment_domestic_kzt": "2 000 000,00",
    "production_volume_kzt": "310 000 000",
    "jobs": "27",
    "kz_content_bp": "6100",
    "imported_goods_consumed_kzt": "0",
}
RELOADS = 100  # the lists follow the log a moment behind: reload until the task shows

playwright_api = pytest.importorskip("playwright.async_api")
Browser = playwright_api.Browser
Page = playwright_api.Page


@pytest_asyncio.fixture
async def browser() -> AsyncIterator[Browser]:
    if not CHROMIUM.exists():  # noqa: ASYNC240 - one stat before the browser starts
        pytest.skip(
            f"headless Chromium is not installed at {CHROMIUM}: install Debian's package "
            "with `sudo apt-get install chromium` to run the browser tests"
        )
    async with playwright_api.async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--lang=ru-RU"]
        )
        try:
            yield launched
        finally:
            await launched.close()


def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    ignore = SCREENSHOTS.parent / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# screenshots of the browser tests: never committed\n*\n")
    return SCREENSHOTS


async def shot(page: Page, name: str) -> None:
    await page.screenshot(path=str(screenshots() / f"{name}.png"), full_page=True)


async def person(browser: Browser, base: str, login: str, *, phone: bool = False) -> Page:
    """A browser of this person's own (cookies apart), logged in to the console."""
    viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = await browser.new_context(
        base_url=base, viewport=viewport, locale="ru-RU", timezone_id="Asia/Almaty"
    )
    page = await context.new_page()
    page.set_default_timeout(20_000)
    await page.goto("/login")
    await page.fill("#login", login)
    await page.fill("#password", STRONG)
    await page.click("form[action='/login'] button[type=submit]")
    await page.wait_for_load_state()
    return page


async def act(page: Page, command: str, **fields: str) -> None:
    """Fill an action form of the agreement screen and send it."""
    for name, value in fields.items():
        await page.fill(f"#{command}-{name}", value)
    await page.click(f"#form-{command} button[type=submit]")
    await page.wait_for_load_state()


async def reload_until(page: Page, selector: str) -> None:
    for _ in range(RELOADS):
        if await page.locator(selector).count():
            return
        await asyncio.sleep(0.1)  # the projector follows the log: poll it, bounded
        await page.reload()
    raise AssertionError(f"{selector} never showed on {page.url}")


async def test_each_person_goes_through_the_agreement_in_a_browser(
    stack: Stack, served: str, browser: Browser
) -> None:
    await zone_established(stack)

    # The participant applies: a wrong check digit is explained by its field first.
    participant = await person(browser, served, PARTICIPANT)
    await shot(participant, "01-participant-my-agreements")
    await participant.goto("/apply")
    await participant.fill("#name", 'LLP "Alatau Software"')
    await participant.fill("#contact_email", "office@alatau-software.kz")
    await participant.fill("#phone", "+7 727 000 00 00")
    await participant.fill("#address", "Alatau, Medeu district, Almaty")
    await participant.fill("#contact_person", "A. Seitkali")
    await participant.fill("#oked_code", "62.01")
    await participant.fill(
        "#project_description", "Development of logistics software for the region's carriers."
    )
    await participant.fill("#investment_foreign_kzt", "150 000 000,00")
    await participant.fill("#investment_domestic_kzt", "1 234 567,89")
    await participant.fill("#production_volume_kzt", "300 000 000")
    await participant.fill("#jobs", "25")
    await participant.fill("#kz_content_bp", "6000")
    own_bin = await participant.input_value("#bin")
    await participant.fill("#bin", own_bin[:11] + str((int(own_bin[11]) + 1) % 10))
    # Checked as it is typed, then again by the server when sent.
    await participant.wait_for_selector("#bin-live.error:has-text('контрольная цифра')")
    await participant.wait_for_selector("#oked_code-live.hint")
    await shot(participant, "02-apply-form-checked-as-typed")
    await participant.click("form.apply button[type=submit]")
    assert "контрольная цифра" in await participant.inner_text("#bin-err")
    await shot(participant, "03-apply-field-errors")
    await participant.fill("#bin", own_bin)
    await participant.click("form.apply button[type=submit]")
    await participant.wait_for_url("**/agreements/*")
    agreement_path = participant.url.removeprefix(served)
    agreement_id = agreement_path.rsplit("/", 1)[-1]
    assert "на рассмотрении" in await participant.inner_text("#status")
    await shot(participant, "04-participant-application-in-review")

    # Dana reviews elsewhere (a crafted path: accounts have one role each) and asks for changes;
    # the participant resubmits from the console.
    await review_elsewhere(stack, agreement_id)
    await participant.goto(f"{agreement_path}/resubmit")
    await participant.click("form.apply button[type=submit]")
    await participant.wait_for_url(f"**{agreement_path}?done=ResubmitApplication")

    # The reviewer finds it in the inbox, claims it and recommends.
    reviewer = await person(browser, served, REVIEWER)
    await reload_until(reviewer, f"tr:has(a[href='{agreement_path}']) button")
    await reviewer.click(f"tr:has(a[href='{agreement_path}']) button")
    await reload_until(reviewer, f"tr:has(a[href='{agreement_path}']):has-text('{REVIEWER}')")
    await shot(reviewer, "05-reviewer-inbox-claimed")
    await reviewer.goto(agreement_path)
    await shot(reviewer, "06-reviewer-application-review")
    await act(reviewer, "RecommendConclusion", note="Fits the zone: ICT, on the territory.")
    assert "рекомендована" in await reviewer.inner_text("#status")

    # Dana reviewed it, so the decision is not hers: the refusal is shown with its basis.
    dana = await person(browser, served, DANA)
    await dana.goto(agreement_path)
    await act(dana, "ApproveConclusion", agreement_number=NUMBER)
    refusal = await dana.inner_text(".refusal")
    assert "four_eyes" in refusal
    assert "pit policy: four-eyes" in refusal
    await shot(dana, "07-four-eyes-refusal")

    yerlan = await person(browser, served, YERLAN)
    await reload_until(yerlan, f"a[href='{agreement_path}']")
    await shot(yerlan, "08-approver-inbox")
    await yerlan.goto(agreement_path)
    await act(yerlan, "ApproveConclusion", agreement_number=NUMBER)
    assert "ожидает подписания" in await yerlan.inner_text("#status")

    # Both sign.
    await participant.goto(agreement_path)
    await act(participant, "SignAsParticipant")
    await act(yerlan, "SignForManagementCompany")
    assert "действует" in await yerlan.inner_text("#status")
    await participant.goto(agreement_path)
    await shot(participant, "09-participant-agreement-active")

    # The annual report: on the real clock the year of conclusion is not over yet, so the
    # form's refusal is what a participant sees.
    await act(participant, "SubmitAnnualReport", **REPORT)
    refusal = await participant.inner_text(".refusal")
    assert "year_not_over" in refusal, refusal
    await shot(participant, "10-annual-report-refused-year-not-over")

    # The same participant's agreement concluded in April 2025, its record imported into the log
    # (no workflow running yet): the 2025 report, due 31 March 2026, goes in from the console
    # (the action starts the agreement's workflow, which folds the log first) and the reviewer
    # accepts it, its figures shown against the obligations.
    imported = concluded("alatau-2025", bin_=own_bin, name='LLP "Alatau Software"')
    await store_story(stack.store, "alatau-2025", imported)
    await participant.goto("/agreements/alatau-2025")
    assert await participant.input_value("#SubmitAnnualReport-year") == str(YEAR)
    await act(participant, "SubmitAnnualReport", **REPORT)
    assert "SubmitAnnualReport" in participant.url, await participant.inner_text("main")
    await shot(participant, "10a-annual-report-submitted")
    await reviewer.goto("/agreements/alatau-2025")
    await act(reviewer, "AcceptAnnualReport")
    report_row = await reviewer.inner_text(f"table.numbers tr:has(th:text-is('{YEAR}'))")
    assert "принят" in report_row, report_row
    assert "27" in await reviewer.inner_text("table.numbers tr.actuals")
    await shot(reviewer, "10b-annual-report-accepted")
    await reviewer.goto(agreement_path)
    await shot(reviewer, "11-reviewer-agreement-active")

    # The auditor, in English: the timeline, the state as of today, the chain verified.
    today = almaty_date(datetime.now(UTC))
    auditor = await person(browser, served, AUDITOR)
    await auditor.goto(f"{agreement_path}/timeline")
    await auditor.click("a[lang=en]")
    await auditor.wait_for_load_state()
    rows = await auditor.locator("table.timeline tbody tr").count()
    assert rows >= 9
    assert await auditor.locator("tr.refused:has-text('four_eyes')").count() == 1
    await shot(auditor, "12-auditor-timeline")
    await auditor.fill("#as_of", today.isoformat())
    await auditor.click("form.inline-form button[type=submit]")
    await auditor.wait_for_load_state()
    assert "active" in await auditor.inner_text("#as-of-result")
    await auditor.click("#verify-h ~ form button[type=submit]")
    await auditor.wait_for_load_state()
    assert "The chain is intact" in await auditor.inner_text("#verify-result")
    await shot(auditor, "13-auditor-as-of-and-verified")

    # The zone's dashboard: the 2025 report accepted above counts, charts beside their tables;
    # the zone's report as of today.
    await auditor.goto("/dashboard")
    assert await auditor.locator("svg").count() >= 1
    await auditor.fill("#as_of", today.isoformat())
    await auditor.click("#zone-report form button[type=submit]")
    await auditor.wait_for_load_state()
    assert await auditor.locator(f"#zone-report-{YEAR}").count() == 1
    await shot(auditor, "13a-auditor-zone-dashboard")

    # The same agreement on a phone.
    phone = await person(browser, served, PARTICIPANT, phone=True)
    await phone.goto(agreement_path)
    await shot(phone, "14-participant-agreement-phone")
    await phone.goto("/agreements")
    await shot(phone, "15-participant-my-agreements-phone")
