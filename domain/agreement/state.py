"""The state of one application and agreement, folded from its events."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from pydantic import BaseModel, ConfigDict

from domain.agreement.deadlines import Deadline, open_deadlines
from domain.agreement.records import (
    AmendmentRecord,
    AnnualReportRecord,
    ApprovedTerms,
    BreachNoticeRecord,
    GoodsDeclarationRecord,
    NameSet,
    Recommendation,
    Termination,
    TerminationProposal,
)
from domain.agreement.values import BreachGround, Due
from domain.agreement.vocabulary import TERMINAL, AmendmentStatus, Authority, Status
from domain.application import ApplicationForm, YearObligations
from domain.screening import Finding

# The fields of the state one event changes: each evolve function returns them.
Updates = dict[str, object]


class AgreementState(BaseModel):
    """Everything ``decide`` needs to know about one application and its agreement.

    ``version`` counts the events folded so far: the stream version the next event gets is
    ``version + 1``. Deadlines are stored as the days the events set; ``deadlines`` turns the open
    ones into instants for the workflow's timers.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int = 0
    status: Status = Status.NEW
    agreement_id: str | None = None
    bin: str | None = None
    form: ApplicationForm | None = None
    findings: tuple[Finding, ...] = ()
    ids: NameSet = frozenset()  # every id a command created here, so none is used twice

    # Application and review
    decision_due: Due | None = None
    decision_overdue: bool = False
    resubmission_due: Due | None = None
    reviewers: NameSet = frozenset()  # everyone who reviewed: none of them may decide
    recommendation: Recommendation | None = None

    # Decision and signing
    approved: ApprovedTerms | None = None
    signing_due: Due | None = None
    signed_by_participant: bool = False
    signed_by_management_company: bool = False

    # The agreement in force
    agreement_number: str | None = None
    concluded_on: date | None = None
    effective_date: date | None = None
    end_date: date | None = None
    zone_end: date | None = None  # the zone's end in force when concluded (or last amended)
    obligations: tuple[YearObligations, ...] = ()
    notices_due: Mapping[Authority, Due] = {}  # notices of conclusion or termination not sent
    notices_issued: Mapping[Authority, str] = {}  # issued, acknowledgment not yet recorded
    register_entry_due: Due | None = None
    register_number: str | None = None
    register_closure_due: Due | None = None
    reports: Mapping[int, AnnualReportRecord] = {}
    monitoring_issues: tuple[BreachGround, ...] = ()
    breach: BreachNoticeRecord | None = None
    amendments: Mapping[str, AmendmentRecord] = {}
    goods: Mapping[str, GoodsDeclarationRecord] = {}

    # Termination
    termination_proposal: TerminationProposal | None = None
    termination: Termination | None = None

    @property
    def deadlines(self) -> tuple[Deadline, ...]:
        """The open deadlines, each with its due instant, for the workflow's durable timers."""
        return open_deadlines(self)

    @property
    def pending_amendment(self) -> AmendmentRecord | None:
        """The amendment proposed or approved and not yet settled, if any."""
        for amendment in self.amendments.values():
            if amendment.status in (AmendmentStatus.PROPOSED, AmendmentStatus.APPROVED):
                return amendment
        return None

    @property
    def is_terminal(self) -> bool:
        """Whether the record is final: nothing but audit annotations may follow."""
        return self.status in TERMINAL
