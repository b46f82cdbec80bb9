"""The participant's application form: the posted fields made into the domain's
:class:`~domain.application.ApplicationForm`, and every problem explained by its field before
anything is sent, with the same screening the agreement's workflow runs (BIN check digit, OKED
allowed or why not, the term within the zone's)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError

from api.console.actions import parse_amount
from api.errors import field_path
from domain.application import ApplicantKind, ApplicationForm, PriorityArea, term_years
from domain.bin import eligibility_problems, parse_bin
from domain.errors import DomainError
from domain.legal_basis import DECREE_ITEM_1
from domain.oked import parse_oked
from domain.rules import RuleSet, allowed_activity
from domain.screening import screen_application

TEXT_FIELDS = (
    "bin",
    "name",
    "contact_email",
    "phone",
    "address",
    "contact_person",
    "oked_code",
    "project_description",
    "requested_start",
    "requested_end",
)
CHOICE_FIELDS = ("applicant_kind", "priority_area")
CHECK_FIELDS = ("excisable_goods", "on_territory")
MONEY_FIELDS = ("investment_foreign_kzt", "investment_domestic_kzt", "production_volume_kzt")
NUMBER_FIELDS = ("jobs", "kz_content_bp")
PRIORITY_AREAS = tuple(area.value for area in PriorityArea)
APPLICANT_KINDS = tuple(kind.value for kind in ApplicantKind)

# The UI key of each form field's label, for the summary of problems.
FIELD_LABELS = {
    **{name: name for name in (*TEXT_FIELDS, *CHOICE_FIELDS, "jobs")},
    "oked_code": "oked",
    "excisable_goods": "excisable",
    "investment_foreign_kzt": "investment_foreign",
    "investment_domestic_kzt": "investment_domestic",
    "production_volume_kzt": "production_volume",
    "kz_content_bp": "kz_content",
}

_CONTACTS = {"email": "contact_email", "phone": "phone", "address": "address"}
_CONTACTS["contact_person"] = "contact_person"


@dataclass
class Problems:
    """What is wrong with the posted application, by form field; and what is fine."""

    by_field: dict[str, list[str]] = field(default_factory=dict)
    basis: dict[str, list[str]] = field(default_factory=dict)
    hints: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, message: str, legal_basis: tuple[str, ...] = ()) -> None:
        self.by_field.setdefault(name, []).append(message)
        self.basis.setdefault(name, []).extend(legal_basis)

    def __bool__(self) -> bool:
        return bool(self.by_field)


def _text(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def values_of(form: Mapping[str, Any]) -> dict[str, str]:
    """The posted fields as text, to show the form again as it was filled in."""
    names = (*TEXT_FIELDS, *CHOICE_FIELDS, *MONEY_FIELDS, *NUMBER_FIELDS)
    values = {name: _text(form, name) for name in names}
    for name in CHECK_FIELDS:
        values[name] = "on" if _text(form, name) else ""
    return values


def _form_field_of(location: tuple[int | str, ...]) -> str:
    path = field_path(("body", *location)) or "form"
    if path.startswith("contacts."):
        return _CONTACTS.get(path.removeprefix("contacts."), "contact_email")
    if path.startswith("planned_obligations"):
        leaf = path.rsplit(".", 1)[-1]
        return leaf if leaf in (*MONEY_FIELDS, *NUMBER_FIELDS) else "requested_end"
    return path


def _day(text: str) -> date | str:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return text


def application_from(values: Mapping[str, str], problems: Problems) -> ApplicationForm | None:
    """The application the values describe, the same obligations planned for each year of the
    requested term; None with ``problems`` filled when the form is not one."""
    planned: dict[str, Any] = {}
    for name in MONEY_FIELDS:
        try:
            planned[name] = str(parse_amount(values[name])) if values[name] else ""
        except ValueError as error:
            problems.add(name, str(error))
    for name in NUMBER_FIELDS:
        planned[name] = "".join(values[name].split())
    start, end = _day(values["requested_start"]), _day(values["requested_end"])
    years = term_years(start, end) if isinstance(start, date) and isinstance(end, date) else ()
    data: dict[str, Any] = {
        "bin": values["bin"],
        "name": values["name"],
        "applicant_kind": values["applicant_kind"] or ApplicantKind.COMPANY.value,
        "contacts": {
            "email": values["contact_email"],
            "phone": values["phone"],
            "address": values["address"],
            "contact_person": values["contact_person"],
        },
        "oked_code": values["oked_code"],
        "priority_area": values["priority_area"],
        "excisable_goods": bool(values["excisable_goods"]),
        "project_description": values["project_description"],
        "on_territory": bool(values["on_territory"]),
        "planned_obligations": [{"year": year, **planned} for year in years] or [planned],
        "requested_start": start,
        "requested_end": end,
    }
    if problems:
        return None
    try:
        return ApplicationForm.model_validate(data)
    except ValidationError as invalid:
        for detail in invalid.errors(include_url=False):
            problems.add(_form_field_of(tuple(detail["loc"])), detail["msg"])
        return None


def explain_fields(values: Mapping[str, str], rules: RuleSet, problems: Problems) -> None:
    """What the BIN and the OKED code say on their own (valid, allowed or why not)."""
    if values["bin"] and "bin" not in problems.by_field:
        try:
            parse_bin(values["bin"])
        except DomainError as error:
            problems.add("bin", error.message, error.legal_basis)
    if values["oked_code"] and "oked_code" not in problems.by_field:
        try:
            oked = parse_oked(values["oked_code"])
            allowed_activity(rules, oked)
        except DomainError as error:
            problems.add("oked_code", error.message, error.legal_basis)
        else:
            problems.hints["oked_code"] = f"{oked.code}|{oked.division_title}"


def screen(form: ApplicationForm, rules: RuleSet, today: date, problems: Problems) -> None:
    """Add every hard refusal screening would give, by its field (the form's own names)."""
    for finding in screen_application(form, rules, today).refusals:
        name = finding.field or "form"
        if finding.message not in problems.by_field.get(name, []):
            problems.add(name, finding.message, finding.legal_basis)


def check_as_typed(
    values: Mapping[str, str], rules: RuleSet, today: date
) -> dict[str, tuple[bool, str, tuple[str, ...]]]:
    """What the BIN, the OKED code and the requested end say while the participant types:
    for each field given, (fine?, the problem or an empty string, its legal basis).

    The same rules screening applies: the BIN's check digit and kind of holder, the OKED
    division allowed by the rules in force (or why not), the term ending by the zone's end.
    """
    problems = Problems()
    explain_fields(values, rules, problems)
    if values.get("bin"):
        try:
            info = parse_bin(values["bin"])
        except DomainError:
            pass
        else:
            for problem in eligibility_problems(info):
                problems.add("bin", problem.message, problem.legal_basis)
    end, start = _day(values.get("requested_end", "")), _day(values.get("requested_start", ""))
    if isinstance(end, date):
        if end > rules.zone_end:
            problems.add(
                "requested_end",
                f"the requested term ends on {end.isoformat()}, after the zone's end on "
                f"{rules.zone_end.isoformat()}",
                (DECREE_ITEM_1,),
            )
        elif end <= (start if isinstance(start, date) else today):
            problems.add("requested_end", "the term must end after it starts")
    checked: dict[str, tuple[bool, str, tuple[str, ...]]] = {}
    for name in ("bin", "oked_code", "requested_end"):
        if values.get(name):
            messages = problems.by_field.get(name, [])
            basis = tuple(dict.fromkeys(problems.basis.get(name, [])))
            checked[name] = (not messages, "; ".join(messages), basis)
    return checked
