"""The action forms of the agreement screen: which the user's role may take now, the fields each
asks for, and how a posted form becomes the domain's command.

Whether an action is open is judged on the state only to decide which forms to show; the
agreement's workflow decides for real, and a refusal is shown with its reason and legal basis.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from pydantic import ValidationError

from api.errors import field_path
from domain.actors import Role
from domain.agreement import AGREEMENT_COMMAND, IN_FORCE, AgreementCommand, AgreementState, Status
from domain.agreement import allowed_roles as roles_allowed
from domain.agreement.vocabulary import RefusalGround, ReportStatus

FieldKind = Literal[
    "text", "textarea", "lines", "grounds", "submitted_report", "due_year", "money", "count", "bp"
]


@dataclass(frozen=True)
class FormField:
    """One input of an action form: ``name`` is the command's field, ``label`` a UI key."""

    name: str
    label: str
    kind: FieldKind


_NOTE = FormField("note", "note", "textarea")
_GROUNDS = FormField("grounds", "grounds", "grounds")
_SUBMITTED = FormField("report_id", "report_id", "submitted_report")
ACTUALS: tuple[FormField, ...] = (
    FormField("investment_foreign_kzt", "investment_foreign", "money"),
    FormField("investment_domestic_kzt", "investment_domestic", "money"),
    FormField("production_volume_kzt", "production_volume", "money"),
    FormField("jobs", "jobs", "count"),
    FormField("kz_content_bp", "kz_content", "bp"),
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
    "SubmitAnnualReport": (
        FormField("year", "report_year", "due_year"),
        FormField("report_id", "report_id", "text"),
        *ACTUALS,
        FormField("imported_goods_consumed_kzt", "imported_goods", "money"),
    ),
    "AcceptAnnualReport": (_SUBMITTED,),
    "ReturnAnnualReport": (_SUBMITTED, FormField("reasons", "reasons_lines", "lines")),
    "IssueBreachNotice": (
        FormField("notice_id", "notice_id", "text"),
        FormField("description", "description", "textarea"),
    ),
}

REFUSAL_GROUNDS = tuple(ground.value for ground in RefusalGround)


def _awaiting_signature(state: AgreementState, by_participant: bool) -> bool:
    signed = state.signed_by_participant if by_participant else state.signed_by_management_company
    return state.status is Status.AWAITING_SIGNATURES and not signed


_OPEN_NOW: Mapping[str, Callable[[AgreementState], bool]] = {
    "RecommendConclusion": lambda s: s.status is Status.IN_REVIEW,
    "RequestChanges": lambda s: s.status is Status.IN_REVIEW,
    "RecommendRefusal": lambda s: s.status is Status.IN_REVIEW,
    "ApproveConclusion": lambda s: s.status is Status.RECOMMENDED,
    "RefuseApplication": lambda s: s.status is Status.RECOMMENDED,
    "SignAsParticipant": lambda s: _awaiting_signature(s, True),
    "SignForManagementCompany": lambda s: _awaiting_signature(s, False),
    "SubmitAnnualReport": lambda s: s.status in IN_FORCE and bool(due_years(s)),
    "AcceptAnnualReport": lambda s: s.status in IN_FORCE and bool(submitted_reports(s)),
    "ReturnAnnualReport": lambda s: s.status in IN_FORCE and bool(submitted_reports(s)),
    "IssueBreachNotice": lambda s: s.status is Status.ACTIVE,
}


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


def may_take(role: Role, command_type: str) -> bool:
    """Whether the role may ever take this action (the domain's PERMISSIONS)."""
    return role in roles_allowed(command_type)


def open_actions(role: Role, state: AgreementState) -> list[str]:
    """The actions of :data:`ACTION_FIELDS` the role may take on the state now."""
    return [
        name
        for name in ACTION_FIELDS
        if may_take(role, name) and _OPEN_NOW[name](state) and not state.is_terminal
    ]


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


def _value(kind: FieldKind, form: Mapping[str, Any], name: str) -> Any:
    raw = form.get(name, "")
    text = raw.strip() if isinstance(raw, str) else ""
    if kind == "lines":
        return tuple(line.strip() for line in text.splitlines() if line.strip())
    if kind == "money":
        return str(parse_amount(text)) if text else text
    if kind in ("count", "bp", "due_year"):
        return "".join(text.split())
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
    for spec in fields:
        try:
            value = grounds if spec.kind == "grounds" else _value(spec.kind, form, spec.name)
        except ValueError as error:
            problems.append((spec.name, str(error)))
            continue
        if spec in ACTUALS:
            actuals[spec.name] = value
        else:
            data[spec.name] = value
    if command_type == "SubmitAnnualReport":
        actuals["year"] = data.get("year")
        data["actuals"] = actuals
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


def _form_field(location: tuple[int | str, ...]) -> str:
    # The union's tag comes first in pydantic's location ("SubmitAnnualReport", "actuals", ...).
    path = field_path(("body", *location[1:])) or ""
    return path.removeprefix("actuals.")
