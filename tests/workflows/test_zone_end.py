"""The zone's end, 1 January 2028 (Decree 1166 item 1): a real and near case (DOMAIN.md §3).

Without an amendment every open matter ends with the zone: an agreement is terminated on that
ground, an application still undecided lapses. When a decree extends the zone, the same
agreements are carried: nothing ends, and an amendment moves an agreement's end past 2028.
"""

from __future__ import annotations

from datetime import date
from uuid import uuid4

from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from activities.zone_rules import ZoneRules
from domain.agreement import AgreementState, Status
from domain.agreement.commands import (
    ApproveAmendment,
    ApproveConclusion,
    ProposeAmendment,
    RecommendConclusion,
    SignAmendment,
    SignAsParticipant,
    SignForManagementCompany,
    SubmitApplication,
)
from domain.agreement.vocabulary import LapseReason, TerminationGround
from eventstore import PostgresEventStore
from tests.domain.agreement.agreement_scenarios import (
    APPROVER,
    PARTICIPANT,
    REVIEWER,
    form,
    obligations,
    rules_extending_zone_to,
)
from tests.time_skipping import at, sleep_until
from tests.workflows.conftest import Outbox
from tests.workflows.test_agreement_life import Agreement
from workers.agreement_worker import agreement_worker
from workflows.agreement import AgreementStart, AgreementWorkflow, workflow_id

ZONE_END = date(2028, 1, 1)
EXTENDED = ZoneRules(
    zone_code="pit",
    zone_version=2,
    rule_book=rules_extending_zone_to(date(2038, 1, 1), from_day=date(2027, 6, 1)),
)


async def _start(env: WorkflowEnvironment, task_queue: str) -> Agreement:
    agreement_id = uuid4().hex
    await env.client.start_workflow(
        AgreementWorkflow.run,
        AgreementStart(agreement_id=agreement_id),
        id=workflow_id(agreement_id),
        task_queue=task_queue,
    )
    return Agreement(env.client, agreement_id)


async def _concluded_to_the_zones_end(env: WorkflowEnvironment, task_queue: str) -> Agreement:
    """An agreement concluded in November 2027, in force until the zone's end."""
    agreement = await _start(env, task_queue)
    application = form(
        requested_start=date(2027, 11, 15),
        requested_end=ZONE_END,
        planned_obligations=(obligations(2027),),
    )
    await agreement.act(SubmitApplication(agreement_id=agreement.id, form=application), PARTICIPANT)
    await agreement.act(RecommendConclusion(note="fits"), REVIEWER)
    await agreement.act(ApproveConclusion(agreement_number=f"PIT-{agreement.id[:6]}"), APPROVER)
    await agreement.act(SignAsParticipant(), PARTICIPANT)
    await agreement.act(SignForManagementCompany(), APPROVER)
    return agreement


async def _undecided_application(env: WorkflowEnvironment, task_queue: str) -> Agreement:
    agreement = await _start(env, task_queue)
    application = form(
        requested_start=date(2027, 12, 20),
        requested_end=ZONE_END,
        planned_obligations=(obligations(2027),),
    )
    await agreement.act(SubmitApplication(agreement_id=agreement.id, form=application), PARTICIPANT)
    return agreement


def _handle(
    client: Client, agreement: Agreement
) -> WorkflowHandle[AgreementWorkflow, AgreementState]:
    return client.get_workflow_handle_for(AgreementWorkflow.run, workflow_id(agreement.id))


async def test_every_open_matter_ends_with_the_zone_on_1_january_2028(
    time_skipping: WorkflowEnvironment, fresh_store: PostgresEventStore, outbox: Outbox
) -> None:
    env, task_queue = time_skipping, f"agreements-{uuid4()}"
    async with agreement_worker(env.client, fresh_store, task_queue, mail=outbox.activities):
        await sleep_until(env, at(date(2027, 11, 15)))
        agreement = await _concluded_to_the_zones_end(env, task_queue)
        await sleep_until(env, at(date(2027, 12, 20)))
        application = await _undecided_application(env, task_queue)

        ended = await _handle(env.client, agreement).query(AgreementWorkflow.state)
        await sleep_until(env, at(ZONE_END))
        terminated = await _handle(env.client, agreement).query(AgreementWorkflow.state)
        lapsed = await _handle(env.client, application).result()

    assert ended.status is Status.ACTIVE
    assert terminated.status is Status.CLOSING  # the notices of termination are on their way
    assert terminated.termination is not None
    assert terminated.termination.ground is TerminationGround.ZONE_END
    assert terminated.termination.terminated_on == ZONE_END
    assert lapsed.status is Status.LAPSED
    recorded = await fresh_store.read_stream(workflow_id(application.id))
    assert recorded[-1].type == "ApplicationLapsed"
    assert recorded[-1].data["reason"] == LapseReason.ZONE_ENDED.value
    assert (await fresh_store.verify()).ok


async def test_a_decree_extending_the_zone_carries_the_same_agreements_past_2028(
    time_skipping: WorkflowEnvironment, fresh_store: PostgresEventStore, outbox: Outbox
) -> None:
    env, task_queue = time_skipping, f"agreements-{uuid4()}"
    async with agreement_worker(env.client, fresh_store, task_queue, mail=outbox.activities):
        await sleep_until(env, at(date(2027, 11, 15)))
        agreement = await _concluded_to_the_zones_end(env, task_queue)
        await sleep_until(env, at(date(2027, 12, 20)))
        application = await _undecided_application(env, task_queue)
        for matter in (agreement, application):  # what the zone's workflow sends to each
            await _handle(env.client, matter).signal(AgreementWorkflow.zone_rules_changed, EXTENDED)
        await agreement.act(
            ProposeAmendment(
                amendment_id="extension",
                end_date=date(2031, 1, 1),
                obligations=tuple(obligations(year) for year in range(2027, 2031)),
                reason="the zone was extended to 2038",
            ),
            REVIEWER,
        )
        await agreement.act(ApproveAmendment(amendment_id="extension"), APPROVER)
        await agreement.act(SignAmendment(amendment_id="extension"), PARTICIPANT)

        await sleep_until(env, at(date(2028, 1, 2)))
        carried = await _handle(env.client, agreement).query(AgreementWorkflow.state)
        still_open = await _handle(env.client, application).query(AgreementWorkflow.state)

    assert carried.status is Status.ACTIVE
    assert carried.end_date == date(2031, 1, 1)
    assert carried.zone_end == date(2038, 1, 1)
    assert 2027 in carried.reports  # the report on 2027 is due on 31 March 2028
    assert still_open.status in {Status.IN_REVIEW, Status.RECOMMENDED}
    types = [e.type for e in await fresh_store.read_stream(workflow_id(application.id))]
    assert "ApplicationLapsed" not in types
