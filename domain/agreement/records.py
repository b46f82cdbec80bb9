"""The parts of an agreement's state: what it remembers of each matter in progress."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, PlainSerializer

from domain.agreement.values import BreachGround, Due, GoodsConsumption
from domain.agreement.vocabulary import (
    AmendmentStatus,
    DeclarationStatus,
    RefusalGround,
    ReportStatus,
    Status,
    TerminationGround,
)
from domain.application import YearObligations
from domain.values import MoneyKZT


def _sorted_list(values: frozenset[str]) -> list[str]:
    return sorted(values)


# A set of ids or names. It serialises sorted, so that the state's bytes do not depend on the
# process's string-hash seed (the workflow carries the state across continue-as-new).
NameSet = Annotated[
    frozenset[str], PlainSerializer(_sorted_list, return_type=list[str], when_used="always")
]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Recommendation(_Record):
    """A reviewer's recommendation, awaiting the approver's decision."""

    kind: Literal["conclusion", "refusal"]
    by: str
    grounds: tuple[RefusalGround, ...] = ()


class ApprovedTerms(_Record):
    """The terms the approver decided to conclude on, awaiting both signatures."""

    agreement_number: str
    start_date: date
    end_date: date
    obligations: tuple[YearObligations, ...]
    approved_by: str


class AnnualReportRecord(_Record):
    """One year's annual report, from the day it falls due to its acceptance."""

    year: int
    due: Due
    status: ReportStatus = ReportStatus.DUE
    report_id: str | None = None
    actuals: YearObligations | None = None
    imported_goods_consumed_kzt: MoneyKZT | None = None
    correction_due: Due | None = None
    overdue_since: date | None = None  # the due day (or the correction's) it missed
    escalation_due: Due | None = None
    escalated: bool = False

    @property
    def awaited(self) -> bool:
        """Whether the participant owes this report (not submitted, or returned)."""
        return self.status in (ReportStatus.DUE, ReportStatus.RETURNED)


class BreachNoticeRecord(_Record):
    """The open breach notice."""

    notice_id: str
    issued_by: str
    grounds: tuple[BreachGround, ...]
    cure_due: Due


class AmendmentRecord(_Record):
    """An amendment, from proposal to signature (or rejection or lapse)."""

    amendment_id: str
    status: AmendmentStatus
    proposed_by: str
    end_date: date | None = None
    obligations: tuple[YearObligations, ...] | None = None
    signing_due: Due | None = None


class TerminationProposal(_Record):
    """A termination awaiting an approver's decision.

    ``resume_status`` is where the agreement returns if the approver rejects it.
    """

    termination_id: str
    ground: TerminationGround
    proposed_by: str
    consented: bool = False
    resume_status: Status


class GoodsDeclarationRecord(_Record):
    """A declaration of free customs zone goods consumed, and staff's answer."""

    declaration_id: str
    goods: GoodsConsumption
    status: DeclarationStatus = DeclarationStatus.DECLARED
    document_number: str | None = None


class Termination(_Record):
    """How and when the agreement was terminated."""

    termination_id: str | None
    ground: TerminationGround
    terminated_on: date
