"""Demo agreements for `pit up --demo`: fifteen applications and agreements at every stage the
real workflows reach today, made through the Temporal client as people would make them.

Each agreement follows a plan of steps, each an action of the right actor (the applicant, a
reviewer, an approver other than the reviewer, an administrator) sent as the workflow's
``act`` update; the first is ``submit_application`` (update-with-start). The ids are fixed
(``demo-001``...) and every step first asks the agreement's state whether it is still to do,
so a second run, or a run after an interrupted one, adds only what is missing.

Reached: submitted and in review; changes requested; resubmitted and in review again;
recommended, awaiting the approver; approved, awaiting the management company's signature;
concluded and active (the authorities' acknowledgments of the notices the workflow issued
recorded, the participant entered in the unified register, free customs zone goods confirmed
or awaiting confirmation, an amendment signed); concluded with the register entry still
awaited; in breach (a site visit found the terms unmet); refused at screening (a prohibited
activity, excisable goods); refused by the approver; terminated by mutual consent, record
closed; terminated at the participant's request, the register entry's closure awaited.

Not reached: what needs time to pass, because the dev server's clock is the real one: annual
reports (only on a year that is over, and the demo's agreements start today), overdue reports
and their escalation, a decision marked overdue (10 days), lapsed applications, signatures and
amendments, a cure period lapsed into a termination for an uncured breach, expiry and the
zone's end. Those are proved on Temporal's time-skipping server (tests/workflows).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime

from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from domain.actors import Actor, Role
from domain.agreement import AgreementCommand, AgreementState, Status, initial_state
from domain.agreement.commands import (
    ApproveAmendment,
    ApproveConclusion,
    ApproveTermination,
    ConfirmGoodsConsumption,
    ConsentToTermination,
    DeclareGoodsConsumption,
    IssueBreachNotice,
    ProposeAmendment,
    ProposeTermination,
    RecommendConclusion,
    RecommendRefusal,
    RecordAuthorityNotified,
    RecordRegisterEntry,
    RecordRegisterEntryClosed,
    RecordSiteVisit,
    RefuseApplication,
    RequestChanges,
    RequestTermination,
    ResubmitApplication,
    SignAmendment,
    SignAsParticipant,
    SignForManagementCompany,
    SubmitApplication,
)
from domain.agreement.values import GoodsConsumption
from domain.agreement.vocabulary import (
    IN_FORCE,
    AmendmentStatus,
    Authority,
    DeclarationStatus,
    RefusalGround,
    TerminationGround,
)
from domain.calendar import almaty_date
from domain.rules import decree_1166_rulebook
from workers.agreement_client import submit_application
from workers.demo_companies import Company, company
from workflows.agreement import AgreementAction, AgreementWorkflow, workflow_id

# The management company's staff of the demo.
REVIEWER = Actor(id="reviewer.aigerim.sadykova", role=Role.REVIEWER)
REVIEWER_2 = Actor(id="reviewer.nurlan.abenov", role=Role.REVIEWER)
APPROVER = Actor(id="approver.dana.zhaksylykova", role=Role.APPROVER)
APPROVER_2 = Actor(id="approver.yerlan.mukanov", role=Role.APPROVER)
ADMIN = Actor(id="admin.timur.ospanov", role=Role.ADMIN)


# How long a step waits for the workflow's own part (READY_POLLS x READY_POLL_INTERVAL_S).
READY_POLLS = 100
READY_POLL_INTERVAL_S = 0.1


class DemoUnavailable(Exception):
    """The demo cannot be loaded: the zone has ended, or a step was refused."""


@dataclass(frozen=True)
class Step:
    """One action of a plan, taken only while ``pending`` says the state still needs it."""

    label: str
    actor: Actor
    command: Callable[[AgreementState], AgreementCommand]
    pending: Callable[[AgreementState], bool]
    # What the workflow does itself first, if anything (it issues the notice an authority then
    # acknowledges): the step waits for it a bounded while, then goes ahead.
    ready: Callable[[AgreementState], bool] = lambda state: True


@dataclass(frozen=True)
class Plan:
    """Where one company's agreement is taken, and how."""

    company: Company
    stage: Status
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class DemoAgreement:
    """One demo agreement after loading: its status, and how many actions this run took."""

    agreement_id: str
    name: str
    status: Status
    applied: int


