"""The agreement's words: the closed lists a command or an event may name."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Where an application or agreement stands in its lifecycle (DOMAIN.md §3)."""

    NEW = "new"  # nothing submitted yet
    IN_REVIEW = "in_review"  # screened, with a reviewer
    CHANGES_REQUESTED = "changes_requested"  # the applicant's move: resubmit or lapse
    RECOMMENDED = "recommended"  # a reviewer recommended; an approver decides
    AWAITING_SIGNATURES = "awaiting_signatures"  # approved; both parties sign
    ACTIVE = "active"  # concluded and in force
    IN_BREACH = "in_breach"  # in force, a breach notice open, the cure period running
    TERMINATION_PROPOSED = "termination_proposed"  # in force, termination awaits a decision
    CLOSING = "closing"  # terminated; authorities' notices and register closure outstanding
    TERMINATED = "terminated"  # final
    REFUSED = "refused"  # final: screening or the approver refused the application
    LAPSED = "lapsed"  # final: not resubmitted, not signed, or the zone ended first


TERMINAL: frozenset[Status] = frozenset({Status.TERMINATED, Status.REFUSED, Status.LAPSED})
IN_FORCE: frozenset[Status] = frozenset(
    {Status.ACTIVE, Status.IN_BREACH, Status.TERMINATION_PROPOSED}
)
BEFORE_CONCLUSION: frozenset[Status] = frozenset(
    {
        Status.IN_REVIEW,
        Status.CHANGES_REQUESTED,
        Status.RECOMMENDED,
        Status.AWAITING_SIGNATURES,
    }
)


class RefusalGround(StrEnum):
    """Grounds on which staff refuse an application [Law 242-VI]."""

    ACTIVITY_MISMATCH = "activity_mismatch"  # the declared activity type does not fit
    SELECTION_CRITERIA = "selection_criteria"  # the project selection criteria are not met
    DOCUMENTS = "documents"  # the documents are incomplete or do not match


class LapseReason(StrEnum):
    """Why an application ended without a decision of substance."""

    NOT_RESUBMITTED = "not_resubmitted"
    NOT_SIGNED = "not_signed"
    ZONE_ENDED = "zone_ended"


class Authority(StrEnum):
    """The government bodies the management company notifies [Decree 1166 Reg. §9.1]."""

    AUTHORIZED_BODY = "authorized_body"
    TAX_AUTHORITY = "tax_authority"


class ReportStatus(StrEnum):
    """Where one year's annual report stands."""

    DUE = "due"  # not submitted yet
    SUBMITTED = "submitted"
    RETURNED = "returned"  # returned for correction
    ACCEPTED = "accepted"


class ObligationMetric(StrEnum):
    """The obligations monitoring compares with the actuals [Decree 1166 Reg. §9.10]."""

    INVESTMENT_FOREIGN = "investment_foreign_kzt"
    INVESTMENT_DOMESTIC = "investment_domestic_kzt"
    PRODUCTION_VOLUME = "production_volume_kzt"
    JOBS = "jobs"
    KZ_CONTENT = "kz_content_bp"


class BreachGroundKind(StrEnum):
    """What may ground a breach notice (DOMAIN.md §3.7)."""

    OBLIGATION_SHORTFALL = "obligation_shortfall"
    REPORT_OVERDUE = "report_overdue"  # overdue past the escalation term
    SITE_VISIT = "site_visit"  # a site visit found the terms not met


class TerminationGround(StrEnum):
    """The grounds of termination (DOMAIN.md §3.9)."""

    EXPIRY = "expiry"  # the agreement's term ran out
    ZONE_END = "zone_end"  # the zone ended or was abolished [Decree item 1, Reg. §16]
    MUTUAL_CONSENT = "mutual_consent"
    PARTICIPANT_REQUEST = "participant_request"
    UNCURED_BREACH = "uncured_breach"  # unilateral, by the management company
    LIQUIDATION = "liquidation"  # of the participant
    COURT_DECISION = "court_decision"


# The grounds a reviewer may propose; the others come from the participant or the system.
STAFF_TERMINATION_GROUNDS: frozenset[TerminationGround] = frozenset(
    {
        TerminationGround.MUTUAL_CONSENT,
        TerminationGround.LIQUIDATION,
        TerminationGround.COURT_DECISION,
    }
)


class GoodsCategory(StrEnum):
    """The goods that may be placed under the free customs zone regime [Decree 1166 Reg. §13]."""

    CONSTRUCTION = "construction"  # §13.1: for construction per the design estimates
    PROCESSING = "processing"  # §13.2: for processing, never excisable goods
    PRODUCTION = "production"  # §13.3: machinery, equipment, materials for §3 activities
    RESEARCH = "research"  # §13.4: for R&D in the §2 areas


class FreeZoneOperation(StrEnum):
    """The operations allowed with free customs zone goods [Decree 1166 Reg. §13]."""

    STORAGE = "storage"
    PROCESSING = "processing"
    OPERATION_AND_USE = "operation_and_use"
    PREPARATION_FOR_SALE_AND_TRANSPORT = "preparation_for_sale_and_transport"
    CONSTRUCTION_AND_PRODUCTION_TECHNOLOGY = "construction_and_production_technology"


class DeclarationStatus(StrEnum):
    """Where a declaration of goods consumption stands."""

    DECLARED = "declared"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class AmendmentStatus(StrEnum):
    """Where an amendment stands."""

    PROPOSED = "proposed"
    APPROVED = "approved"  # awaiting the participant's signature
    SIGNED = "signed"  # in effect
    REJECTED = "rejected"
    LAPSED = "lapsed"  # not signed in time


class DeadlineKind(StrEnum):
    """The kinds of deadline an application or agreement may have open (``state.deadlines``)."""

    RESUBMISSION = "resubmission"  # the applicant resubmits the changed application
    DECISION = "decision"  # the approver concludes or refuses [Law 242-VI]
    SIGNING = "signing"  # both parties sign the agreement
    AUTHORIZED_BODY_NOTICE = "authorized_body_notice"  # of conclusion or termination
    TAX_AUTHORITY_NOTICE = "tax_authority_notice"  # of conclusion or termination
    REGISTER_ENTRY = "register_entry"  # the authorized body enters the participant
    REGISTER_CLOSURE = "register_closure"  # the authorized body closes the entry
    ANNUAL_REPORT = "annual_report"  # the participant's report on a year
    REPORT_CORRECTION = "report_correction"  # a returned report comes back corrected
    REPORT_ESCALATION = "report_escalation"  # an overdue report reaches the escalation term
    CURE_PERIOD = "cure_period"  # a breach notice's cure period
    AMENDMENT_SIGNING = "amendment_signing"  # the participant signs an approved amendment
    AGREEMENT_END = "agreement_end"  # the agreement's term runs out


class Audience(StrEnum):
    """Who a reminder is for."""

    PARTICIPANT = "participant"  # the contact e-mail of the application
    STAFF = "staff"  # the management company's staff mailbox


class ReminderStage(StrEnum):
    """When a reminder goes out, against its deadline."""

    BEFORE = "before"  # the deadline is ahead
    OVERDUE = "overdue"  # the deadline passed and the matter is still open
    ESCALATION = "escalation"  # the deadline passed and the system acted: staff must look


# The mail template each stage of reminder is written with (activities/templates).
REMINDER_TEMPLATES: dict[ReminderStage, str] = {
    ReminderStage.BEFORE: "reminder_before",
    ReminderStage.OVERDUE: "reminder_overdue",
    ReminderStage.ESCALATION: "staff_escalation",
}
