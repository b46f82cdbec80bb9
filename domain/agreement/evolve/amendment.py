"""Evolving amendments (DOMAIN.md §3.8)."""

from __future__ import annotations

from domain.agreement.events import (
    AmendmentApproved,
    AmendmentLapsed,
    AmendmentProposed,
    AmendmentRejected,
    AmendmentSigned,
)
from domain.agreement.records import AmendmentRecord, AnnualReportRecord
from domain.agreement.state import AgreementState, Updates
from domain.agreement.vocabulary import AmendmentStatus, ReportStatus


def _with(state: AgreementState, amendment: AmendmentRecord) -> Updates:
    return {"amendments": {**state.amendments, amendment.amendment_id: amendment}}


def _moved(state: AgreementState, amendment_id: str, **changes: object) -> Updates:
    return _with(state, state.amendments[amendment_id].model_copy(update=changes))


def proposed(state: AgreementState, event: AmendmentProposed) -> Updates:
    """A proposed amendment (one at a time; its id is taken)."""
    amendment = AmendmentRecord(
        amendment_id=event.amendment_id,
        status=AmendmentStatus.PROPOSED,
        proposed_by=event.actor.id,
        end_date=event.end_date,
        obligations=event.obligations,
    )
    return {**_with(state, amendment), "ids": state.ids | {event.amendment_id}}


def approved(state: AgreementState, event: AmendmentApproved) -> Updates:
    """Approved, awaiting the participant's signature."""
    return _moved(
        state, event.amendment_id, status=AmendmentStatus.APPROVED, signing_due=event.signing_due
    )


def rejected(state: AgreementState, event: AmendmentRejected) -> Updates:
    """Rejected."""
    return _moved(state, event.amendment_id, status=AmendmentStatus.REJECTED)


def lapsed(state: AgreementState, event: AmendmentLapsed) -> Updates:
    """Not signed in time."""
    return _moved(state, event.amendment_id, status=AmendmentStatus.LAPSED)


def signed(state: AgreementState, event: AmendmentSigned) -> Updates:
    """In effect: the new end date, obligations and reports due."""
    # Reports already under way keep their record; years the new term adds fall due; years it
    # drops are no longer owed unless something was submitted for them.
    years = {r.year for r in event.annual_reports}
    reports = {
        year: report
        for year, report in state.reports.items()
        if year in years or report.status is not ReportStatus.DUE
    }
    for due in event.annual_reports:
        reports.setdefault(due.year, AnnualReportRecord(year=due.year, due=due.due))
    return {
        **_moved(state, event.amendment_id, status=AmendmentStatus.SIGNED),
        "end_date": event.end_date,
        "obligations": event.obligations,
        "reports": dict(sorted(reports.items())),
        "zone_end": event.zone_end,
    }
