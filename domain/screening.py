"""Automatic screening of an application, at once, on submission (DOMAIN.md §3.2).

Screening collects every reason, never stopping at the first. A **refusal** (hard) refuses the
application at once; a **finding** (soft) goes to the reviewer. What is hard and what is soft:

Hard (refusals):
    * the BIN is invalid, or not a head-office legal entity's [Law Art. 1(4)];
    * the OKED code is malformed or unknown, or its division is not allowed [Reg. §3, §3.4];
    * the applicant produces excisable goods [Reg. §6];
    * the zone has ended on the screening day, or the requested term ends after the zone's
      end [Decree item 1];
    * the requested term is already over on the screening day (policy: nothing is left to agree);
    * activities outside the territory before the Reg. §5 day, other than its ICT ones [Reg. §5].

Soft (findings):
    * the requested start is before the screening day: an agreement takes effect on
      conclusion at the earliest, so the reviewer sets the start (policy);
    * activities outside the territory, which the Law allows [Law Art. 1(4)] (or, before the
      Reg. §5 day, the listed ICT activities [Reg. §5]);
    * construction is allowed only for the zone's own facilities, within design estimates
      [Reg. §3.4];
    * the priority area and the OKED division do not obviously fit [Reg. §2.1];
    * universities and research institutes are welcome and follow §3 too [Reg. §4];
    * a non-resident legal entity [Law Art. 1(4)]; a division whose products are often
      excisable although the applicant declares none [Reg. §6];
    * years of the requested term without planned obligations (policy).

The form itself (domain.application) already guarantees the required fields and their shapes.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.application import ApplicantKind, ApplicationForm, PriorityArea, term_years
from domain.bin import EntityType, eligibility_problems, parse_bin
from domain.errors import DomainError, InvalidInput
from domain.legal_basis import (
    DECREE_ITEM_1,
    LAW_ART_1_4,
    REG_2_1,
    REG_3_4,
    REG_4,
    REG_5,
    REG_6,
    policy,
)
from domain.oked import DIVISIONS, OkedCode, parse_oked
from domain.rules import RuleSet, allowed_activity


class Finding(BaseModel):
    """One reason screening gives: a refusal if ``hard``, else a note for the reviewer."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(min_length=1, max_length=100)
    field: str | None = None
    message: str = Field(min_length=1)
    legal_basis: tuple[str, ...] = Field(min_length=1)
    hard: bool

    @classmethod
    def from_error(cls, error: DomainError, *, hard: bool = True) -> Finding:
        return cls(
            code=error.code,
            field=error.field,
            message=error.message,
            legal_basis=error.legal_basis,
            hard=hard,
        )


