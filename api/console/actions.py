"""The action forms of the agreement screen: which the user's role may take now, the fields each
asks for, what they are pre-filled with, and how a posted form becomes the domain's command.

Whether an action is open is judged on the state only to decide which forms to show; the
agreement's workflow decides for real, and a refusal is shown with its reason and legal basis.
The matters the forms act on (breach notices, amendments, terminations, goods declarations,
notices to the authorities, site visits, reminders sent) are read from the stream by
:func:`matters_of`, for the screen's sections.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from pydantic import ValidationError

from api.errors import field_path
from domain.actors import Role
from domain.agreement import (
    AGREEMENT_COMMAND,
    IN_FORCE,
    AgreementCommand,
    AgreementEvent,
    AgreementState,
    Status,
)
from domain.agreement import allowed_roles as roles_allowed
from domain.agreement.events import (
    AgreementTerminated,
    AmendmentApproved,
    AmendmentLapsed,
    AmendmentProposed,
    AmendmentRejected,
    AmendmentSigned,
    AuditAnnotationAdded,
    AuthorityNoticeIssued,
    AuthorityNotified,
    BreachCured,
    BreachNoticeIssued,
    CurePeriodLapsed,
    GoodsConsumptionConfirmed,
    GoodsConsumptionDeclared,
    GoodsDeclarationRejected,
    RegisterEntryClosed,
    RegisterEntryRecorded,
    ReminderSent,
    SiteVisitRecorded,
    TerminationConsented,
    TerminationProposed,
    TerminationRejected,
)
from domain.agreement.values import BreachGround, Due, GoodsConsumption
from domain.agreement.vocabulary import (
    STAFF_TERMINATION_GROUNDS,
    AmendmentStatus,
    Audience,
    Authority,
    DeclarationStatus,
    FreeZoneOperation,
    GoodsCategory,
    RefusalGround,
    ReportStatus,
    TerminationGround,
)
from domain.event import DomainEvent

FieldKind = Literal[
    "text",
    "optional_text",
    "textarea",
    "lines",
    "grounds",
    "choice",
    "date",
    "flag",
    "money",
    "quantity",
    "count",
    "bp",
    "version",
]


@dataclass(frozen=True)
class FormField:
    """One input of an action form: ``name`` is the command's field, ``label`` a UI key.

    A ``choice`` offers the values of the list ``options`` names (see :func:`field_options`).
    """

    name: str
    label: str
    kind: FieldKind
    options: str = ""


_NOTE = FormField("note", "note", "textarea")
_REASON = FormField("reason", "reason", "textarea")
_GROUNDS = FormField("grounds", "grounds", "grounds")
_SUBMITTED = FormField("report_id", "report_id", "choice", "submitted_reports")
_PROPOSED = FormField("amendment_id", "amendment_id", "choice", "proposed_amendments")
_PROPOSAL = FormField("termination_id", "termination_id", "choice", "termination_proposal")
_DECLARED = FormField("declaration_id", "declaration_id", "choice", "declared_goods")
ACTUALS: tuple[FormField, ...] = (
    FormField("investment_foreign_kzt", "investment_foreign", "money"),
    FormField("investment_domestic_kzt", "investment_domestic", "money"),
    FormField("production_volume_kzt", "production_volume", "money"),
    FormField("jobs", "jobs", "count"),
    FormField("kz_content_bp", "kz_content", "bp"),
)
_IMPORTED_GOODS = FormField("imported_goods_consumed_kzt", "imported_goods", "money")
# Every field of domain.agreement.values.GoodsConsumption, in the order a declaration reads.
GOODS: tuple[FormField, ...] = (
    FormField("description", "goods_description", "textarea"),
    FormField("hs_code", "hs_code", "text"),
    FormField("category", "goods_category", "choice", "goods_categories"),
    FormField("unit", "goods_unit", "text"),
    FormField("quantity_imported", "quantity_imported", "quantity"),
    FormField("value_imported_kzt", "value_imported", "money"),
    FormField("quantity_consumed", "quantity_consumed", "quantity"),
    FormField("consumption", "consumption", "textarea"),
    FormField("operation", "goods_operation", "choice", "goods_operations"),
    FormField("excisable", "goods_excisable", "flag"),
)

# The forms the console offers, in the order the screen shows them.
ACTION_FIELDS: Mapping[str, tuple[FormField, ...]] = {
    "RecommendConclusion": (_NOTE,),
    "RequestChanges": (FormField("items", "items_lines", "lines"),),
    "RecommendRefusal": (_GROUNDS, _NOTE),
    "ApproveConclusion": (FormField("agreement_number", "agreement_number", "text"),),
    "RefuseApplication": (_GROUNDS, _NOTE),
    "SignAsParticipant": (),
    "SignForManagementCompany": (),
    "RecordRegisterEntry": (
        FormField("register_number", "register_number", "text"),
        FormField("entered_on", "entered_on", "date"),
    ),
    "RecordAuthorityNotified": (
        FormField("authority", "authority", "choice", "notices_awaiting"),
        FormField("reference", "acknowledgment_reference", "text"),
    ),
    "SubmitAnnualReport": (
        FormField("year", "report_year", "choice", "due_years"),
        FormField("report_id", "report_id", "text"),
        *ACTUALS,
        _IMPORTED_GOODS,
    ),
    "ResubmitAnnualReport": (
        FormField("year", "report_year", "choice", "returned_years"),
        FormField("report_id", "report_id", "choice", "returned_reports"),
        *ACTUALS,
        _IMPORTED_GOODS,
    ),
    "AcceptAnnualReport": (_SUBMITTED,),
    "ReturnAnnualReport": (_SUBMITTED, FormField("reasons", "reasons_lines", "lines")),
    "DeclareGoodsConsumption": (
        FormField("declaration_id", "declaration_id", "text"),
        *GOODS,
    ),
    "ConfirmGoodsConsumption": (
        _DECLARED,
        FormField("document_number", "document_number", "text"),
    ),
    "RejectGoodsDeclaration": (_DECLARED, FormField("reasons", "reasons_lines", "lines")),
    "RecordSiteVisit": (
        FormField("visit_id", "visit_id", "text"),
        FormField("visited_on", "visited_on", "date"),
        FormField("findings", "visit_findings", "textarea"),
        FormField("terms_met", "terms_met", "flag"),
    ),
    "IssueBreachNotice": (
        FormField("notice_id", "notice_id", "text"),
        FormField("description", "description", "textarea"),
    ),
    "RecordBreachCured": (
        FormField("notice_id", "notice_id", "choice", "open_breach_notice"),
        FormField("note", "cure_note", "textarea"),
    ),
    "ProposeAmendment": (
        FormField("amendment_id", "amendment_id", "text"),
        FormField("end_date", "amended_end_date", "date"),
        _REASON,
    ),
    "ApproveAmendment": (_PROPOSED,),
    "RejectAmendment": (_PROPOSED, _REASON),
    "SignAmendment": (FormField("amendment_id", "amendment_id", "choice", "approved_amendments"),),
    "ProposeTermination": (
        FormField("termination_id", "termination_id", "text"),
        FormField("ground", "termination_ground", "choice", "staff_termination_grounds"),
        _REASON,
        FormField("reference", "termination_reference", "optional_text"),
    ),
    "RequestTermination": (FormField("termination_id", "termination_id", "text"), _REASON),
    "ConsentToTermination": (_PROPOSAL,),
    "ApproveTermination": (_PROPOSAL,),
    "RejectTermination": (_PROPOSAL, _REASON),
    "RecordRegisterEntryClosed": (FormField("closed_on", "closed_on", "date"),),
    "AddAuditAnnotation": (
        FormField("annotation_id", "annotation_id", "text"),
        FormField("text", "annotation_text", "textarea"),
        FormField("refers_to_version", "refers_to_version", "version"),
    ),
}

REFUSAL_GROUNDS = tuple(ground.value for ground in RefusalGround)
STAFF_GROUNDS = tuple(g.value for g in TerminationGround if g in STAFF_TERMINATION_GROUNDS)

# The lists whose values the screen words with a UI key: the prefix, then the value.
OPTION_WORDS: Mapping[str, str] = {
    "notices_awaiting": "authority_",
    "goods_categories": "goods_category_",
    "goods_operations": "goods_operation_",
}


# --- which actions are open now --------------------------------------------------------------


def due_years(state: AgreementState) -> list[int]:
    """The years whose report is still owed and has not been submitted yet."""
    return sorted(y for y, r in state.reports.items() if r.status is ReportStatus.DUE)


def submitted_reports(state: AgreementState) -> list[str]:
    """The ids of the reports submitted and awaiting the staff's answer."""
    return [
        r.report_id
        for _, r in sorted(state.reports.items())
        if r.status is ReportStatus.SUBMITTED and r.report_id
    ]