@dataclass(frozen=True)
class DemoSummary:
    """What a run of the demo loader found and did."""

    agreements: tuple[DemoAgreement, ...]

    @property
    def applied(self) -> int:
        """The actions recorded by this run (0 when everything was loaded already)."""
        return sum(a.applied for a in self.agreements)

    def lines(self) -> list[str]:
        """One line per stage, in lifecycle order: its agreements' ids and names."""
        lines: list[str] = []
        for status in Status:
            here = [a for a in self.agreements if a.status is status]
            if here:
                names = "; ".join(f"{a.agreement_id} {a.name}" for a in here)
                lines.append(f"{status.value.replace('_', ' ')} ({len(here)}): {names}")
        return lines


def almaty_today() -> date:
    """Today in the zone's time."""
    return almaty_date(datetime.now(UTC))


async def load_demo(client: Client, task_queue: str) -> DemoSummary:
    """Take every demo agreement to its stage through its workflow; skip what is done.

    Raises:
        DemoUnavailable: the zone has ended (nothing can be applied for), or the domain refused
            a step that was still to do.
    """
    today = almaty_today()
    zone_end = decree_1166_rulebook().in_force(today).zone_end
    if today >= zone_end:
        raise DemoUnavailable(f"the zone ended on {zone_end.isoformat()}: no demo applications")
    # Every agreement at once, each to the end of its plan or its first refusal.
    outcomes = await asyncio.gather(
        *(_carry_out(client, task_queue, plan) for plan in demo_plans(today, zone_end)),
        return_exceptions=True,
    )
    loaded: list[DemoAgreement] = []
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome
        loaded.append(outcome)
    return DemoSummary(agreements=tuple(loaded))


async def _carry_out(client: Client, task_queue: str, plan: Plan) -> DemoAgreement:
    agreement_id = plan.company.agreement_id
    handle = client.get_workflow_handle_for(AgreementWorkflow.run, workflow_id(agreement_id))
    state = await _state(handle)
    applied = 0
    for step in plan.steps:
        if not step.pending(state):
            continue
        state = await _once_ready(handle, step, state)
        if not step.pending(state):
            continue
        try:
            state = await _act(client, task_queue, handle, agreement_id, step, state)
            applied += 1
        except WorkflowUpdateFailedError as refused:
            # Someone (a timer, another run) may have taken the step meanwhile: fine if so.
            state = await _state(handle)
            if step.pending(state):
                raise DemoUnavailable(
                    f"{agreement_id}: {step.label} refused: {refused.cause}"
                ) from refused
    return DemoAgreement(
        agreement_id=agreement_id, name=plan.company.name, status=state.status, applied=applied
    )


async def _once_ready(
    handle: WorkflowHandle[AgreementWorkflow, AgreementState], step: Step, state: AgreementState
) -> AgreementState:
    """The state once the workflow did what the step waits for, or after READY_POLLS looks."""
    for _ in range(READY_POLLS):
        if step.ready(state):
            break
        await asyncio.sleep(READY_POLL_INTERVAL_S)
        state = await _state(handle)
    return state


async def _state(handle: WorkflowHandle[AgreementWorkflow, AgreementState]) -> AgreementState:
    """The agreement's state; a new one if its workflow was never started."""
    try:
        return await handle.query(AgreementWorkflow.state)
    except RPCError as failed:
        if failed.status is RPCStatusCode.NOT_FOUND:
            return initial_state()
        raise


async def _act(
    client: Client,
    task_queue: str,
    handle: WorkflowHandle[AgreementWorkflow, AgreementState],
    agreement_id: str,
    step: Step,
    state: AgreementState,
) -> AgreementState:
    command = step.command(state)
    correlation_id = f"demo:{agreement_id}:{step.label}"
    if isinstance(command, SubmitApplication):
        return await submit_application(
            client,
            agreement_id=agreement_id,
            form=command.form,
            actor=step.actor,
            correlation_id=correlation_id,
            task_queue=task_queue,
        )
    return await handle.execute_update(
        AgreementWorkflow.act,
        AgreementAction(command=command, actor=step.actor, correlation_id=correlation_id),
    )


