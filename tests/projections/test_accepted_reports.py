"""The accepted annual reports read model over real PostgreSQL, with streams the real decider
produced: a report counts from its acceptance, with the actuals accepted (a returned report's
correction, not its first version), its rows are what a fresh fold says at every stage, a
rebuild from the log gives the live rows, and the zone's figures and the register's counts are
read from them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import asyncpg
import pytest

from domain.calendar import ALMATY
from domain.zone_indicators import zone_actuals
from eventstore import PostgresEventStore
from projections import Projector, accepted_reports_of
from projections.projector import AGREEMENT_STREAM_PREFIX, decode_agreement_event
from projections.summary import fold_events
from tests.domain.agreement.agreement_scenarios import SUBMITTED_ON, at
from tests.integration.lifecycle import DecidedStory, Ending, whole_lifecycle
from tests.projections.report_stories import (
    YEAR,
    accept,
    accepted_on,
    actuals,
    concluded,
    report_id,
    reported,
    resubmit,
    return_report,
    submit,
)
from tests.projections.support import (
    application,
    company_bin,
    new_agreement_id,
    project_all,
    read_models,
    store_decision,
    store_story,
)

pytestmark = pytest.mark.postgres

COLUMNS = (
    "agreement_id, year, report_id, bin, investment_foreign_kzt, investment_domestic_kzt, "
    "production_volume_kzt, jobs, kz_content_bp, imported_goods_consumed_kzt, accepted_at"
)


async def accepted_rows(dsn: str) -> list[dict[str, Any]]:
    """Every row of ``accepted_reports``, by agreement and year."""
    connection = await asyncpg.connect(dsn)
    try:
        rows = await connection.fetch(
            f"SELECT {COLUMNS} FROM accepted_reports ORDER BY agreement_id, year"
        )
    finally:
        await connection.close()
    return [dict(row) for row in rows]


async def expected_accepted_rows(store: PostgresEventStore) -> list[dict[str, Any]]:
    """What ``accepted_reports`` must hold: each agreement stream read back and folded afresh."""
    rows = []
    for stream_id in await store.list_streams(AGREEMENT_STREAM_PREFIX, limit=1000):
        events = [decode_agreement_event(e) for e in await store.read_stream(stream_id)]
        folded = fold_events(events)
        assert folded is not None
        agreement_id = stream_id.removeprefix(AGREEMENT_STREAM_PREFIX)
        rows.extend(r.model_dump() for r in accepted_reports_of(agreement_id, folded))
    return sorted(rows, key=lambda r: (r["agreement_id"], r["year"]))


async def store_step_by_step(
    projector: Projector, store: PostgresEventStore, dsn: str, agreement_id: str, story: Any
) -> list[list[dict[str, Any]]]:
    """Store the story decision by decision, projecting after each; the rows after each."""
    seen = []
    for number in range(1, len(story.decisions) + 1):
        await store_decision(store, agreement_id, story, number)
        await project_all(projector, store)
        seen.append(await accepted_rows(dsn))
    return seen


async def test_a_report_counts_from_its_acceptance_with_its_actuals_and_when_it_was_accepted(
    projector: Projector, fresh_store: PostgresEventStore, fresh_dsn: str
) -> None:
    agreement_id, bin_ = new_agreement_id(), company_bin(3)
    figures = actuals(jobs=31, kz_content_bp=4200, production_volume_kzt=Decimal("987654321.09"))
    story = concluded(agreement_id, bin_=bin_)
    submit(story, figures, goods=Decimal("777.70"))
    accept(story, YEAR)

    seen = await store_step_by_step(projector, fresh_store, fresh_dsn, agreement_id, story)

    assert all(rows == [] for rows in seen[:-1]), "nothing counts before the acceptance"
    (row,) = seen[-1]
    assert row == {
        "agreement_id": agreement_id,
        "year": YEAR,
        "report_id": report_id(YEAR),
        "bin": bin_,
        "investment_foreign_kzt": figures.investment_foreign_kzt,
        "investment_domestic_kzt": figures.investment_domestic_kzt,
        "production_volume_kzt": Decimal("987654321.09"),
        "jobs": 31,
        "kz_content_bp": 4200,
        "imported_goods_consumed_kzt": Decimal("777.70"),
        "accepted_at": at(accepted_on(YEAR)),
    }
    assert row["accepted_at"].astimezone(ALMATY).date() == accepted_on(YEAR)


async def test_a_returned_report_counts_only_once_accepted_and_with_its_corrected_actuals(
    projector: Projector, fresh_store: PostgresEventStore, fresh_dsn: str
) -> None:
    agreement_id = new_agreement_id()
    story = concluded(agreement_id, bin_=company_bin(4))
    submit(story, actuals(jobs=5))
    return_report(story, YEAR)
    resubmit(story, actuals(jobs=12), goods=Decimal("42.00"))
    accept(story, YEAR)

    seen = await store_step_by_step(projector, fresh_store, fresh_dsn, agreement_id, story)

    assert all(rows == [] for rows in seen[:-1])
    (row,) = seen[-1]
    assert (row["jobs"], row["imported_goods_consumed_kzt"]) == (12, Decimal("42.00"))


async def test_each_accepted_year_has_its_row_and_later_events_keep_them(
    projector: Projector, fresh_store: PostgresEventStore, fresh_dsn: str
) -> None:
    agreement_id = new_agreement_id()
    story = reported(agreement_id, bin_=company_bin(5), actuals=actuals(YEAR, jobs=20))
    submit(story, actuals(YEAR + 1, jobs=22))
    accept(story, YEAR + 1)
    # A report under review adds nothing.
    submit(story, actuals(YEAR + 2, jobs=99))
    await store_story(fresh_store, agreement_id, story)

    await project_all(projector, fresh_store)

    rows = await accepted_rows(fresh_dsn)
    assert [(r["year"], r["jobs"]) for r in rows] == [(YEAR, 20), (YEAR + 1, 22)]
    assert rows == await expected_accepted_rows(fresh_store)


async def test_the_rows_are_what_a_fresh_fold_says_at_every_stage_of_whole_lifecycles(
    projector: Projector, fresh_store: PostgresEventStore, fresh_dsn: str
) -> None:
    # The whole lifecycles accept the 2026 report, then breach, cure or termination, closure.
    for ending in Ending:
        whole = whole_lifecycle(ending)
        for decisions in range(1, len(whole.decisions) + 1):
            kept = whole.decisions[:decisions]
            cut = DecidedStory(events=[e for d in kept for e in d], decisions=kept)
            await store_story(fresh_store, new_agreement_id(), cut)

    await project_all(projector, fresh_store)

    rows = await accepted_rows(fresh_dsn)
    assert rows == await expected_accepted_rows(fresh_store)
    assert rows, "the stages after the acceptance keep the accepted report"
    assert {r["year"] for r in rows} == {2026}


async def test_a_rebuild_from_the_log_gives_the_accepted_reports_kept_live(
    projector: Projector, fresh_store: PostgresEventStore, fresh_dsn: str
) -> None:
    stories: dict[str, DecidedStory] = {
        new_agreement_id(): reported(
            "a", bin_=company_bin(11), actuals=actuals(jobs=7, kz_content_bp=9000)
        ),
        new_agreement_id(): whole_lifecycle(Ending.UNCURED),
        new_agreement_id(): application("c", "registered", submitted_on=SUBMITTED_ON),
    }
    returned = concluded("d", bin_=company_bin(12))
    submit(returned, actuals(jobs=1))
    return_report(returned, YEAR)
    resubmit(returned, actuals(jobs=2))
    accept(returned, YEAR)
    stories[new_agreement_id()] = returned
    # Decisions of the agreements interleaved, the projector catching up after each round.
    longest = max(len(s.decisions) for s in stories.values())
    for number in range(1, longest + 1):
        for agreement_id, story in stories.items():
            if number <= len(story.decisions):
                await store_decision(fresh_store, agreement_id, story, number)
        await project_all(projector, fresh_store)
    live = await read_models(fresh_dsn)
    live_reports = await accepted_rows(fresh_dsn)

    await projector.rebuild()
    await project_all(projector, fresh_store)

    assert await accepted_rows(fresh_dsn) == live_reports
    assert len(live_reports) == 3
    rebuilt = await read_models(fresh_dsn)
    assert rebuilt["agreements"] == live["agreements"]
    assert rebuilt["participants"] == live["participants"]


async def test_re_applying_any_event_leaves_the_accepted_reports_as_they_are(
    projector: Projector, fresh_store: PostgresEventStore, fresh_dsn: str
) -> None:
    agreement_id = new_agreement_id()
    await store_story(
        fresh_store, agreement_id, reported(agreement_id, bin_=company_bin(13), actuals=actuals())
    )
    await project_all(projector, fresh_store)
    before = await accepted_rows(fresh_dsn)

    fresh = await Projector.open(fresh_dsn)
    try:
        for recorded in await fresh_store.read_all(limit=10_000):
            assert not await projector.apply(recorded)
            assert not await fresh.apply(recorded)
    finally:
        await fresh.close()

    assert await accepted_rows(fresh_dsn) == before != []


async def test_the_zones_figures_per_year_add_up_the_accepted_reports_only(
    projector: Projector, fresh_store: PostgresEventStore
) -> None:
    first = actuals(jobs=10, kz_content_bp=8000, production_volume_kzt=Decimal("100000000.00"))
    second = actuals(jobs=30, kz_content_bp=2000, production_volume_kzt=Decimal("300000000.00"))
    pending = concluded("p", bin_=company_bin(23))
    submit(pending, actuals(jobs=1000))
    for agreement_id, story in {
        new_agreement_id(): reported("x", bin_=company_bin(21), actuals=first),
        new_agreement_id(): reported("y", bin_=company_bin(22), actuals=second),
        new_agreement_id(): pending,
    }.items():
        await store_story(fresh_store, agreement_id, story)
    await project_all(projector, fresh_store)

    (year,) = await projector.zone_actuals()

    assert year == zone_actuals(await projector.accepted_reports(YEAR))[0]
    assert (year.year, year.reports, year.participants, year.jobs) == (YEAR, 2, 2, 40)
    assert year.production_kzt == Decimal("400000000.00")
    # 80 % of 100 million and 20 % of 300 million: 140 million of 400 million.
    assert year.kz_content_bp == Decimal("3500.00")
    assert year.investment_total_kzt == sum(
        (
            f.investment_foreign_kzt + f.investment_domestic_kzt
            for f in (first, second)  # the pending report adds nothing
        ),
        Decimal(0),
    )
    assert await projector.accepted_reports(YEAR + 1) == []


async def test_the_register_is_counted_by_status_oked_section_and_priority_area(
    projector: Projector, fresh_store: PostgresEventStore
) -> None:
    ict = reported("i", bin_=company_bin(31), actuals=actuals())
    materials = concluded("m", bin_=company_bin(32), oked_code="72.19", priority_area="materials")
    materials_too = concluded(
        "n", bin_=company_bin(33), oked_code="72.11", priority_area="materials"
    )
    not_yet = application("q", "approved", submitted_on=SUBMITTED_ON, bin=company_bin(34))
    for story in (ict, materials, materials_too, not_yet):
        await store_story(fresh_store, new_agreement_id(), story)
    breached = whole_lifecycle(Ending.UNCURED)
    await store_story(fresh_store, new_agreement_id(), breached)
    await project_all(projector, fresh_store)

    counts = await projector.participant_counts()

    # The application not yet concluded is no participant; the lifecycle's BIN is terminated.
    assert counts.total == 4
    assert {(c.value, c.participants) for c in counts.by_status} == {
        ("active", 3),
        ("terminated", 1),
    }
    assert {(c.value, c.participants) for c in counts.by_oked_section} == {("J", 2), ("M", 2)}
    assert {(c.value, c.participants) for c in counts.by_priority_area} == {
        ("ict", 2),
        ("materials", 2),
    }
    for breakdown in (counts.by_status, counts.by_oked_section, counts.by_priority_area):
        assert sum(c.participants for c in breakdown) == counts.total
