"""The zone's workflow: the single writer of ``zone-pit``, configured by administrators through
Updates, telling every open agreement of new rules, page by page and across continue-as-new."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import pytest
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from domain.actors import Actor
from domain.agreement import AgreementState, Status
from domain.agreement.commands import RequestChanges, ResubmitApplication
from domain.calendar import almaty_date
from domain.indicators import Indicator, IndicatorLevel
from domain.rules import RuleSet, decree_1166_rulebook
from domain.zone import AdoptRegulationAmendment, SetIndicatorLevel, ZoneState
from eventstore import PostgresEventStore
from tests.domain.agreement.agreement_scenarios import PARTICIPANT, REVIEWER, form, obligations
from tests.workflows.conftest import Outbox
from tests.workflows.test_agreement_updates import act
from tests.workflows.zone_support import ADMIN, replays, start_zone, until, zone_worker
from workers.agreement_client import submit_application
from workflows.agreement import AgreementWorkflow
from workflows.agreement import workflow_id as agreement_workflow_id
from workflows.zone import AmendmentAction, IndicatorAction, ZoneWorkflow

ZONE_STREAM = "zone-pit"
EXTENDED_END = date(2030, 1, 1)
PAST_2028 = date(2029, 12, 31)  # a requested term the Decree's zone end (1.1.2028) refuses


def extension(
    effective_from: date, zone_end: date = EXTENDED_END, version: str = "decree-x"
) -> AdoptRegulationAmendment:
    """A (hypothetical) decree extending the zone, in force from ``effective_from``."""
    rule_set = decree_1166_rulebook().latest.model_copy(
        update={
            "version": version,
            "effective_from": effective_from,
            "zone_end": zone_end,
            "source": "Decree No. X of the President (hypothetical): the zone extended",
            "amends": ("item 1",),
            "assumptions": (),
        }
    )
    return AdoptRegulationAmendment(rule_set=RuleSet.model_validate(rule_set.model_dump()))


async def adopt(
    zone: WorkflowHandle[ZoneWorkflow, ZoneState],
    command: AdoptRegulationAmendment,
    actor: Actor = ADMIN,
) -> ZoneState:
    return await zone.execute_update(
        ZoneWorkflow.adopt_regulation_amendment,
        AmendmentAction(command=command, actor=actor, correlation_id=f"request-{uuid4()}"),
    )


async def today(environment: WorkflowEnvironment) -> date:
    return almaty_date(await environment.get_current_time())


async def applications_awaiting_changes(
    environment: WorkflowEnvironment, task_queue: str, count: int
) -> list[WorkflowHandle[AgreementWorkflow, AgreementState]]:
    """``count`` agreements, each submitted, screened and returned for changes."""
    handles = []
    for _ in range(count):
        agreement_id = uuid4().hex
        await submit_application(
            environment.client,
            agreement_id=agreement_id,
            form=form(),
            actor=PARTICIPANT,
            correlation_id=f"submit-{agreement_id}",
            task_queue=task_queue,
        )
        handle = environment.client.get_workflow_handle_for(
            AgreementWorkflow.run, agreement_workflow_id(agreement_id)
        )
        await act(handle, RequestChanges(items=("extend the term",)), REVIEWER)
        handles.append(handle)
    return handles


def longer_form(on: date) -> Any:
    """The application again, now asking for a term until 31 December 2029."""
    years = range(on.year, PAST_2028.year + 1)
    return form(
        requested_start=on,
        requested_end=PAST_2028,
        planned_obligations=tuple(obligations(year) for year in years),
    )


async def fan_out_done(zone: WorkflowHandle[ZoneWorkflow, ZoneState], version: int) -> bool:
    """Whether the latest run has told every agreement of the book at ``version``."""
    try:
        # The test server leaves a query unanswered if its run continues as new meanwhile:
        # ask again rather than wait for the default deadline.
        fan_out = await zone.query(ZoneWorkflow.fan_out, rpc_timeout=timedelta(seconds=2))
    except RPCError:
        return False
    return fan_out is not None and fan_out.zone_version == version and fan_out.done


# --- Establishment and restarts ------------------------------------------------------------


async def test_the_first_start_establishes_the_zone_and_a_restart_folds_its_stream_back(
    time_skipping: WorkflowEnvironment, fresh_store: PostgresEventStore, outbox: Outbox
) -> None:
    task_queue = f"zone-{uuid4()}"
    async with zone_worker(time_skipping.client, fresh_store, task_queue, outbox.activities):
        zone = await start_zone(time_skipping.client, task_queue)
        established = await zone.query(ZoneWorkflow.state)
        await zone.terminate("a restart")
        again = await start_zone(time_skipping.client, task_queue)
        folded = await again.query(ZoneWorkflow.state)
        level = IndicatorLevel(indicator=Indicator.PARTICIPANTS, year=2028, target=300)
        after = await again.execute_update(
            ZoneWorkflow.set_indicator_level,
            IndicatorAction(
                command=SetIndicatorLevel(level=level, source="authorized body letter"),
                actor=ADMIN,
                correlation_id="indicator-1",
            ),
        )

    assert established.code == "pit"
    assert established.rule_book == decree_1166_rulebook()
    assert established.established_on == await today(time_skipping)
    assert folded == established
    assert after.level(Indicator.PARTICIPANTS, 2028) == level
    recorded = await fresh_store.read_stream(ZONE_STREAM)
    assert [e.type for e in recorded] == ["zone_established", "indicator_level_set"]
    assert recorded[0].metadata.actor_role == "admin"
    assert recorded[0].metadata.workflow_id == ZONE_STREAM
    assert recorded[0].metadata.run_id != recorded[1].metadata.run_id  # two runs, one stream
    assert (await fresh_store.verify()).ok


# --- Updates -------------------------------------------------------------------------------


async def test_an_admin_adopts_an_amendment_and_others_are_refused_before_anything_is_written(
    time_skipping: WorkflowEnvironment, fresh_store: PostgresEventStore, outbox: Outbox
) -> None:
    task_queue = f"zone-{uuid4()}"
    async with zone_worker(time_skipping.client, fresh_store, task_queue, outbox.activities):
        zone = await start_zone(time_skipping.client, task_queue)
        on = await today(time_skipping)
        with pytest.raises(WorkflowUpdateFailedError) as by_reviewer:
            await adopt(zone, extension(on), actor=REVIEWER)
        version_after_refusal = await fresh_store.stream_version(ZONE_STREAM)
        adopted = await adopt(zone, extension(on))
        with pytest.raises(WorkflowUpdateFailedError) as twice:
            await adopt(zone, extension(on))

    refused = by_reviewer.value.cause
    assert isinstance(refused, ApplicationError)
    assert refused.type == "zone_admin_only"
    assert "only an administrator configures the zone, not a reviewer" in refused.message
    (details,) = refused.details
    assert details["legal_basis"] == [
        "Decree 1166 Reg. §15",
        "pit policy: zone_configured_by_admin",
    ]
    assert version_after_refusal == 1
    assert adopted.rule_book is not None
    assert adopted.rules_on(on).version == "decree-x"
    assert adopted.rules_on(on).zone_end == EXTENDED_END
    domain_refusal = twice.value.cause
    assert isinstance(domain_refusal, ApplicationError)
    assert domain_refusal.type == "duplicate_rule_set_version"
    assert domain_refusal.details[0]["field"] == "version"
    assert domain_refusal.details[0]["legal_basis"] == ["Decree 1166 Reg. §15"]
    recorded = await fresh_store.read_stream(ZONE_STREAM)
    assert [e.type for e in recorded] == ["zone_established", "rule_set_adopted"]
    assert recorded[1].metadata.actor_id == ADMIN.id
    assert recorded[1].metadata.legal_basis == ("Decree 1166 Reg. §15",)


# --- Telling agreements ------------------------------------------------------------------


async def test_an_amendment_reaches_every_running_agreement_which_then_decides_by_it(
    time_skipping: WorkflowEnvironment, fresh_store: PostgresEventStore, outbox: Outbox
) -> None:
    task_queue = f"zone-{uuid4()}"
    async with zone_worker(time_skipping.client, fresh_store, task_queue, outbox.activities):
        zone = await start_zone(time_skipping.client, task_queue)
        on = await today(time_skipping)
        running = await applications_awaiting_changes(time_skipping, task_queue, 3)
        before = await submit_application(  # refused at once: the zone ends on 1.1.2028
            time_skipping.client,
            agreement_id="too-long",
            form=longer_form(on),
            actor=PARTICIPANT,
            correlation_id="submit-too-long",
            task_queue=task_queue,
        )
        amended = await adopt(zone, extension(on))
        await until(lambda: fan_out_done(zone, 2))
        fan_out = await zone.query(ZoneWorkflow.fan_out)
        resubmitted = [
            await act(handle, ResubmitApplication(form=longer_form(on)), PARTICIPANT)
            for handle in running
        ]

    assert before.status is Status.REFUSED
    assert amended.rules_on(on).zone_end == EXTENDED_END
    assert fan_out is not None
    assert (fan_out.told, fan_out.skipped) == (3, 1)  # the refused one's workflow has ended
    assert [s.status for s in resubmitted] == [Status.IN_REVIEW] * 3
    for handle in running:
        recorded = await fresh_store.read_stream(handle.id)
        assert "ApplicationRefused" not in [e.type for e in recorded]
        assert recorded[-1].metadata.rule_set_version == "decree-x"


async def test_telling_many_agreements_resumes_across_continue_as_new_with_the_newest_book(
    time_skipping: WorkflowEnvironment, fresh_store: PostgresEventStore, outbox: Outbox
) -> None:
    task_queue = f"zone-{uuid4()}"
    async with zone_worker(time_skipping.client, fresh_store, task_queue, outbox.activities):
        zone = await start_zone(time_skipping.client, task_queue, page_size=2, pages_per_run=2)
        first_run = (await zone.describe()).run_id
        on = await today(time_skipping)
        running = await applications_awaiting_changes(time_skipping, task_queue, 5)
        await adopt(zone, extension(on - timedelta(days=1), date(2029, 6, 1), "decree-x"))
        # A newer decree before the first was told to all: the telling starts again with it.
        await adopt(zone, extension(on, EXTENDED_END, "decree-y"))
        latest = time_skipping.client.get_workflow_handle_for(ZoneWorkflow.run, zone.id)
        await until(lambda: fan_out_done(latest, 3))
        fan_out = await latest.query(ZoneWorkflow.fan_out)
        last_run = (await latest.describe()).run_id
        await replays(
            time_skipping.client.get_workflow_handle_for(
                ZoneWorkflow.run, zone.id, run_id=first_run
            )
        )
        resubmitted = [
            await act(handle, ResubmitApplication(form=longer_form(on)), PARTICIPANT)
            for handle in running
        ]

    assert last_run != first_run, "five agreements in pages of two take more than one run"
    assert fan_out is not None
    assert (fan_out.told, fan_out.skipped) == (5, 0)
    # 2029-12-31 fits only the newer decree (zone end 1.1.2030), not the first (1.6.2029).
    assert [s.status for s in resubmitted] == [Status.IN_REVIEW] * 5
    assert await fresh_store.stream_version(ZONE_STREAM) == 3
    assert (await fresh_store.verify()).ok
