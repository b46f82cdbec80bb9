"""Evolving application, review, decision and signing (DOMAIN.md §3.1-3.5)."""

from __future__ import annotations

from domain.agreement.events import (
    AgreementConcluded,
    ApplicationLapsed,
    ApplicationRefused,
    ApplicationResubmitted,
    ApplicationSubmitted,
    ChangesRequested,
    ConclusionApproved,
    ConclusionRecommended,
    DecisionOverdue,
    RefusalRecommended,
    ScreeningPassed,
    SignedByManagementCompany,
    SignedByParticipant,
)
from domain.agreement.records import AnnualReportRecord, ApprovedTerms, Recommendation
from domain.agreement.state import AgreementState, Updates
from domain.agreement.vocabulary import Authority, Status


def submitted(state: AgreementState, event: ApplicationSubmitted) -> Updates:
    """Registered: the applicant, its BIN and form, the decision term; in review."""
    # Screening's outcome, in the same decision, settles where it goes: review or refusal.
    return {
        "status": Status.IN_REVIEW,
        "agreement_id": event.agreement_id,
        "bin": event.form.bin,
        "form": event.form,
        "decision_due": event.decision_due,
    }


def screening_passed(state: AgreementState, event: ScreeningPassed) -> Updates:
    """Screening passed: its soft findings are the reviewer's to weigh."""
    return {"status": Status.IN_REVIEW, "findings": event.findings}


def refused(state: AgreementState, event: ApplicationRefused) -> Updates:
    """Refused, by screening or decision: final."""
    return {"status": Status.REFUSED}


def changes_requested(state: AgreementState, event: ChangesRequested) -> Updates:
    """Back to the applicant until the resubmission day; the reviewer is one of the reviewers."""
    return {
        "status": Status.CHANGES_REQUESTED,
        "resubmission_due": event.resubmission_due,
        "reviewers": state.reviewers | {event.actor.id},
        "recommendation": None,
    }


def resubmitted(state: AgreementState, event: ApplicationResubmitted) -> Updates:
    """In review again, with the changed form and a fresh decision term."""
    return {
        "status": Status.IN_REVIEW,
        "form": event.form,
        "decision_due": event.decision_due,
        "decision_overdue": False,
        "resubmission_due": None,
    }


def lapsed(state: AgreementState, event: ApplicationLapsed) -> Updates:
    """Lapsed before conclusion: final."""
    return {"status": Status.LAPSED}


def conclusion_recommended(state: AgreementState, event: ConclusionRecommended) -> Updates:
    """Awaiting decision on a recommendation to conclude."""
    return {
        "status": Status.RECOMMENDED,
        "recommendation": Recommendation(kind="conclusion", by=event.actor.id),
        "reviewers": state.reviewers | {event.actor.id},
    }


def refusal_recommended(state: AgreementState, event: RefusalRecommended) -> Updates:
    """Awaiting decision on a recommendation to refuse."""
    return {
        "status": Status.RECOMMENDED,
        "recommendation": Recommendation(kind="refusal", by=event.actor.id, grounds=event.grounds),
        "reviewers": state.reviewers | {event.actor.id},
    }


def decision_overdue(state: AgreementState, event: DecisionOverdue) -> Updates:
    """The decision term passed undecided (recorded once)."""
    return {"decision_overdue": True}


def conclusion_approved(state: AgreementState, event: ConclusionApproved) -> Updates:
    """Approved terms, awaiting both signatures by the signing day."""
    return {
        "status": Status.AWAITING_SIGNATURES,
        "approved": ApprovedTerms(
            agreement_number=event.agreement_number,
            start_date=event.start_date,
            end_date=event.end_date,
            obligations=event.obligations,
            approved_by=event.actor.id,
        ),
        "signing_due": event.signing_due,
    }


def signed_by_participant(state: AgreementState, event: SignedByParticipant) -> Updates:
    """The participant's signature."""
    return {"signed_by_participant": True}


def signed_by_management_company(
    state: AgreementState, event: SignedByManagementCompany
) -> Updates:
    """The management company's signature."""
    return {"signed_by_management_company": True}


def concluded(state: AgreementState, event: AgreementConcluded) -> Updates:
    """In force: the terms, the reports due and the notices and register entry owed."""
    return {
        "status": Status.ACTIVE,
        "agreement_number": event.agreement_number,
        "concluded_on": event.concluded_on,
        "effective_date": event.effective_date,
        "end_date": event.end_date,
        "zone_end": event.zone_end,
        "obligations": event.obligations,
        "reports": {
            r.year: AnnualReportRecord(year=r.year, due=r.due) for r in event.annual_reports
        },
        "notices_due": {
            Authority.AUTHORIZED_BODY: event.authorized_body_notice_due,
            Authority.TAX_AUTHORITY: event.tax_authority_notice_due,
        },
        "register_entry_due": event.register_entry_due,
    }
