"""`pit up --demo`: demo agreements at every reachable stage, through the real workflows, once."""

from __future__ import annotations

import asyncio
from datetime import date
from uuid import uuid4

from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from domain.agreement import AgreementState, Status
from domain.agreement.commands import SubmitApplication
from domain.agreement.vocabulary import AmendmentStatus, DeclarationStatus, TerminationGround
from domain.bin import eligibility_problems, parse_bin
from domain.rules import decree_1166_rulebook
from domain.screening import screen_application
from eventstore import PostgresEventStore
from workers.demo import DemoSummary, demo_plans, load_demo
from workers.demo_companies import COMPANIES
from workers.mail_catcher import MailCatcher
from workers.main import run_worker
from workers.settings import PitSettings
from workflows.agreement import AgreementWorkflow, workflow_id

RULES = decree_1166_rulebook()
# The plans' shape does not depend on the day; the screening test needs one, fixed.
SOME_DAY = date(2026, 11, 25)
PLANS = demo_plans(SOME_DAY, RULES.in_force(SOME_DAY).zone_end)
EVERY_STAGE = {
    Status.IN_REVIEW,
    Status.CHANGES_REQUESTED,
    Status.RECOMMENDED,
    Status.AWAITING_SIGNATURES,
    Status.ACTIVE,
    Status.IN_BREACH,
    Status.CLOSING,
    Status.TERMINATED,
    Status.REFUSED,
}
DISTILLERY = "demo-012"


def test_every_demo_applicant_has_a_valid_head_office_bin_of_its_own() -> None:
    bins = [company.bin for company in COMPANIES]

    assert len(set(bins)) == len(COMPANIES)
    for value in bins:
        assert eligibility_problems(parse_bin(value)) == ()


def test_every_demo_application_passes_screening_but_the_distillerys() -> None:
    rule_set = RULES.in_force(SOME_DAY)

    refusals = {}
    for plan in PLANS:
        submission = plan.steps[0].command(AgreementState())
        assert isinstance(submission, SubmitApplication)
        result = screen_application(submission.form, rule_set, SOME_DAY)
        refusals[plan.company.agreement_id] = {f.code for f in result.refusals}

    distillery = refusals.pop(DISTILLERY)
    assert distillery >= {"excisable_goods"}
    assert len(distillery) >= 2, "the activity (OKED 11) is refused too"
    assert all(not codes for codes in refusals.values()), refusals


async def test_demo_reaches_every_stage_beside_the_worker_and_a_second_run_adds_nothing(
    dev_server: WorkflowEnvironment,
    fresh_store: PostgresEventStore,
    fresh_dsn: str,
    smtp: MailCatcher,
) -> None:
    task_queue = f"agreements-{uuid4()}"
    settings = PitSettings.model_validate(
        {
            "DATABASE_URL": fresh_dsn,
            "SMTP_URL": smtp.url,
            "TEMPORAL_ADDRESS": dev_server.client.service_client.config.target_host,
            "PIT_TASK_QUEUE": task_queue,
            "PIT_METRICS_ADDRESS": "",
        }
    )
    first_run: asyncio.Future[DemoSummary] = asyncio.get_running_loop().create_future()

    async def load_as_pit_up_does(client: Client) -> None:
        try:
            first_run.set_result(await load_demo(client, task_queue))
        except Exception as failed:
            first_run.set_exception(failed)

    stop = asyncio.Event()
    worker = asyncio.create_task(run_worker(settings, stop, load_as_pit_up_does))
    try:
        first = await asyncio.wait_for(first_run, timeout=180)
        ids = [a.agreement_id for a in first.agreements]
        versions = {i: await fresh_store.stream_version(workflow_id(i)) for i in ids}
        second = await asyncio.wait_for(load_demo(dev_server.client, task_queue), timeout=120)
        states = {
            i: await dev_server.client.get_workflow_handle_for(
                AgreementWorkflow.run, workflow_id(i)
            ).query(AgreementWorkflow.state)
            for i in ids
        }
    finally:
        stop.set()
        await asyncio.wait_for(worker, timeout=60)

    planned = {p.company.agreement_id: p.stage for p in PLANS}
    assert {a.agreement_id: a.status for a in first.agreements} == planned
    assert {a.status for a in first.agreements} == EVERY_STAGE
    assert len(first.lines()) == len(EVERY_STAGE)
    assert first.applied > len(ids)

    assert second.applied == 0
    assert [a.status for a in second.agreements] == [a.status for a in first.agreements]
    assert {i: await fresh_store.stream_version(workflow_id(i)) for i in ids} == versions

    recorded = {i: await fresh_store.read_stream(workflow_id(i)) for i in ids}
    assert not [
        i for i, events in recorded.items() if any(e.type == "ActionRefused" for e in events)
    ]
    screened_out = [e for e in recorded[DISTILLERY] if e.type == "ApplicationRefused"]
    assert screened_out[0].data["stage"] == "screening"
    assert [e.data["stage"] for e in recorded["demo-013"] if e.type == "ApplicationRefused"] == [
        "decision"
    ]

    registered = states["demo-001"]
    assert registered.register_number is not None
    assert not registered.notices_due
    assert {g.status for g in registered.goods.values()} == {DeclarationStatus.CONFIRMED}
    assert DeclarationStatus.DECLARED in {g.status for g in states["demo-002"].goods.values()}
    assert states["demo-003"].amendments["amendment-1"].status is AmendmentStatus.SIGNED
    assert states["demo-004"].register_number is None
    assert states["demo-011"].resubmission_due is None  # resubmitted, in review again
    assert states["demo-006"].signed_by_participant
    assert not states["demo-006"].signed_by_management_company
    terminations = {i: states[i].termination for i in ("demo-014", "demo-015")}
    assert {i: t.ground for i, t in terminations.items() if t is not None} == {
        "demo-014": TerminationGround.MUTUAL_CONSENT,
        "demo-015": TerminationGround.PARTICIPANT_REQUEST,
    }