# --- The plans: each agreement's steps, built from the steps below ------------------------------


def demo_plans(today: date, zone_end: date) -> tuple[Plan, ...]:
    """Every demo agreement's plan, for applications submitted ``today`` for a term that runs
    to the zone's end."""

    def applied(number: int) -> tuple[Company, Actor, list[Step]]:
        c = company(number)
        applicant = Actor(id=c.email, role=Role.APPLICANT, bin=c.bin)
        return c, applicant, [_submit(c, applicant, today, zone_end)]

    def concluded(number: int) -> tuple[Company, Actor, list[Step]]:
        c, applicant, steps = applied(number)
        steps += [
            _recommend_conclusion(
                "проект соответствует приоритетным направлениям СЭЗ (п. 2.1 Положения)"
            ),
            _approve(f"PIT-{today.year}-{number:03d}"),
            _sign_as_participant(applicant),
            _sign_for_management_company(),
            *_notify_of_conclusion(number),
        ]
        return c, applicant, steps

    def registered(number: int) -> tuple[Company, Actor, list[Step]]:
        c, applicant, steps = concluded(number)
        steps.append(_register(f"SEZ-PIT-{today.year}-{number:04d}"))
        return c, applicant, steps

    plans: list[Plan] = []

    # Active, registered, goods declared and confirmed.
    c, applicant, steps = registered(1)
    steps += _goods(c, applicant, confirm=True)
    plans.append(Plan(c, Status.ACTIVE, tuple(steps)))

    c, applicant, steps = registered(2)
    steps += _goods(c, applicant, confirm=True, leave_last_declared=True)
    plans.append(Plan(c, Status.ACTIVE, tuple(steps)))

    # Active, registered, its obligations raised by a signed amendment.
    c, applicant, steps = registered(3)
    steps += [*_goods(c, applicant, confirm=True), *_amendment_raising_jobs(applicant, 2027, 30)]
    plans.append(Plan(c, Status.ACTIVE, tuple(steps)))

    # Active, the unified register's entry still awaited.
    c, _, steps = concluded(4)
    plans.append(Plan(c, Status.ACTIVE, tuple(steps)))

    # In breach: a site visit found the terms unmet.
    c, _, steps = registered(5)
    steps += [
        _site_visit(
            "visit-1",
            "студия на территории СЭЗ не оборудована, в ней работают 3 разработчика "
            "из обещанных по соглашению",
        ),
        _breach_notice(
            "notice-1",
            "деятельность на территории СЭЗ не ведется, как предусмотрено соглашением: "
            "открыть студию и принять обещанных разработчиков в срок устранения",
        ),
    ]
    plans.append(Plan(c, Status.IN_BREACH, tuple(steps)))

    # Approved; the participant signed, the management company has not yet.
    c, applicant, steps = applied(6)
    steps += [
        _recommend_conclusion("частная сеть LTE для промышленных участников СЭЗ: раздел J ОКЭД"),
        _approve(f"PIT-{today.year}-006"),
        _sign_as_participant(applicant),
    ]
    plans.append(Plan(c, Status.AWAITING_SIGNATURES, tuple(steps)))

    # Recommended; the approver decides.
    c, _, steps = applied(7)
    steps.append(
        _recommend_conclusion("консалтинг и программное обеспечение для банков: раздел J ОКЭД, ИКТ")
    )
    plans.append(Plan(c, Status.RECOMMENDED, tuple(steps)))

    # Just submitted, with a reviewer.
    for number in (8, 9):
        c, _, steps = applied(number)
        plans.append(Plan(c, Status.IN_REVIEW, tuple(steps)))

    # Changes requested: the priority area does not fit the OKED division.
    c, _, steps = applied(10)
    steps.append(
        _request_changes(
            "фармацевтика (ОКЭД 21) не относится к направлению «материалы»: укажите "
            "приоритетное направление проекта или опишите его технологию материалов",
            "в плане инвестиций не указаны источники финансирования",
        )
    )
    plans.append(Plan(c, Status.CHANGES_REQUESTED, tuple(steps)))

    # Changes requested, then resubmitted: in review again.
    c, applicant, steps = applied(11)
    steps += [
        _request_changes("обоснуйте долю казахстанского содержания в собираемых инверторах"),
        _resubmit(
            c,
            applicant,
            today,
            zone_end,
            project_description=f"{c.project} Казахстанское содержание: печатные платы и корпуса "
            "производства Алматинской области, программное обеспечение собственное.",
        ),
    ]
    plans.append(Plan(c, Status.IN_REVIEW, tuple(steps)))

    # Refused at screening: distilling (OKED 11) and excisable goods, both prohibited.
    c, _, steps = applied(12)
    plans.append(Plan(c, Status.REFUSED, tuple(steps)))

    # Refused by the approver: a warehouse under a software OKED code.
    c, _, steps = applied(13)
    steps += [
        _recommend_refusal(
            RefusalGround.ACTIVITY_MISMATCH,
            "проект — складской комплекс (ОКЭД 52.10), а не разработка программного обеспечения",
        ),
        _refuse(
            RefusalGround.ACTIVITY_MISMATCH,
            "складская деятельность не относится к видам деятельности СЭЗ (п. 3 Положения)",
        ),
    ]
    plans.append(Plan(c, Status.REFUSED, tuple(steps)))

    # Terminated by mutual consent; notices sent and the register entry closed: final.
    c, applicant, steps = registered(14)
    steps += [
        _propose_mutual_termination("termination-1", "участник переносит производство в г. Астану"),
        _consent_to_termination(applicant, "termination-1"),
        _approve_termination("termination-1", APPROVER),
        *_notify_of_termination(14),
        _register_closed(),
    ]
    plans.append(Plan(c, Status.TERMINATED, tuple(steps)))

    # Terminated at the participant's request; notices sent, the register's closure awaited.
    c, applicant, steps = registered(15)
    steps += [
        _request_termination(
            applicant, "termination-1", "деятельность передается материнской компании"
        ),
        _approve_termination("termination-1", APPROVER_2),
        *_notify_of_termination(15),
    ]
    plans.append(Plan(c, Status.CLOSING, tuple(steps)))
    return tuple(sorted(plans, key=lambda plan: plan.company.number))


