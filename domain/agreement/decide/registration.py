"""Deciding the notices to the authorities and the register entry (DOMAIN.md §3.5, §3.9)."""

from __future__ import annotations

from domain.agreement.commands import (
    IssueAuthorityNotice,
    RecordAuthorityNotified,
    RecordRegisterEntry,
    RecordRegisterEntryClosed,
)
from domain.agreement.context import DecisionContext
from domain.agreement.events import (
    AgreementEvent,
    AuthorityNoticeIssued,
    AuthorityNotified,
    RegisterEntryClosed,
    RegisterEntryRecorded,
)
from domain.agreement.guards import (
    LIFECYCLE_BASIS,
    has_passed,
    require_new_id,
    require_not_in_future,
    require_status,
)
from domain.agreement.state import AgreementState
from domain.agreement.vocabulary import IN_FORCE, Status
from domain.errors import InvalidInput, InvalidTransition
from domain.legal_basis import LAW, LAW_ART_1_4, REG_9_1

REGISTER_BASIS = (LAW, LAW_ART_1_4)


def record_authority_notified(
    command: RecordAuthorityNotified, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Record a notice of conclusion (while in force) or of termination (while closing)."""
    require_status(state, {*IN_FORCE, Status.CLOSING}, command)
    due = state.notices_due.get(command.authority)
    if due is None:
        raise InvalidTransition(
            f"no notice to the {command.authority.value.replace('_', ' ')} is outstanding",
            (LIFECYCLE_BASIS,),
            code="no_notice_due",
        )
    return [
        AuthorityNotified(
            **ctx.stamp(REG_9_1, *due.legal_basis),
            authority=command.authority,
            of="termination" if state.status is Status.CLOSING else "conclusion",
            reference=command.reference,
            late=has_passed(due, ctx),
        )
    ]


def issue_authority_notice(
    command: IssueAuthorityNotice, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Issue the notice to an authority that is due, once until it is acknowledged."""
    require_status(state, {*IN_FORCE, Status.CLOSING}, command)
    due = state.notices_due.get(command.authority)
    if due is None or command.authority in state.notices_issued:
        raise InvalidTransition(
            f"no notice to the {command.authority.value.replace('_', ' ')} waits to be issued",
            (LIFECYCLE_BASIS,),
            code="no_notice_to_issue",
        )
    require_new_id(state, command.notice_id, "notice_id")
    return [
        AuthorityNoticeIssued(
            **ctx.stamp(REG_9_1, *due.legal_basis),
            authority=command.authority,
            of="termination" if state.status is Status.CLOSING else "conclusion",
            notice_id=command.notice_id,
            recipient=command.recipient,
            subject=command.subject,
            document=command.document,
        )
    ]


def record_register_entry(
    command: RecordRegisterEntry, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Record the participant's entry in the unified register, once; late if after 5 days."""
    require_status(state, IN_FORCE, command)
    due = state.register_entry_due
    if due is None or state.register_number is not None:
        raise InvalidTransition(
            f"the register entry is recorded already ({state.register_number})",
            (LIFECYCLE_BASIS,),
            code="already_recorded",
        )
    require_not_in_future(command.entered_on, ctx, "entered_on")
    if state.concluded_on is not None and command.entered_on < state.concluded_on:
        raise InvalidInput(
            f"the entry cannot precede the conclusion on {state.concluded_on.isoformat()}",
            code="entry_before_conclusion",
            field="entered_on",
        )
    return [
        RegisterEntryRecorded(
            **ctx.stamp(*REGISTER_BASIS, *due.legal_basis),
            register_number=command.register_number,
            entered_on=command.entered_on,
            late=command.entered_on > due.on,
        )
    ]


def record_register_entry_closed(
    command: RecordRegisterEntryClosed, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Record that the register entry was closed after termination."""
    require_status(state, {Status.CLOSING}, command)
    due = state.register_closure_due
    if due is None:
        raise InvalidTransition(
            "no register entry awaits closure", (LIFECYCLE_BASIS,), code="no_register_entry"
        )
    require_not_in_future(command.closed_on, ctx, "closed_on")
    termination = state.termination
    if termination is not None and command.closed_on < termination.terminated_on:
        raise InvalidInput(
            f"the entry cannot close before the termination on "
            f"{termination.terminated_on.isoformat()}",
            code="closure_before_termination",
            field="closed_on",
        )
    return [
        RegisterEntryClosed(
            **ctx.stamp(*REGISTER_BASIS, *due.legal_basis),
            closed_on=command.closed_on,
            late=command.closed_on > due.on,
        )
    ]