def returned_reports(state: AgreementState) -> list[tuple[int, str]]:
    """The (year, id) of the reports returned for correction and awaited back."""
    return [
        (year, r.report_id)
        for year, r in sorted(state.reports.items())
        if r.status is ReportStatus.RETURNED and r.report_id and r.correction_due is not None
    ]


def amendments_in(state: AgreementState, status: AmendmentStatus) -> list[str]:
    """The ids of the amendments that stand at ``status``."""
    return [a.amendment_id for a in state.amendments.values() if a.status is status]


def declared_goods(state: AgreementState) -> list[str]:
    """The ids of the goods declarations awaiting the staff's answer."""
    return [
        g.declaration_id for g in state.goods.values() if g.status is DeclarationStatus.DECLARED
    ]


def notices_awaiting(state: AgreementState) -> list[str]:
    """The authorities whose notice was issued and whose acknowledgment is not recorded yet."""
    return [a.value for a in Authority if a in state.notices_issued and a in state.notices_due]


def _awaiting_signature(state: AgreementState, by_participant: bool) -> bool:
    signed = state.signed_by_participant if by_participant else state.signed_by_management_company
    return state.status is Status.AWAITING_SIGNATURES and not signed


def _proposable(state: AgreementState) -> bool:
    """An amendment or a termination may be proposed: in force, and nothing being decided."""
    return state.status in (Status.ACTIVE, Status.IN_BREACH)