# --- The steps -----------------------------------------------------------------------------------


def _status_is(*statuses: Status) -> Callable[[AgreementState], bool]:
    return lambda state: state.status in statuses


def _submit(c: Company, applicant: Actor, today: date, zone_end: date) -> Step:
    return Step(
        "submit",
        applicant,
        lambda state: SubmitApplication(agreement_id=c.agreement_id, form=c.form(today, zone_end)),
        _status_is(Status.NEW),
    )


def _request_changes(*items: str) -> Step:
    # Once the reviewer asked, an application in review again is the resubmitted one.
    return Step(
        "request-changes",
        REVIEWER,
        lambda state: RequestChanges(items=items),
        lambda state: state.status is Status.IN_REVIEW and REVIEWER.id not in state.reviewers,
    )


def _resubmit(c: Company, applicant: Actor, today: date, zone_end: date, **changes: object) -> Step:
    return Step(
        "resubmit",
        applicant,
        lambda state: ResubmitApplication(form=c.form(today, zone_end, **changes)),
        _status_is(Status.CHANGES_REQUESTED),
    )


def _recommend_conclusion(note: str) -> Step:
    return Step(
        "recommend-conclusion",
        REVIEWER,
        lambda state: RecommendConclusion(note=note),
        _status_is(Status.IN_REVIEW),
    )


def _recommend_refusal(ground: RefusalGround, note: str) -> Step:
    return Step(
        "recommend-refusal",
        REVIEWER,
        lambda state: RecommendRefusal(grounds=(ground,), note=note),
        _status_is(Status.IN_REVIEW),
    )


