"""Deciding application and review (DOMAIN.md §3.1-3.3): screening runs at once, inside."""

from __future__ import annotations

from domain.actors import SYSTEM_ACTOR
from domain.agreement.commands import (
    LapseApplication,
    MarkDecisionOverdue,
    RecommendConclusion,
    RecommendRefusal,
    RequestChanges,
    ResubmitApplication,
    SubmitApplication,
)
from domain.agreement.context import DecisionContext
from domain.agreement.events import (
    AgreementEvent,
    ApplicationLapsed,
    ApplicationRefused,
    ApplicationResubmitted,
    ApplicationSubmitted,
    ChangesRequested,
    ConclusionRecommended,
    DecisionOverdue,
    RefusalRecommended,
    ScreeningPassed,
)
from domain.agreement.guards import (
    LIFECYCLE_BASIS,
    require_in_time,
    require_passed,
    require_status,
)
from domain.agreement.state import AgreementState
from domain.agreement.terms import decision_due, resubmission_due
from domain.agreement.values import Reason
from domain.agreement.vocabulary import LapseReason, Status
from domain.application import ApplicationForm
from domain.errors import InvalidInput, InvalidTransition
from domain.legal_basis import DECREE_ITEM_1, LAW, LAW_ART_1_4, REG_3, REG_6
from domain.screening import screen_application

# What screening checks, whatever it finds [DOMAIN.md §3.2].
SCREENING_BASIS = (LAW_ART_1_4, REG_3, REG_6, DECREE_ITEM_1)


def _screening(form: ApplicationForm, ctx: DecisionContext) -> AgreementEvent:
    """Screen at once; pit itself is the actor of the outcome."""
    result = screen_application(form, ctx.rule_set, ctx.today)
    if result.passed:
        return ScreeningPassed(
            **ctx.stamp(*SCREENING_BASIS, *result.legal_basis, actor=SYSTEM_ACTOR),
            findings=result.findings,
        )
    return ApplicationRefused(
        **ctx.stamp(*result.legal_basis, actor=SYSTEM_ACTOR),
        stage="screening",
        reasons=tuple(
            Reason(code=f.code, message=f.message, legal_basis=f.legal_basis, field=f.field)
            for f in result.refusals
        ),
    )


def submit_application(
    command: SubmitApplication, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Register the application the day it arrives [Law 242-VI] and screen it."""
    require_status(state, {Status.NEW}, command)
    due = decision_due(ctx.today, ctx.rule_set)
    return [
        ApplicationSubmitted(
            **ctx.stamp(LAW, *due.legal_basis),
            agreement_id=command.agreement_id,
            form=command.form,
            decision_due=due,
        ),
        _screening(command.form, ctx),
    ]


def request_changes(
    command: RequestChanges, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Ask for changes, to be resubmitted within the policy's working days."""
    require_status(state, {Status.IN_REVIEW}, command)
    due = resubmission_due(ctx.today, ctx.rule_set)
    return [
        ChangesRequested(
            **ctx.stamp(LAW, *due.legal_basis), items=command.items, resubmission_due=due
        )
    ]


def resubmit_application(
    command: ResubmitApplication, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Take the changed application in time, and screen it again.

    The decision term starts again on resubmission: only then is the application complete.
    """
    require_status(state, {Status.CHANGES_REQUESTED}, command)
    if command.form.bin != state.bin:
        raise InvalidInput(
            f"a resubmission keeps the applicant's BIN {state.bin}",
            code="bin_changed",
            field="form.bin",
        )
    if state.resubmission_due is not None:
        require_in_time(state.resubmission_due, ctx, "the resubmission")
    due = decision_due(ctx.today, ctx.rule_set)
    return [
        ApplicationResubmitted(
            **ctx.stamp(LAW, *due.legal_basis), form=command.form, decision_due=due
        ),
        _screening(command.form, ctx),
    ]


def lapse_application(
    command: LapseApplication, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Lapse an application not resubmitted by its due day."""
    require_status(state, {Status.CHANGES_REQUESTED}, command)
    due = state.resubmission_due
    if due is None:  # a state folded from ChangesRequested always has one
        raise InvalidTransition("no resubmission is due", (LIFECYCLE_BASIS,))
    require_passed(due, ctx, "the resubmission")
    return [ApplicationLapsed(**ctx.stamp(*due.legal_basis), reason=LapseReason.NOT_RESUBMITTED)]


def recommend_conclusion(
    command: RecommendConclusion, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Recommend concluding; an approver who did not review decides."""
    require_status(state, {Status.IN_REVIEW}, command)
    return [ConclusionRecommended(**ctx.stamp(LAW), note=command.note)]


def recommend_refusal(
    command: RecommendRefusal, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Recommend refusing, on the Law's grounds."""
    require_status(state, {Status.IN_REVIEW}, command)
    return [RefusalRecommended(**ctx.stamp(LAW), grounds=command.grounds, note=command.note)]


def mark_decision_overdue(
    command: MarkDecisionOverdue, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Record, once, that the decision term passed undecided (staff are escalated to)."""
    require_status(state, {Status.IN_REVIEW, Status.RECOMMENDED}, command)
    due = state.decision_due
    if due is None or state.decision_overdue:
        raise InvalidTransition(
            "the decision is already recorded as overdue",
            (LIFECYCLE_BASIS,),
            code="already_recorded",
        )
    require_passed(due, ctx, "the decision")
    return [DecisionOverdue(**ctx.stamp(*due.legal_basis), decision_due=due.on)]