class ScreeningResult(BaseModel):
    """Every refusal (hard) and every finding (soft) of one screening."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    refusals: tuple[Finding, ...] = ()
    findings: tuple[Finding, ...] = ()

    @model_validator(mode="after")
    def _hard_and_soft_apart(self) -> ScreeningResult:
        if not all(f.hard for f in self.refusals) or any(f.hard for f in self.findings):
            raise ValueError("refusals are hard findings and findings are soft ones")
        return self

    @property
    def passed(self) -> bool:
        """True when nothing refuses the application (soft findings go to review)."""
        return not self.refusals

    @property
    def legal_basis(self) -> tuple[str, ...]:
        """Every tag of every refusal and finding, once each, in order of appearance."""
        tags = (tag for f in (*self.refusals, *self.findings) for tag in f.legal_basis)
        return tuple(dict.fromkeys(tags))


# Divisions that fit a priority technology area [Reg. §2.1]. A heuristic for the reviewer, never
# a refusal. Software, information services, engineering, R&D and the construction of the zone's
# facilities fit every area.
_FITS_EVERY_AREA = frozenset({"41", "42", "43", "58", "62", "63", "71", "72", "74"})
PRIORITY_AREA_DIVISIONS: dict[PriorityArea, frozenset[str]] = {
    PriorityArea.ICT: _FITS_EVERY_AREA | {"26", "61"},
    PriorityArea.TELECOMMUNICATIONS: _FITS_EVERY_AREA | {"26", "27", "61"},
    PriorityArea.ELECTRONICS_AND_INSTRUMENT_MAKING: _FITS_EVERY_AREA | {"26", "27", "28", "32"},
    PriorityArea.RENEWABLE_ENERGY_AND_RESOURCE_SAVING: _FITS_EVERY_AREA
    | {"22", "23", "25", "26", "27", "28"},
    PriorityArea.MATERIALS: _FITS_EVERY_AREA | {"15", "17", "19", "22", "23", "25", "32"},
    PriorityArea.OIL_AND_GAS_TECHNOLOGIES: _FITS_EVERY_AREA | {"19", "22", "25", "28", "30"},
}
# Divisions whose products are often excisable (beverages, tobacco, fuel, cars).
OFTEN_EXCISABLE_DIVISIONS = frozenset({"11", "12", "19", "29"})

_TERM_POLICY = policy("requested_term")


def _screen_bin(form: ApplicationForm) -> list[Finding]:
    try:
        info = parse_bin(form.bin)
    except DomainError as error:
        return [Finding.from_error(error)]
    found = [Finding.from_error(problem) for problem in eligibility_problems(info)]
    if info.entity_type is EntityType.NON_RESIDENT_LEGAL_ENTITY and not found:
        found.append(
            Finding(
                code="non_resident_legal_entity",
                field="bin",
                message="the applicant is a non-resident legal entity: check its registration "
                "in Kazakhstan",
                legal_basis=(LAW_ART_1_4,),
                hard=False,
            )
        )
    return found


def _screen_activity(
    form: ApplicationForm, rules: RuleSet
) -> tuple[OkedCode | None, list[Finding]]:
    try:
        oked = parse_oked(form.oked_code)
    except DomainError as error:
        return None, [Finding.from_error(error)]
    found: list[Finding] = []
    try:
        allowed_activity(rules, oked)
    except DomainError as error:
        found.append(Finding.from_error(error))
    else:
        if oked.division in rules.construction_divisions:
            found.append(
                Finding(
                    code="construction_only_for_zone_activities",
                    field="oked_code",
                    message="construction is allowed only for facilities meant directly for the "
                    "zone's manufacturing, ICT and professional, scientific and technical "
                    "activities, within the design estimates",
                    legal_basis=(REG_3_4,),
                    hard=False,
                )
            )
    if oked.division in OFTEN_EXCISABLE_DIVISIONS and not form.excisable_goods:
        found.append(
            Finding(
                code="excisable_declaration_to_check",
                field="excisable_goods",
                message=f"division {oked.division} ({DIVISIONS[oked.division][1]}) often makes "
                "excisable goods, and the applicant declares none: check the declaration",
                legal_basis=(REG_6,),
                hard=False,
            )
        )
    fitting = PRIORITY_AREA_DIVISIONS[form.priority_area]
    if oked.division not in fitting:
        found.append(
            Finding(
                code="priority_area_mismatch",
                field="priority_area",
                message=f"division {oked.division} ({DIVISIONS[oked.division][1]}) does not "
                f"obviously serve the priority area {form.priority_area.value}: check the project",
                legal_basis=(REG_2_1,),
                hard=False,
            )
        )
    return oked, found


def _screen_excisable(form: ApplicationForm, rules: RuleSet) -> list[Finding]:
    if form.excisable_goods and rules.excisable_production_banned:
        return [
            Finding(
                code="excisable_goods",
                field="excisable_goods",
                message="production of excisable goods is prohibited in the zone",
                legal_basis=(REG_6,),
                hard=True,
            )
        ]
    return []


def _screen_term(form: ApplicationForm, rules: RuleSet, on: date) -> list[Finding]:
    found: list[Finding] = []
    zone_end = rules.zone_end.isoformat()
    if on >= rules.zone_end:
        found.append(
            Finding(
                code="zone_ended",
                field=None,
                message=f"the zone exists until {zone_end}; no agreement can be concluded on "
                f"{on.isoformat()}",
                legal_basis=(DECREE_ITEM_1,),
                hard=True,
            )
        )
    if form.requested_end > rules.zone_end:
        found.append(
            Finding(
                code="term_beyond_zone_end",
                field="requested_end",
                message=f"the requested term ends on {form.requested_end.isoformat()}, after the "
                f"zone's end on {zone_end}",
                legal_basis=(DECREE_ITEM_1,),
                hard=True,
            )
        )
    if form.requested_end <= on:
        found.append(
            Finding(
                code="term_already_over",
                field="requested_end",
                message=f"the requested term ends on {form.requested_end.isoformat()}, which "
                "is not after the day of screening: nothing of it is left to agree",
                legal_basis=(_TERM_POLICY,),
                hard=True,
            )
        )
    elif form.requested_start < on:
        found.append(
            Finding(
                code="requested_start_in_past",
                field="requested_start",
                message=f"the requested start {form.requested_start.isoformat()} is before the "
                "application: the agreement takes effect on conclusion at the earliest",
                legal_basis=(_TERM_POLICY,),
                hard=False,
            )
        )
    return found


def _screen_territory(
    form: ApplicationForm, rules: RuleSet, on: date, oked: OkedCode | None
) -> list[Finding]:
    if form.on_territory:
        return []
    until = rules.off_territory_ict_until
    if until is None or on >= until:
        return [
            Finding(
                code="off_territory",
                field="on_territory",
                message="the activities are carried out outside the zone's territory, which "
                "the Law allows participants of this zone",
                legal_basis=(LAW_ART_1_4,),
                hard=False,
            )
        ]
    if oked is not None and oked.division in rules.off_territory_ict_divisions:
        return [
            Finding(
                code="off_territory_ict",
                field="on_territory",
                message=f"until {until.isoformat()} the listed ICT activities need not be "
                "carried out on the zone's territory",
                legal_basis=(REG_5,),
                hard=False,
            )
        ]
    return [
        Finding(
            code="off_territory_not_allowed",
            field="on_territory",
            message=f"until {until.isoformat()} only the listed ICT activities may be carried "
            "out outside the zone's territory",
            legal_basis=(REG_5,),
            hard=True,
        )
    ]


def _screen_applicant_and_plan(form: ApplicationForm) -> list[Finding]:
    found: list[Finding] = []
    if form.applicant_kind is not ApplicantKind.COMPANY:
        found.append(
            Finding(
                code="education_or_research_applicant",
                field="applicant_kind",
                message=f"a {form.applicant_kind.value.replace('_', ' ')} is welcome in the "
                "zone; its activities follow the zone's activity types all the same",
                legal_basis=(REG_4,),
                hard=False,
            )
        )
    planned = {o.year for o in form.planned_obligations}
    missing = [
        year for year in term_years(form.requested_start, form.requested_end) if year not in planned
    ]
    if missing:
        found.append(
            Finding(
                code="obligations_missing_years",
                field="planned_obligations",
                message=f"no planned obligations for the years {missing} of the requested term",
                legal_basis=(policy("obligations_every_year"),),
                hard=False,
            )
        )
    return found


def screen_application(form: ApplicationForm, rules: RuleSet, on: date) -> ScreeningResult:
    """Screen an application against the rule set in force on ``on`` (the submission day).

    Returns every refusal and every finding at once; see the module for what is hard and soft.

    Raises:
        InvalidInput: if ``rules`` takes effect only after ``on`` (a caller's mistake).
    """
    if rules.effective_from > on:
        raise InvalidInput(
            f"rule set {rules.version} takes effect on {rules.effective_from.isoformat()}, "
            f"after the screening day {on.isoformat()}",
            code="rule_set_not_in_force",
        )
    oked, activity = _screen_activity(form, rules)
    everything = [
        *_screen_bin(form),
        *activity,
        *_screen_excisable(form, rules),
        *_screen_term(form, rules, on),
        *_screen_territory(form, rules, on, oked),
        *_screen_applicant_and_plan(form),
    ]
    return ScreeningResult(
        refusals=tuple(f for f in everything if f.hard),
        findings=tuple(f for f in everything if not f.hard),
    )
