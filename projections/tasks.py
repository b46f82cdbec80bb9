"""The open tasks of an agreement: what a person must do next, derived from its folded state.

``tasks_for(state)`` is pure, so the inbox a projection keeps is exactly what a fresh fold of the
stream says. A task names the commands that settle it; the roles that may act are those the
domain's PERMISSIONS allow for those commands (pit's own ``system`` role excepted: timers are not
people), and the actors who may not are those the four-eyes rule bars from its decision.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict

from domain.actors import Role
from domain.agreement import IN_FORCE, AgreementState, Status, allowed_roles
from domain.agreement.values import Due
from domain.agreement.vocabulary import (
    AmendmentStatus,
    DeclarationStatus,
    ReportStatus,
    TerminationGround,
)
from domain.calendar import end_of_day, start_of_day


class TaskKind(StrEnum):
    """What a task asks for. ``related_id`` names what its commands take (in brackets)."""

    REVIEW_APPLICATION = "review_application"  # reviewer (the agreement)
    RESUBMIT_APPLICATION = "resubmit_application"  # applicant (the agreement)
    DECIDE_APPLICATION = "decide_application"  # approver, not a reviewer (the agreement)
    SIGN_AS_PARTICIPANT = "sign_as_participant"  # applicant (the agreement)
    SIGN_FOR_MANAGEMENT_COMPANY = "sign_for_management_company"  # approver (the agreement)
    RECORD_AUTHORITY_ACKNOWLEDGMENT = "record_authority_acknowledgment"  # admin (the authority)
    RECORD_REGISTER_ENTRY = "record_register_entry"  # reviewer or admin (the agreement)
    RECORD_REGISTER_CLOSURE = "record_register_closure"  # reviewer or admin (the agreement)
    SUBMIT_ANNUAL_REPORT = "submit_annual_report"  # participant (the year)
    RESUBMIT_ANNUAL_REPORT = "resubmit_annual_report"  # participant (the report id)
    REVIEW_ANNUAL_REPORT = "review_annual_report"  # reviewer (the report id)
    CONFIRM_GOODS = "confirm_goods"  # reviewer (the declaration id)
    CONSIDER_BREACH_NOTICE = "consider_breach_notice"  # reviewer (the agreement)
    RECORD_BREACH_CURE = "record_breach_cure"  # reviewer (the notice id)
    DECIDE_AMENDMENT = "decide_amendment"  # approver, not the proposer (the amendment id)
    SIGN_AMENDMENT = "sign_amendment"  # participant (the amendment id)
    DECIDE_TERMINATION = "decide_termination"  # approver, not the proposer (the termination id)
    CONSENT_TO_TERMINATION = "consent_to_termination"  # participant (the termination id)


# The commands that settle each kind of task (PERMISSIONS' keys).
SETTLED_BY: dict[TaskKind, tuple[str, ...]] = {
    TaskKind.REVIEW_APPLICATION: ("RequestChanges", "RecommendConclusion", "RecommendRefusal"),
    TaskKind.RESUBMIT_APPLICATION: ("ResubmitApplication",),
    TaskKind.DECIDE_APPLICATION: ("ApproveConclusion", "RefuseApplication"),
    TaskKind.SIGN_AS_PARTICIPANT: ("SignAsParticipant",),
    TaskKind.SIGN_FOR_MANAGEMENT_COMPANY: ("SignForManagementCompany",),
    TaskKind.RECORD_AUTHORITY_ACKNOWLEDGMENT: ("RecordAuthorityNotified",),
    TaskKind.RECORD_REGISTER_ENTRY: ("RecordRegisterEntry",),
    TaskKind.RECORD_REGISTER_CLOSURE: ("RecordRegisterEntryClosed",),
    TaskKind.SUBMIT_ANNUAL_REPORT: ("SubmitAnnualReport",),
    TaskKind.RESUBMIT_ANNUAL_REPORT: ("ResubmitAnnualReport",),
    TaskKind.REVIEW_ANNUAL_REPORT: ("AcceptAnnualReport", "ReturnAnnualReport"),
    TaskKind.CONFIRM_GOODS: ("ConfirmGoodsConsumption", "RejectGoodsDeclaration"),
    TaskKind.CONSIDER_BREACH_NOTICE: ("IssueBreachNotice",),
    TaskKind.RECORD_BREACH_CURE: ("RecordBreachCured",),
    TaskKind.DECIDE_AMENDMENT: ("ApproveAmendment", "RejectAmendment"),
    TaskKind.SIGN_AMENDMENT: ("SignAmendment",),
    TaskKind.DECIDE_TERMINATION: ("ApproveTermination", "RejectTermination"),
    TaskKind.CONSENT_TO_TERMINATION: ("ConsentToTermination",),
}


def roles_for(kind: TaskKind) -> frozenset[Role]:
    """The roles that may settle a task: those PERMISSIONS allows any of its commands, but
    pit's own system role."""
    roles: set[Role] = set()
    for command in SETTLED_BY[kind]:
        roles |= allowed_roles(command)
    return frozenset(roles - {Role.SYSTEM})


