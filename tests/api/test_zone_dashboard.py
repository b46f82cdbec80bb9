"""The zone's dashboard in the JSON API, over the real stack: the register counted, the figures
per year from the annual reports accepted in the test, and each indicator against the level the
zone's stream sets for the year; staff and auditors read it, a participant may not."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

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
from eventstore import PostgresEventStore
from tests.api.conftest import Stack
from tests.domain.agreement.agreement_scenarios import ADMIN
from tests.integration.stored import append_decisions
from tests.projections.report_stories import YEAR, actuals, concluded, reported, submit
from tests.projections.support import company_bin, project_all, store_story

pytestmark = pytest.mark.postgres

REVIEWER, AUDITOR, PARTICIPANT = "reviewer-aigerim", "auditor-saule", "alatau-software"
BILLION = Decimal(10) ** 9

ALATAU = actuals(
    jobs=30,
    kz_content_bp=7000,
    investment_foreign_kzt=Decimal("120000000.00"),
    investment_domestic_kzt=Decimal("80000000.50"),
    production_volume_kzt=Decimal("250000000.00"),
)
STEPPE = actuals(
    jobs=14,
    kz_content_bp=3000,
    investment_foreign_kzt=Decimal("0.00"),
    investment_domestic_kzt=Decimal("45000000.00"),
    production_volume_kzt=Decimal("750000000.00"),
)


async def store_zone(store: PostgresEventStore, levels: list[IndicatorLevel]) -> None:
    """The zone's stream: established by Decree 1166, then these levels set by the admin."""
    commands: list[ZoneCommand] = [
        pit_establishment(),
        *(SetIndicatorLevel(level=lv, source="authorized body letter") for lv in levels),
    ]
    state = initial_zone_state()
    decisions: list[list[ZoneEvent]] = []
    for command in commands:
        events = decide_zone(command, state, actor=ADMIN, now=datetime(2026, 5, 4, 6, tzinfo=UTC))
        for event in events:
            state = evolve_zone(state, event)
        decisions.append(events)
    await append_decisions(store, "zone-pit", decisions)


def level(indicator: Indicator, target: Decimal, critical: Decimal) -> IndicatorLevel:
    return IndicatorLevel(indicator=indicator, year=YEAR, target=target, critical=critical)


def row_of(rows: list[dict[str, Any]], indicator: str, year: int) -> dict[str, Any]:
    (row,) = [r for r in rows if r["indicator"] == indicator and r["year"] == year]
    return row


async def test_the_dashboard_adds_up_accepted_reports_and_sets_them_against_the_years_levels(
    stack: Stack,
) -> None:
    jobs = ALATAU.jobs + STEPPE.jobs
    production = ALATAU.production_volume_kzt + STEPPE.production_volume_kzt
    kz_share = (
        ALATAU.kz_content_bp * ALATAU.production_volume_kzt
        + STEPPE.kz_content_bp * STEPPE.production_volume_kzt
    ) / production
    await store_zone(
        stack.store,
        [
            level(Indicator.JOBS, Decimal(jobs), Decimal(jobs - 10)),  # met exactly
            # The production just short of its target, above the critical level.
            level(Indicator.PRODUCTION, production / BILLION + 1, production / BILLION),
            # The share a basis point short of the critical level.
            level(Indicator.KZ_CONTENT_BP, Decimal(9000), (kz_share + 1).to_integral_value()),
        ],
    )
    pending = concluded("pending", bin_=company_bin(61))
    submit(pending, actuals(jobs=500))
    for agreement_id, story in {
        "alatau-2025": reported("a", bin_=company_bin(62), actuals=ALATAU),
        "steppe-2025": reported(
            "s", bin_=company_bin(63), actuals=STEPPE, oked_code="72.19", priority_area="materials"
        ),
        "pending-2025": pending,
    }.items():
        await store_story(stack.store, agreement_id, story)
    # Until the projector has passed the log's end (a transaction elsewhere may hold it back).
    await project_all(stack.projector, stack.store)

    answer = await stack.get(REVIEWER, "/api/zone/dashboard")

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["zone_code"], body["established"]) == ("pit", True)
    (year,) = body["actuals"]
    assert (year["year"], year["reports"], year["participants"], year["jobs"]) == (
        YEAR,
        2,
        2,
        jobs,
    )
    assert Decimal(year["production_kzt"]) == production
    assert Decimal(year["investment_total_kzt"]) == sum(
        (
            a.investment_foreign_kzt + a.investment_domestic_kzt
            for a in (ALATAU, STEPPE)  # the report under review adds nothing
        ),
        Decimal(0),
    )
    assert Decimal(year["kz_content_bp"]) == kz_share.quantize(Decimal("0.01"))

    indicators = body["indicators"]
    jobs_row = row_of(indicators, "jobs", YEAR)
    assert (Decimal(jobs_row["actual"]), jobs_row["assessment"]) == (jobs, "at_or_above_target")
    production_row = row_of(indicators, "production", YEAR)
    assert Decimal(production_row["actual"]) == production / BILLION
    assert production_row["assessment"] == "between"
    assert row_of(indicators, "kz_content_bp", YEAR)["assessment"] == "below_critical"
    # The annex's own milestones stay listed, unassessed without figures.
    seed = row_of(indicators, "jobs", 2015)
    assert (seed["target"], seed["critical"], seed["actual"], seed["assessment"]) == (
        "2718",
        "2119",
        None,
        None,
    )
    # A year's figures without a level of the year are shown, unassessed.
    foreign = row_of(indicators, "investment_foreign", YEAR)
    assert (foreign["target"], foreign["assessment"]) == (None, None)

    participants = body["participants"]
    assert participants["total"] == 3
    assert participants["by_status"] == [{"value": "active", "participants": 3}]
    assert {(c["value"], c["participants"]) for c in participants["by_oked_section"]} == {
        ("J", 2),
        ("M", 1),
    }
    assert {(c["value"], c["participants"]) for c in participants["by_priority_area"]} == {
        ("ict", 2),
        ("materials", 1),
    }


async def test_auditors_read_the_dashboard_and_a_participant_may_not(stack: Stack) -> None:
    await stack.caught_up()

    audited = await stack.get(AUDITOR, "/api/zone/dashboard")
    refused = await stack.get(PARTICIPANT, "/api/zone/dashboard")

    assert audited.status_code == 200, audited.text
    assert audited.json()["actuals"] == []
    assert audited.json()["participants"]["total"] == 0
    assert (refused.status_code, refused.json()["code"]) == (403, "role_not_permitted")
    assert (await stack.http.get("/api/zone/dashboard")).status_code == 401


async def test_the_indicator_levels_keep_their_shape_for_every_reader(stack: Stack) -> None:
    await store_zone(stack.store, [])

    answer = await stack.get(PARTICIPANT, "/api/zone/indicators")

    assert answer.status_code == 200, answer.text
    assert set(answer.json()) == {"zone_code", "established", "levels"}
    assert {
        "indicator": "jobs",
        "unit": "jobs",
        "year": 2015,
        "target": "2718",
        "critical": "2119",
    } in answer.json()["levels"]
