"""Evolving termination (DOMAIN.md §3.9)."""

from __future__ import annotations

from domain.agreement.events import (
    AgreementTerminated,
    TerminationConsented,
    TerminationProposed,
    TerminationRejected,
)
from domain.agreement.records import Termination, TerminationProposal
from domain.agreement.state import AgreementState, Updates
from domain.agreement.vocabulary import Authority, Status, TerminationGround


def proposed(state: AgreementState, event: TerminationProposed) -> Updates:
    """Termination proposed; remembers where a rejection returns to."""
    # An uncured breach's notice is spent once termination is proposed on it: if the approver
    # rejects the termination, the agreement is active again, its issues still open.
    uncured = event.ground is TerminationGround.UNCURED_BREACH
    return {
        "status": Status.TERMINATION_PROPOSED,
        "termination_proposal": TerminationProposal(
            termination_id=event.termination_id,
            ground=event.ground,
            proposed_by=event.proposed_by,
            resume_status=Status.ACTIVE if uncured else state.status,
        ),
        "ids": state.ids | {event.termination_id},
    }


def consented(state: AgreementState, event: TerminationConsented) -> Updates:
    """The participant's consent to a termination by mutual consent."""
    proposal = state.termination_proposal
    return {
        "termination_proposal": proposal.model_copy(update={"consented": True})
        if proposal
        else None
    }


def rejected(state: AgreementState, event: TerminationRejected) -> Updates:
    """Back where the agreement was before the proposal."""
    proposal = state.termination_proposal
    updates: Updates = {
        "status": proposal.resume_status if proposal else Status.ACTIVE,
        "termination_proposal": None,
    }
    if proposal is not None and proposal.ground is TerminationGround.UNCURED_BREACH:
        updates["breach"] = None
    return updates


def terminated(state: AgreementState, event: AgreementTerminated) -> Updates:
    """Terminated: closing until the notices are sent and the register entry closed."""
    return {
        "status": Status.CLOSING,
        "termination": Termination(
            termination_id=event.termination_id,
            ground=event.ground,
            terminated_on=event.terminated_on,
        ),
        "termination_proposal": None,
        "breach": None,
        "notices_due": {
            Authority.AUTHORIZED_BODY: event.authorized_body_notice_due,
            Authority.TAX_AUTHORITY: event.tax_authority_notice_due,
        },
        "register_entry_due": None,
        "register_closure_due": event.register_closure_due,
    }