def _consent_awaited(state: AgreementState) -> bool:
    proposal = state.termination_proposal
    return (
        state.status is Status.TERMINATION_PROPOSED
        and proposal is not None
        and proposal.ground is TerminationGround.MUTUAL_CONSENT
        and not proposal.consented
    )


def _termination_decidable(state: AgreementState) -> bool:
    proposal = state.termination_proposal
    return state.status is Status.TERMINATION_PROPOSED and proposal is not None


def _in_force(state: AgreementState) -> bool:
    return state.status in IN_FORCE


_OPEN_NOW: Mapping[str, Callable[[AgreementState], bool]] = {
    "RecommendConclusion": lambda s: s.status is Status.IN_REVIEW,
    "RequestChanges": lambda s: s.status is Status.IN_REVIEW,
    "RecommendRefusal": lambda s: s.status is Status.IN_REVIEW,
    "ApproveConclusion": lambda s: s.status is Status.RECOMMENDED,
    "RefuseApplication": lambda s: s.status is Status.RECOMMENDED,
    "SignAsParticipant": lambda s: _awaiting_signature(s, True),
    "SignForManagementCompany": lambda s: _awaiting_signature(s, False),
    "RecordRegisterEntry": lambda s: (
        _in_force(s) and s.register_entry_due is not None and s.register_number is None
    ),
    "RecordAuthorityNotified": lambda s: (
        (_in_force(s) or s.status is Status.CLOSING) and bool(notices_awaiting(s))
    ),
    "SubmitAnnualReport": lambda s: _in_force(s) and bool(due_years(s)),
    "ResubmitAnnualReport": lambda s: _in_force(s) and bool(returned_reports(s)),
    "AcceptAnnualReport": lambda s: _in_force(s) and bool(submitted_reports(s)),
    "ReturnAnnualReport": lambda s: _in_force(s) and bool(submitted_reports(s)),
    "DeclareGoodsConsumption": _in_force,
    "ConfirmGoodsConsumption": lambda s: _in_force(s) and bool(declared_goods(s)),
    "RejectGoodsDeclaration": lambda s: _in_force(s) and bool(declared_goods(s)),
    "RecordSiteVisit": _in_force,
    "IssueBreachNotice": lambda s: s.status is Status.ACTIVE and bool(s.monitoring_issues),
    "RecordBreachCured": lambda s: s.status is Status.IN_BREACH and s.breach is not None,
    "ProposeAmendment": lambda s: _proposable(s) and s.pending_amendment is None,
    "ApproveAmendment": lambda s: _in_force(s) and bool(amendments_in(s, AmendmentStatus.PROPOSED)),
    "RejectAmendment": lambda s: _in_force(s) and bool(amendments_in(s, AmendmentStatus.PROPOSED)),
    "SignAmendment": lambda s: _in_force(s) and bool(amendments_in(s, AmendmentStatus.APPROVED)),
    "ProposeTermination": _proposable,
    "RequestTermination": _proposable,
    "ConsentToTermination": _consent_awaited,
    # Mutual consent is decided once the participant has consented.
    "ApproveTermination": lambda s: _termination_decidable(s) and not _consent_awaited(s),
    "RejectTermination": _termination_decidable,
    "RecordRegisterEntryClosed": lambda s: (
        s.status is Status.CLOSING and s.register_closure_due is not None
    ),
    # An auditor annotates any record that exists, a final one included.
    "AddAuditAnnotation": lambda s: s.status is not Status.NEW,
}