def _approve(agreement_number: str) -> Step:
    # Four-eyes: the approver is never the reviewer.
    return Step(
        "approve",
        APPROVER,
        lambda state: ApproveConclusion(agreement_number=agreement_number),
        _status_is(Status.RECOMMENDED),
    )


def _refuse(ground: RefusalGround, note: str) -> Step:
    return Step(
        "refuse",
        APPROVER_2,
        lambda state: RefuseApplication(grounds=(ground,), note=note),
        _status_is(Status.RECOMMENDED),
    )


def _sign_as_participant(applicant: Actor) -> Step:
    return Step(
        "sign-as-participant",
        applicant,
        lambda state: SignAsParticipant(),
        lambda state: (
            state.status is Status.AWAITING_SIGNATURES and not state.signed_by_participant
        ),
    )


def _sign_for_management_company() -> Step:
    return Step(
        "sign-for-management-company",
        APPROVER,
        lambda state: SignForManagementCompany(),
        lambda state: (
            state.status is Status.AWAITING_SIGNATURES and not state.signed_by_management_company
        ),
    )


# The authorities' registry prefixes of incoming letters.
INCOMING_PREFIX = {Authority.AUTHORIZED_BODY: "01-17", Authority.TAX_AUTHORITY: "02-09"}


def _notice(authority: Authority, number: int, of: str, when: Collection[Status]) -> Step:
    """The authority's acknowledgment of the notice the workflow issued, recorded by an
    administrator (with the authority's incoming number)."""
    reference = f"вх. № {INCOMING_PREFIX[authority]}/{number:03d}"
    return Step(
        f"notify-{authority.value}-of-{of}",
        ADMIN,
        lambda state: RecordAuthorityNotified(authority=authority, reference=reference),
        lambda state: state.status in when and authority in state.notices_due,
        ready=lambda state: authority in state.notices_issued,
    )


def _notify_of_conclusion(number: int) -> list[Step]:
    return [_notice(authority, number, "conclusion", IN_FORCE) for authority in Authority]


def _notify_of_termination(number: int) -> list[Step]:
    return [
        _notice(authority, 500 + number, "termination", {Status.CLOSING}) for authority in Authority
    ]


def _register(register_number: str) -> Step:
    return Step(
        "record-register-entry",
        REVIEWER,
        lambda state: RecordRegisterEntry(
            register_number=register_number, entered_on=_concluded_on(state)
        ),
        lambda state: state.status in IN_FORCE and state.register_number is None,
    )


def _concluded_on(state: AgreementState) -> date:
    # The workflow's own day: never in the future, never before the conclusion.
    if state.concluded_on is None:
        raise DemoUnavailable(f"{state.agreement_id} is not concluded")
    return state.concluded_on


def _register_closed() -> Step:
    def closed_on(state: AgreementState) -> date:
        if state.termination is None:
            raise DemoUnavailable(f"{state.agreement_id} is not terminated")
        return state.termination.terminated_on

    return Step(
        "record-register-entry-closed",
        REVIEWER,
        lambda state: RecordRegisterEntryClosed(closed_on=closed_on(state)),
        lambda state: state.status is Status.CLOSING and state.register_closure_due is not None,
    )


def _goods(
    c: Company, applicant: Actor, *, confirm: bool, leave_last_declared: bool = False
) -> list[Step]:
    """The company's goods declared, and confirmed (but the last, if asked to leave it)."""
    steps: list[Step] = []
    for index, goods in enumerate(c.goods, start=1):
        declaration_id = f"declaration-{index}"
        steps.append(_declare(applicant, declaration_id, goods, index))
        if confirm and not (leave_last_declared and index == len(c.goods)):
            steps.append(_confirm(declaration_id, f"PIT-FCZ-{c.number:03d}-{index}", index))
    return steps


def _declare(applicant: Actor, declaration_id: str, goods: GoodsConsumption, index: int) -> Step:
    return Step(
        f"declare-goods-{index}",
        applicant,
        lambda state: DeclareGoodsConsumption(declaration_id=declaration_id, goods=goods),
        lambda state: state.status in IN_FORCE and declaration_id not in state.goods,
    )