class Task(BaseModel):
    """One open task of one agreement.

    Attributes:
        kind: what is asked.
        related_id: the matter, as the settling command names it (see :class:`TaskKind`).
        roles: the roles that may act.
        excluded: the actors who may not, whatever their role (four-eyes: the reviewers of
            an application for its decision, the proposer of an amendment or a termination).
        commands: the commands that settle it.
        due_date: the last day to act, in Almaty, if a term runs.
        due_at: the instant that day ends (the task is overdue from then on).
        opens_at: the instant before which it cannot be done yet (a report on a year that is
            not over), if any.
        legal_basis: the basis of the term, if one runs.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: TaskKind
    related_id: str
    roles: frozenset[Role]
    excluded: frozenset[str] = frozenset()
    commands: tuple[str, ...]
    due_date: date | None = None
    due_at: AwareDatetime | None = None
    opens_at: AwareDatetime | None = None
    legal_basis: tuple[str, ...] = ()


def _task(
    kind: TaskKind,
    related_id: str,
    due: Due | None = None,
    *,
    excluded: Iterable[str] = (),
    opens_at: datetime | None = None,
) -> Task:
    return Task(
        kind=kind,
        related_id=related_id,
        roles=roles_for(kind),
        excluded=frozenset(excluded),
        commands=SETTLED_BY[kind],
        due_date=due.on if due else None,
        due_at=end_of_day(due.on) if due else None,
        opens_at=opens_at,
        legal_basis=due.legal_basis if due else (),
    )


def _application_tasks(state: AgreementState, agreement: str) -> list[Task]:
    if state.status is Status.IN_REVIEW:
        return [_task(TaskKind.REVIEW_APPLICATION, agreement, state.decision_due)]
    if state.status is Status.CHANGES_REQUESTED:
        return [_task(TaskKind.RESUBMIT_APPLICATION, agreement, state.resubmission_due)]
    if state.status is Status.RECOMMENDED:
        return [
            _task(
                TaskKind.DECIDE_APPLICATION,
                agreement,
                state.decision_due,
                excluded=state.reviewers,
            )
        ]
    if state.status is Status.AWAITING_SIGNATURES:
        found: list[Task] = []
        if not state.signed_by_participant:
            found.append(_task(TaskKind.SIGN_AS_PARTICIPANT, agreement, state.signing_due))
        if not state.signed_by_management_company:
            found.append(_task(TaskKind.SIGN_FOR_MANAGEMENT_COMPANY, agreement, state.signing_due))
        return found
    return []


def _record_tasks(state: AgreementState, agreement: str) -> list[Task]:
    """Notices the system issued whose acknowledgment staff record, and the register."""
    found = [
        _task(TaskKind.RECORD_AUTHORITY_ACKNOWLEDGMENT, authority.value, due)
        for authority, due in sorted(state.notices_due.items())
        if authority in state.notices_issued
    ]
    if (
        state.status in IN_FORCE
        and state.register_entry_due is not None
        and state.register_number is None
    ):
        found.append(_task(TaskKind.RECORD_REGISTER_ENTRY, agreement, state.register_entry_due))
    if state.status is Status.CLOSING and state.register_closure_due is not None:
        found.append(_task(TaskKind.RECORD_REGISTER_CLOSURE, agreement, state.register_closure_due))
    return found


def _report_tasks(state: AgreementState) -> list[Task]:
    found: list[Task] = []
    for year in sorted(state.reports):
        report = state.reports[year]
        if report.status is ReportStatus.DUE:
            # A report on a year can be submitted once that year is over.
            opens = start_of_day(date(year + 1, 1, 1))
            found.append(
                _task(TaskKind.SUBMIT_ANNUAL_REPORT, str(year), report.due, opens_at=opens)
            )
        elif report.status is ReportStatus.RETURNED and report.report_id is not None:
            found.append(
                _task(TaskKind.RESUBMIT_ANNUAL_REPORT, report.report_id, report.correction_due)
            )
        elif report.status is ReportStatus.SUBMITTED and report.report_id is not None:
            found.append(_task(TaskKind.REVIEW_ANNUAL_REPORT, report.report_id))
    return found


def _monitoring_tasks(state: AgreementState, agreement: str) -> list[Task]:
    breach = state.breach
    if state.status is Status.IN_BREACH and breach is not None:
        return [_task(TaskKind.RECORD_BREACH_CURE, breach.notice_id, breach.cure_due)]
    if state.status is Status.ACTIVE and state.monitoring_issues:
        return [_task(TaskKind.CONSIDER_BREACH_NOTICE, agreement)]
    return []


def _amendment_tasks(state: AgreementState) -> list[Task]:
    amendment = state.pending_amendment
    if amendment is None:
        return []
    if amendment.status is AmendmentStatus.PROPOSED:
        return [
            _task(
                TaskKind.DECIDE_AMENDMENT,
                amendment.amendment_id,
                excluded={amendment.proposed_by},
            )
        ]
    return [_task(TaskKind.SIGN_AMENDMENT, amendment.amendment_id, amendment.signing_due)]


def _termination_tasks(state: AgreementState) -> list[Task]:
    proposal = state.termination_proposal
    if state.status is not Status.TERMINATION_PROPOSED or proposal is None:
        return []
    found = [
        _task(
            TaskKind.DECIDE_TERMINATION,
            proposal.termination_id,
            excluded={proposal.proposed_by},
        )
    ]
    if proposal.ground is TerminationGround.MUTUAL_CONSENT and not proposal.consented:
        found.append(_task(TaskKind.CONSENT_TO_TERMINATION, proposal.termination_id))
    return found


def _goods_tasks(state: AgreementState) -> list[Task]:
    return [
        _task(TaskKind.CONFIRM_GOODS, declaration_id)
        for declaration_id, declaration in sorted(state.goods.items())
        if declaration.status is DeclarationStatus.DECLARED
    ]


def tasks_for(state: AgreementState) -> list[Task]:
    """Every open task of an agreement in this state, in a stable order (a final record has
    none). Each (kind, related_id) appears at most once.

    Only what the decider would accept in this state is listed: reports, goods and amendments
    are settled only while the agreement is in force, for instance.
    """
    if state.is_terminal or state.status is Status.NEW:
        return []
    agreement = state.agreement_id or ""
    found = _application_tasks(state, agreement)
    found.extend(_record_tasks(state, agreement))
    if state.status in IN_FORCE:
        found.extend(_report_tasks(state))
        found.extend(_monitoring_tasks(state, agreement))
        found.extend(_amendment_tasks(state))
        found.extend(_termination_tasks(state))
        found.extend(_goods_tasks(state))
    return found