def may_take(role: Role, command_type: str) -> bool:
    """Whether the role may ever take this action (the domain's PERMISSIONS)."""
    return role in roles_allowed(command_type)


def open_actions(role: Role, state: AgreementState) -> list[str]:
    """The actions of :data:`ACTION_FIELDS` the role may take on the state now."""
    return [
        name
        for name in ACTION_FIELDS
        if may_take(role, name)
        and _OPEN_NOW[name](state)
        and (not state.is_terminal or name == "AddAuditAnnotation")
    ]


# --- what the forms offer and are pre-filled with ---------------------------------------------


def field_options(state: AgreementState) -> dict[str, list[str]]:
    """The values each ``choice`` list offers on this state, by the list's name."""
    proposal = state.termination_proposal
    return {
        "due_years": [str(y) for y in due_years(state)],
        "submitted_reports": submitted_reports(state),
        "returned_years": [str(year) for year, _ in returned_reports(state)],
        "returned_reports": [report_id for _, report_id in returned_reports(state)],
        "open_breach_notice": [state.breach.notice_id] if state.breach else [],
        "proposed_amendments": amendments_in(state, AmendmentStatus.PROPOSED),
        "approved_amendments": amendments_in(state, AmendmentStatus.APPROVED),
        "termination_proposal": [proposal.termination_id] if proposal else [],
        "staff_termination_grounds": list(STAFF_GROUNDS),
        "notices_awaiting": notices_awaiting(state),
        "declared_goods": declared_goods(state),
        "goods_categories": [c.value for c in GoodsCategory],
        "goods_operations": [o.value for o in FreeZoneOperation],
    }


def fresh_id(state: AgreementState, prefix: str, start: int = 1) -> str:
    """``prefix-N``, the first N from ``start`` that no command of this agreement used yet."""
    number = start
    while f"{prefix}-{number}" in state.ids:
        number += 1
    return f"{prefix}-{number}"