def _confirm(declaration_id: str, document_number: str, index: int) -> Step:
    def declared(state: AgreementState) -> bool:
        record = state.goods.get(declaration_id)
        return record is not None and record.status is DeclarationStatus.DECLARED

    return Step(
        f"confirm-goods-{index}",
        REVIEWER_2,
        lambda state: ConfirmGoodsConsumption(
            declaration_id=declaration_id, document_number=document_number
        ),
        lambda state: state.status in IN_FORCE and declared(state),
    )


def _amendment_raising_jobs(applicant: Actor, year: int, more_jobs: int) -> list[Step]:
    """A reviewer proposes more jobs in ``year``, another approver approves, the participant
    signs."""
    amendment_id = "amendment-1"

    def raised(state: AgreementState) -> ProposeAmendment:
        obligations = tuple(
            o.model_copy(update={"jobs": o.jobs + more_jobs}) if o.year == year else o
            for o in state.obligations
        )
        return ProposeAmendment(
            amendment_id=amendment_id,
            obligations=obligations,
            reason=f"вторая производственная линия: еще {more_jobs} рабочих мест в {year} году",
        )

    def is_(status: AmendmentStatus) -> Callable[[AgreementState], bool]:
        return lambda state: (
            amendment_id in state.amendments and state.amendments[amendment_id].status is status
        )

    return [
        Step(
            "propose-amendment",
            REVIEWER,
            raised,
            lambda state: state.status in IN_FORCE and amendment_id not in state.amendments,
        ),
        Step(
            "approve-amendment",
            APPROVER_2,
            lambda state: ApproveAmendment(amendment_id=amendment_id),
            is_(AmendmentStatus.PROPOSED),
        ),
        Step(
            "sign-amendment",
            applicant,
            lambda state: SignAmendment(amendment_id=amendment_id),
            is_(AmendmentStatus.APPROVED),
        ),
    ]


def _site_visit(visit_id: str, findings: str) -> Step:
    return Step(
        "record-site-visit",
        REVIEWER_2,
        lambda state: RecordSiteVisit(
            visit_id=visit_id, visited_on=_concluded_on(state), findings=findings, terms_met=False
        ),
        lambda state: state.status in IN_FORCE and visit_id not in state.ids,
    )


def _breach_notice(notice_id: str, description: str) -> Step:
    return Step(
        "issue-breach-notice",
        REVIEWER_2,
        lambda state: IssueBreachNotice(notice_id=notice_id, description=description),
        lambda state: state.status is Status.ACTIVE and notice_id not in state.ids,
    )


def _propose_mutual_termination(termination_id: str, reason: str) -> Step:
    return Step(
        "propose-termination",
        REVIEWER_2,
        lambda state: ProposeTermination(
            termination_id=termination_id, ground=TerminationGround.MUTUAL_CONSENT, reason=reason
        ),
        lambda state: state.status in IN_FORCE and termination_id not in state.ids,
    )


def _request_termination(applicant: Actor, termination_id: str, reason: str) -> Step:
    return Step(
        "request-termination",
        applicant,
        lambda state: RequestTermination(termination_id=termination_id, reason=reason),
        lambda state: state.status in IN_FORCE and termination_id not in state.ids,
    )


def _consent_to_termination(applicant: Actor, termination_id: str) -> Step:
    return Step(
        "consent-to-termination",
        applicant,
        lambda state: ConsentToTermination(termination_id=termination_id),
        lambda state: (
            state.termination_proposal is not None
            and state.termination_proposal.termination_id == termination_id
            and not state.termination_proposal.consented
        ),
    )


def _approve_termination(termination_id: str, approver: Actor) -> Step:
    # Four-eyes: never the proposer; a participant's request is approved by staff.
    return Step(
        "approve-termination",
        approver,
        lambda state: ApproveTermination(termination_id=termination_id),
        _status_is(Status.TERMINATION_PROPOSED),
    )