def form_defaults(state: AgreementState, today: date) -> dict[str, str]:
    """What the text and date inputs are pre-filled with, by field name: fresh ids numbered
    after the matters of their kind, today for what happened, the current end date for an
    amendment's."""
    years = due_years(state)
    return {
        "report_id": f"report-{years[0]}" if years else "",
        "notice_id": fresh_id(state, "notice", state.version + 1),
        "amendment_id": fresh_id(state, "amendment", len(state.amendments) + 1),
        "termination_id": fresh_id(state, "termination"),
        "declaration_id": fresh_id(state, "goods", len(state.goods) + 1),
        "visit_id": fresh_id(state, "visit"),
        "annotation_id": fresh_id(state, "annotation"),
        "visited_on": today.isoformat(),
        "entered_on": today.isoformat(),
        "closed_on": today.isoformat(),
        "end_date": state.end_date.isoformat() if state.end_date else "",
    }


# --- a posted form as a command ---------------------------------------------------------------


class FormProblem(Exception):
    """The posted form cannot make the command; ``problems`` are (field, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in problems))
        self.problems = problems


def parse_amount(text: str) -> Decimal:
    """An amount as people type it: ``1 234 567,89`` or ``1234567.89``.

    Raises:
        ValueError: not a number.
    """
    cleaned = "".join(text.split()).replace("\u202f", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"not an amount: {text!r}") from None
    if not value.is_finite():
        raise ValueError(f"not an amount: {text!r}")
    return value


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ALMATY_DAY = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})$")


def parse_day(text: str) -> date:
    """A day as a date input sends it (``2026-11-25``) or as Almaty writes it (``25.11.2026``).

    Raises:
        ValueError: neither, or no such day.
    """
    written = _ALMATY_DAY.fullmatch(text)
    iso = f"{written[3]}-{written[2]}-{written[1]}" if written else text
    if _ISO_DAY.fullmatch(iso) is None:
        raise ValueError(f"not a date (dd.mm.yyyy): {text!r}")
    try:
        return date.fromisoformat(iso)
    except ValueError:
        raise ValueError(f"no such day: {text!r}") from None


_OMITTED = object()  # an optional field left empty: the command's default applies


def _value(kind: FieldKind, form: Mapping[str, Any], name: str) -> Any:
    raw = form.get(name, "")
    text = raw.strip() if isinstance(raw, str) else ""
    if kind == "lines":
        return tuple(line.strip() for line in text.splitlines() if line.strip())
    if kind in ("money", "quantity"):
        return str(parse_amount(text)) if text else text
    if kind in ("count", "bp"):
        return "".join(text.split())
    if kind == "version":
        return "".join(text.split()) or _OMITTED
    if kind == "optional_text":
        return text or _OMITTED
    if kind == "date":
        return parse_day(text).isoformat() if text else text
    if kind == "flag":
        return text not in ("", "off", "false", "0")
    return text


def command_from_form(
    command_type: str, form: Mapping[str, Any], grounds: list[str]
) -> AgreementCommand:
    """The command a posted action form describes.

    Raises:
        FormProblem: with every field the form got wrong.
        KeyError: an action the console has no form for.
    """
    fields = ACTION_FIELDS[command_type]
    data: dict[str, Any] = {"type": command_type}
    problems: list[tuple[str, str]] = []
    actuals: dict[str, Any] = {}
    goods: dict[str, Any] = {}
    for spec in fields:
        try:
            value = grounds if spec.kind == "grounds" else _value(spec.kind, form, spec.name)
        except ValueError as error:
            problems.append((spec.name, str(error)))
            continue
        if value is _OMITTED:
            continue
        if spec in ACTUALS:
            actuals[spec.name] = value
        elif command_type == "DeclareGoodsConsumption" and spec in GOODS:
            goods[spec.name] = value
        else:
            data[spec.name] = value
    if command_type in ("SubmitAnnualReport", "ResubmitAnnualReport"):
        # The actuals are the report's year's; a resubmitted report's command has no year.
        resubmitted = command_type == "ResubmitAnnualReport"
        actuals["year"] = data.pop("year", None) if resubmitted else data.get("year")
        data["actuals"] = actuals
    if command_type == "DeclareGoodsConsumption":
        data["goods"] = goods
    if problems:
        raise FormProblem(problems)
    try:
        return AGREEMENT_COMMAND.validate_python(data)
    except ValidationError as invalid:
        raise FormProblem(
            [
                (_form_field(error["loc"]), error["msg"])
                for error in invalid.errors(include_url=False)
            ]
        ) from None


# The form field a check across a nested value's fields is about.
_WHOLE_VALUE_FIELDS = {"goods": "quantity_consumed"}


def _form_field(location: tuple[int | str, ...]) -> str:
    # The union's tag comes first in pydantic's location ("SubmitAnnualReport", "actuals", ...).
    path = field_path(("body", *location[1:])) or ""
    path = _WHOLE_VALUE_FIELDS.get(path, path)
    return path.removeprefix("actuals.").removeprefix("goods.")


# --- the matters the forms act on --------------------------------------------------------------


@dataclass(frozen=True)
class Act:
    """Who did something, as which role, and when (the event's business time)."""

    by: str
    role: str
    at: datetime


def _act(event: DomainEvent) -> Act:
    return Act(event.actor.id, event.actor.role.value, event.occurred_at)


@dataclass(frozen=True)
class BreachNoticeView:
    """A breach notice, its grounds and cure period, and how it ended: ``open``, ``cured``,
    ``lapsed`` (the cure period passed; termination was proposed) or ``closed`` (the agreement
    ended first)."""

    notice_id: str
    issued: Act
    grounds: tuple[BreachGround, ...]
    description: str
    cure_due: Due
    outcome: Literal["open", "cured", "lapsed", "closed"] = "open"
    settled: Act | None = None
    note: str = ""


@dataclass(frozen=True)
class AmendmentView:
    """An amendment from its proposal: the reason, who approved, signed or rejected it."""

    amendment_id: str
    status: AmendmentStatus
    proposed: Act
    end_date: date | None
    obligations_changed: bool
    reason: str
    signing_due: Due | None = None
    approved: Act | None = None
    signed: Act | None = None
    rejected: Act | None = None
    rejection_reason: str = ""
    lapsed: Act | None = None


@dataclass(frozen=True)
class TerminationProposalView:
    """A termination proposed by staff, requested by the participant or proposed by pit on an
    uncured breach (``proposed_by`` is then the notice's issuer), and the decision on it."""

    termination_id: str
    ground: TerminationGround
    proposed: Act
    proposed_by: str
    reason: str
    reference: str | None
    consented: Act | None = None
    outcome: Literal["pending", "rejected", "approved"] = "pending"
    decided: Act | None = None
    rejection_reason: str = ""


@dataclass(frozen=True)
class TerminationView:
    """The termination itself: its ground and day, and who decided it (pit, for expiry)."""

    termination_id: str | None
    ground: TerminationGround
    terminated_on: date
    decided: Act


@dataclass(frozen=True)
class GoodsView:
    """A declaration of free customs zone goods and the staff's answer."""

    declaration_id: str
    goods: GoodsConsumption
    status: DeclarationStatus
    declared: Act
    document_number: str | None = None
    reasons: tuple[str, ...] = ()
    decided: Act | None = None


@dataclass(frozen=True)
class NoticeView:
    """A notice to an authority of the conclusion or termination: issued by pit (``issued``
    is None for one recorded as sent by hand) and acknowledged with a reference."""

    authority: Authority
    of: str
    notice_id: str | None = None
    recipient: str = ""
    subject: str = ""
    issued: Act | None = None
    acknowledged: Act | None = None
    reference: str = ""
    late: bool = False


@dataclass(frozen=True)
class OutstandingNotice:
    """A notice still owed to an authority: its day, and whether pit has issued it."""

    authority: Authority
    due: Due
    issued: bool


@dataclass(frozen=True)
class Matters:
    """What the agreement's stream says of each matter the screen's forms act on, oldest first
    (reminders newest first), as the viewer may see them."""

    monitoring_issues: tuple[BreachGround, ...]
    breach_notices: list[BreachNoticeView]
    site_visits: list[SiteVisitRecorded]
    amendments: list[AmendmentView]
    termination_proposals: list[TerminationProposalView]
    termination: TerminationView | None
    goods: list[GoodsView]
    notices: list[NoticeView]
    outstanding_notices: list[OutstandingNotice]
    register_entry: RegisterEntryRecorded | None
    register_closure: RegisterEntryClosed | None
    reminders_sent: list[ReminderSent]
    annotations: list[AuditAnnotationAdded]


def reminders_seen_by(role: Role, events: Iterable[AgreementEvent]) -> list[ReminderSent]:
    """The reminders pit sent about this agreement, newest first: a participant sees those
    written to the participant; staff and auditors see every one, the staff's included."""
    sent = [e for e in events if isinstance(e, ReminderSent)]
    if role is Role.APPLICANT:
        sent = [e for e in sent if e.audience is Audience.PARTICIPANT]
    return sorted(sent, key=lambda e: e.occurred_at, reverse=True)


class _Fold:
    """The matters, folded one event at a time (each matter keyed by its id)."""

    def __init__(self) -> None:
        self.breaches: dict[str, BreachNoticeView] = {}
        self.visits: list[SiteVisitRecorded] = []
        self.amendments: dict[str, AmendmentView] = {}
        self.proposals: dict[str, TerminationProposalView] = {}
        self.termination: TerminationView | None = None
        self.goods: dict[str, GoodsView] = {}
        self.notices: dict[tuple[Authority, str], NoticeView] = {}
        self.entry: RegisterEntryRecorded | None = None
        self.closure: RegisterEntryClosed | None = None
        self.annotations: list[AuditAnnotationAdded] = []

    def breach(self, notice_id: str, **changes: Any) -> None:
        if notice_id in self.breaches:
            self.breaches[notice_id] = replace(self.breaches[notice_id], **changes)

    def amendment(self, amendment_id: str, **changes: Any) -> None:
        if amendment_id in self.amendments:
            self.amendments[amendment_id] = replace(self.amendments[amendment_id], **changes)

    def proposal(self, termination_id: str | None, **changes: Any) -> None:
        if termination_id is not None and termination_id in self.proposals:
            self.proposals[termination_id] = replace(self.proposals[termination_id], **changes)

    def declaration(self, declaration_id: str, **changes: Any) -> None:
        if declaration_id in self.goods:
            self.goods[declaration_id] = replace(self.goods[declaration_id], **changes)

    def add(self, event: AgreementEvent) -> None:
        match event:
            case BreachNoticeIssued():
                self.breaches[event.notice_id] = BreachNoticeView(
                    event.notice_id, _act(event), event.grounds, event.description, event.cure_due
                )
            case BreachCured():
                self.breach(event.notice_id, outcome="cured", settled=_act(event), note=event.note)
            case CurePeriodLapsed():
                self.breach(event.notice_id, outcome="lapsed", settled=_act(event))
            case SiteVisitRecorded():
                self.visits.append(event)
            case AmendmentProposed():
                self.amendments[event.amendment_id] = AmendmentView(
                    event.amendment_id,
                    AmendmentStatus.PROPOSED,
                    _act(event),
                    event.end_date,
                    event.obligations is not None,
                    event.reason,
                )
            case AmendmentApproved():
                self.amendment(
                    event.amendment_id,
                    status=AmendmentStatus.APPROVED,
                    approved=_act(event),
                    signing_due=event.signing_due,
                )
            case AmendmentSigned():
                self.amendment(
                    event.amendment_id, status=AmendmentStatus.SIGNED, signed=_act(event)
                )
            case AmendmentRejected():
                self.amendment(
                    event.amendment_id,
                    status=AmendmentStatus.REJECTED,
                    rejected=_act(event),
                    rejection_reason=event.reason,
                )
            case AmendmentLapsed():
                self.amendment(
                    event.amendment_id, status=AmendmentStatus.LAPSED, lapsed=_act(event)
                )
            case TerminationProposed():
                self.proposals[event.termination_id] = TerminationProposalView(
                    event.termination_id,
                    event.ground,
                    _act(event),
                    event.proposed_by,
                    event.reason,
                    event.reference,
                )
            case TerminationConsented():
                self.proposal(event.termination_id, consented=_act(event))
            case TerminationRejected():
                self.proposal(
                    event.termination_id,
                    outcome="rejected",
                    decided=_act(event),
                    rejection_reason=event.reason,
                )
            case AgreementTerminated():
                self.proposal(event.termination_id, outcome="approved", decided=_act(event))
                self.termination = TerminationView(
                    event.termination_id, event.ground, event.terminated_on, _act(event)
                )
                for view in self.breaches.values():
                    if view.outcome == "open":
                        self.breach(view.notice_id, outcome="closed", settled=_act(event))
            case GoodsConsumptionDeclared():
                self.goods[event.declaration_id] = GoodsView(
                    event.declaration_id, event.goods, DeclarationStatus.DECLARED, _act(event)
                )
            case GoodsConsumptionConfirmed():
                self.declaration(
                    event.declaration_id,
                    status=DeclarationStatus.CONFIRMED,
                    document_number=event.document_number,
                    decided=_act(event),
                )
            case GoodsDeclarationRejected():
                self.declaration(
                    event.declaration_id,
                    status=DeclarationStatus.REJECTED,
                    reasons=event.reasons,
                    decided=_act(event),
                )
            case AuthorityNoticeIssued():
                self.notices[(event.authority, event.of)] = NoticeView(
                    event.authority,
                    event.of,
                    event.notice_id,
                    event.recipient,
                    event.subject,
                    _act(event),
                )
            case AuthorityNotified():
                key = (event.authority, event.of)
                self.notices[key] = replace(
                    self.notices.get(key) or NoticeView(event.authority, event.of),
                    acknowledged=_act(event),
                    reference=event.reference,
                    late=event.late,
                )
            case RegisterEntryRecorded():
                self.entry = event
            case RegisterEntryClosed():
                self.closure = event
            case AuditAnnotationAdded():
                self.annotations.append(event)
            case _:
                pass


def matters_of(role: Role, state: AgreementState, events: Iterable[AgreementEvent]) -> Matters:
    """The matters of the agreement's stream, for the screen's sections; ``state`` is the
    stream's fold (the open monitoring issues, the notices still owed)."""
    recorded = list(events)
    fold = _Fold()
    for event in recorded:
        fold.add(event)
    outstanding = [
        OutstandingNotice(authority, due, authority in state.notices_issued)
        for authority, due in sorted(state.notices_due.items(), key=lambda item: item[1].on)
    ]
    return Matters(
        monitoring_issues=state.monitoring_issues,
        breach_notices=list(fold.breaches.values()),
        site_visits=fold.visits,
        amendments=list(fold.amendments.values()),
        termination_proposals=list(fold.proposals.values()),
        termination=fold.termination,
        goods=list(fold.goods.values()),
        notices=list(fold.notices.values()),
        outstanding_notices=outstanding,
        register_entry=fold.entry,
        register_closure=fold.closure,
        reminders_sent=reminders_seen_by(role, recorded),
        annotations=fold.annotations if role is not Role.APPLICANT else [],
    )
