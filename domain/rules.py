"""The zone's rules, versioned by effective date.

The Regulation's conditions change by a new Decree [Decree 1166 Reg. §15], so every decision
uses the :class:`RuleSet` in force on its date, taken from the zone's :class:`RuleBook`. A rule
set holds the Regulation's substance (the zone's end, the allowed activities, the excisable-goods
ban, the off-territory allowance) and the zone's deadlines (:class:`ZoneTerms`), each of which
says whether it comes from the Law or is our own policy.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, field_validator, model_validator

from domain.calendar import DayCount
from domain.errors import InvalidInput, RuleViolation
from domain.legal_basis import DECREE_ITEM_5, LAW, REG_3, REG_3_4, REG_15, policy
from domain.oked import DIVISIONS, OkedCode, divisions_of
from domain.values import PlainText


def _sorted_list(values: frozenset[str]) -> list[str]:
    return sorted(values)


# A set of OKED divisions. It serialises sorted, so that an event's bytes (and its hash) do not
# depend on the process's string-hash seed.
DivisionSet = Annotated[
    frozenset[str], PlainSerializer(_sorted_list, return_type=list[str], when_used="always")
]

VersionId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,99}$")]


class ZoneTerms(BaseModel):
    """Every deadline of the lifecycle (DOMAIN.md §3), as the zone's configuration.

    Law terms restate Law 242-VI; the others are our policy and say so (:meth:`basis`). Days are
    calendar days unless the name says working days.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    # The Law's "within 10 days" of the application; calendar days unless the zone says working.
    decision_days: int = Field(default=10, ge=1, le=365)
    decision_day_count: DayCount = "calendar"
    resubmission_working_days: int = Field(default=10, ge=1, le=365)
    signing_working_days: int = Field(default=10, ge=1, le=365)
    authorized_body_notice_days: int = Field(default=0, ge=0, le=365)  # 0: the day of conclusion
    tax_notice_working_days: int = Field(default=2, ge=0, le=365)
    register_entry_days: int = Field(default=5, ge=0, le=365)
    annual_report_due_month: int = Field(default=3, ge=1, le=12)
    annual_report_due_day: int = Field(default=31, ge=1, le=31)
    report_reminder_days_before: tuple[int, ...] = Field(default=(30, 7, 1), max_length=20)
    report_reminder_days_after: int = Field(default=1, ge=1, le=365)
    report_reminder_repeat_days: int = Field(default=7, ge=1, le=365)
    report_escalation_days_overdue: int = Field(default=30, ge=1, le=3650)
    report_correction_working_days: int = Field(default=10, ge=1, le=365)
    cure_period_days: int = Field(default=60, ge=1, le=3650)

    # Terms that restate the Law; every other term is our policy.
    LAW_TERMS: ClassVar[frozenset[str]] = frozenset(
        {
            "decision_days",
            "decision_day_count",
            "authorized_body_notice_days",
            "tax_notice_working_days",
            "register_entry_days",
        }
    )
    # Law terms whose figure only a change of law (a regulation amendment) may change. The day
    # count of the decision deadline is the zone's choice (DOMAIN.md §3.4), so it is not here.
    FIXED_BY_LAW: ClassVar[frozenset[str]] = LAW_TERMS - {"decision_day_count"}

    @field_validator("report_reminder_days_before")
    @classmethod
    def _reminders_descending(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(days < 1 for days in value):
            raise ValueError("reminders before a due date are at least 1 day before it")
        if len(set(value)) != len(value):
            raise ValueError("each reminder day may appear only once")
        return tuple(sorted(value, reverse=True))

    @model_validator(mode="after")
    def _due_date_exists(self) -> ZoneTerms:
        try:
            # 2001 is not a leap year: a due date of 29 February would not exist every year.
            date(2001, self.annual_report_due_month, self.annual_report_due_day)
        except ValueError as error:
            raise ValueError(
                f"the annual report's due date does not exist every year: {error}"
            ) from error
        return self

    def basis(self, term: str) -> tuple[str, ...]:
        """The legal-basis tags of one term: the Law's, or ``pit policy: <term>``.

        Raises:
            InvalidInput: if ``term`` is not a term of the zone.
        """
        if term not in type(self).model_fields:
            raise InvalidInput(f"{term!r} is not a term of the zone", code="unknown_term")
        if term not in self.LAW_TERMS:
            return (policy(term),)
        if (
            term in {"decision_days", "decision_day_count"}
            and self.decision_day_count != "calendar"
        ):
            # The Law says "within 10 days"; counting them as working days is our choice.
            return (LAW, policy("decision_day_count"))
        return (LAW,)

    def annual_report_due(self, reporting_year: int) -> date:
        """The day the annual report on ``reporting_year`` is due, in the following year."""
        return date(reporting_year + 1, self.annual_report_due_month, self.annual_report_due_day)


class RuleSet(BaseModel):
    """The zone's rules as one version of the Regulation (and of our policy) states them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: VersionId
    effective_from: date
    source: PlainText = Field(min_length=1, max_length=1000, description="The citation")
    zone_end: date = Field(description="The day the zone ceases to exist [Decree item 1]")
    allowed_oked_divisions: DivisionSet
    excluded_oked_divisions: DivisionSet = frozenset()
    construction_divisions: DivisionSet = frozenset()
    excisable_production_banned: bool = True
    # Reg. §5: until this day listed ICT activities need not be carried out on the territory;
    # None when the version sets no such day (the Law then governs, Law Art. 1(4)).
    off_territory_ict_until: date | None = None
    off_territory_ict_divisions: DivisionSet = frozenset()
    terms: ZoneTerms = Field(default_factory=ZoneTerms)
    amends: tuple[str, ...] = Field(
        default=(), description="The provisions this version restates; empty for the original"
    )
    assumptions: tuple[str, ...] = Field(
        default=(), description="What this version holds that its source text does not give"
    )

    @field_validator(
        "allowed_oked_divisions",
        "excluded_oked_divisions",
        "construction_divisions",
        "off_territory_ict_divisions",
    )
    @classmethod
    def _divisions_exist(cls, value: frozenset[str]) -> frozenset[str]:
        unknown = sorted(code for code in value if code not in DIVISIONS)
        if unknown:
            raise ValueError(f"not NACE Rev.2 divisions: {unknown}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> RuleSet:
        if self.zone_end <= self.effective_from:
            raise ValueError("zone_end must be after effective_from")
        if both := self.allowed_oked_divisions & self.excluded_oked_divisions:
            raise ValueError(f"divisions both allowed and excluded: {sorted(both)}")
        if extra := self.construction_divisions - self.allowed_oked_divisions:
            raise ValueError(f"construction divisions not allowed: {sorted(extra)}")
        return self


class RuleBook(BaseModel):
    """Every version of the zone's rules, sorted by effective date."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    versions: tuple[RuleSet, ...] = Field(min_length=1)

    @field_validator("versions")
    @classmethod
    def _sorted_and_unique(cls, value: tuple[RuleSet, ...]) -> tuple[RuleSet, ...]:
        ids = [rs.version for rs in value]
        if len(set(ids)) != len(ids):
            raise ValueError("each rule-set version id may appear only once")
        dates = [rs.effective_from for rs in value]
        if len(set(dates)) != len(dates):
            raise ValueError("two rule-set versions may not take effect on the same day")
        return tuple(sorted(value, key=lambda rs: rs.effective_from))

    @property
    def latest(self) -> RuleSet:
        """The version with the latest effective date (possibly not yet in force)."""
        return self.versions[-1]

    def in_force(self, on: date) -> RuleSet:
        """The version in force on a day: the last one effective on or before it.

        Raises:
            RuleViolation: ``no_rule_set_in_force`` before the first version took effect.
        """
        current: RuleSet | None = None
        for rule_set in self.versions:
            if rule_set.effective_from > on:
                break
            current = rule_set
        if current is None:
            first = self.versions[0]
            raise RuleViolation(
                f"no rule set of the zone is in force on {on.isoformat()}: the first one "
                f"({first.version}) takes effect on {first.effective_from.isoformat()}",
                (DECREE_ITEM_5,),
                code="no_rule_set_in_force",
            )
        return current

    def zone_end_seen_from(self, day: date) -> date:
        """The day the zone ends, as seen on ``day``: the end in the rules in force then, moved
        by any amendment in force by that end (a decree extending the zone before it ends).

        Raises:
            RuleViolation: ``no_rule_set_in_force`` before the first version took effect.
        """
        end = self.in_force(day).zone_end
        for _ in self.versions:  # each step moves to a later version: bounded by their number
            later = self.in_force(end).zone_end
            if later == end:
                break
            end = later
        return end

    def version(self, version_id: str) -> RuleSet:
        """The version with this id.

        Raises:
            InvalidInput: if there is none.
        """
        for rule_set in self.versions:
            if rule_set.version == version_id:
                return rule_set
        raise InvalidInput(
            f"no rule-set version {version_id!r}", code="unknown_rule_set", field="version"
        )

    def with_version(self, rule_set: RuleSet) -> RuleBook:
        """The rule book with one more version (an amendment), placed by its effective date.

        A version may take effect before the latest one: a decree recorded late, or history
        filled in. What it may not do is reuse a version id, or take effect on the same day as
        another version (which one would be in force that day?).

        Raises:
            RuleViolation: ``duplicate_rule_set_version`` or ``rule_set_date_taken``.
        """
        for existing in self.versions:
            if existing.version == rule_set.version:
                raise RuleViolation(
                    f"rule-set version {rule_set.version!r} exists already",
                    (REG_15,),
                    code="duplicate_rule_set_version",
                    field="version",
                )
            if existing.effective_from == rule_set.effective_from:
                raise RuleViolation(
                    f"version {existing.version!r} already takes effect on "
                    f"{rule_set.effective_from.isoformat()}; one version a day",
                    (REG_15,),
                    code="rule_set_date_taken",
                    field="effective_from",
                )
        return RuleBook(versions=(*self.versions, rule_set))


# --- Reg. §3 in the wording of Decree No. 377 ------------------------------------------------

# The manufacturing exceptions of Reg. §3(1), in the Regulation's words, by division.
MANUFACTURING_EXCEPTIONS: dict[str, str] = {
    "10": "food production",
    "11": "beverage production",
    "12": "production of tobacco products",
    "13": "production of textiles",
    "14": "clothing production",
    "16": "production of wood and cork products (except furniture) and of straw products and "
    "materials for weaving",
    "20": "production of chemical industry products",
    "24": "metallurgy industry",
    "29": "vehicle manufacturing",
    "31": "furniture manufacturing",
    "33": "repair and installation of machinery and equipment",
}
CONSTRUCTION_DIVISIONS = divisions_of("F")  # 41-43, Reg. §3(4)
# Reg. §5: software, databases and ICT hardware, data centres and e-services; ICT R&D.
ICT_OFF_TERRITORY_DIVISIONS = frozenset({"26", "58", "62", "63", "72"})


def allowed_activity(rules: RuleSet, oked: OkedCode) -> None:
    """Refuse an activity the zone does not allow [Decree 1166 Reg. §3].

    Raises:
        RuleViolation: ``oked_not_allowed``, naming the division and why; the basis adds
            Reg. §3.4 for construction.
    """
    division = oked.division
    if division in rules.allowed_oked_divisions:
        return
    title = DIVISIONS[division][1]
    basis: tuple[str, ...] = (REG_3,)
    if division in rules.excluded_oked_divisions:
        exception = MANUFACTURING_EXCEPTIONS.get(division, title.lower())
        why = f"is excluded from manufacturing ({exception})"
    elif oked.section == "F":
        why = "is construction, which this version of the Regulation does not allow"
        basis = (REG_3, REG_3_4)
    else:
        why = (
            f"(section {oked.section}, {oked.section_title.lower()}) is not one of the zone's "
            "activity types"
        )
    raise RuleViolation(
        f"OKED {oked.code}: division {division} ({title}) {why} under Reg. §3 "
        f"(rule set {rules.version})",
        basis,
        code="oked_not_allowed",
        field="oked_code",
    )


# --- The known versions of Decree No. 1166 ---------------------------------------------------

ZONE_END_DECREE_193 = date(2028, 1, 1)

_NOT_IN_SEED_ACTIVITIES = (
    "the list of activities of this wording is not in the seed text (Reg. §3 was restated by "
    "Decree No. 377); approximated by ICT divisions 26, 58, 61, 62, 63 and 72, after the "
    "zone's first name (Park of Information Technologies) and the ICT activities of Reg. §5, "
    "without construction or exceptions"
)
_NOT_IN_SEED_OFF_TERRITORY = (
    "Reg. §5 of this wording is not in the seed (restated by Decree No. 377): no off-territory "
    "day is recorded"
)
_PRE_377_ACTIVITIES = frozenset({"26", "58", "61", "62", "63", "72"})


def _original_2003() -> RuleSet:
    return RuleSet(
        version="decree-1166-2003",
        effective_from=date(2003, 10, 1),
        source='Decree No. 1166 of 18.08.2003 "On the creation of the SEZ "Park of Information '
        'Technologies"", as first enacted (in force 01.10.2003, item 5)',
        zone_end=date(2015, 1, 1),
        allowed_oked_divisions=_PRE_377_ACTIVITIES,
        excisable_production_banned=True,
        amends=(),
        assumptions=(
            "item 1 as first enacted is not in the seed (it keeps the wording of Decree No. 193);"
            " the zone end 01.01.2015 is an unverified recollection, to be checked against "
            "adilet.zan.kz U030001166_ (history of item 1)",
            _NOT_IN_SEED_ACTIVITIES,
            _NOT_IN_SEED_OFF_TERRITORY,
            "the excisable-goods ban is assumed from Reg. §6 of the wording of Decree No. 193",
        ),
    )


def _decree_193_2011() -> RuleSet:
    return RuleSet(
        version="decree-193-2011",
        effective_from=date(2011, 12, 8),
        source="Decree No. 1166 of 18.08.2003 in the wording of Decree No. 193 of 08.12.2011",
        zone_end=ZONE_END_DECREE_193,
        allowed_oked_divisions=_PRE_377_ACTIVITIES,
        excisable_production_banned=True,  # Reg. §6 is in the wording of No. 193
        amends=("title", "preamble", "item 1", "Regulation"),
        assumptions=(
            "the seed gives no in-force date for Decree No. 193; taken as its date, 08.12.2011",
            _NOT_IN_SEED_ACTIVITIES,
            _NOT_IN_SEED_OFF_TERRITORY,
        ),
    )


def _decree_457_2012() -> RuleSet:
    return RuleSet(
        version="decree-457-2012",
        effective_from=date(2012, 12, 29),
        source="Decree No. 1166 of 18.08.2003 as amended by Decree No. 457 of 29.12.2012 "
        "(target indicators added)",
        zone_end=ZONE_END_DECREE_193,
        allowed_oked_divisions=_PRE_377_ACTIVITIES,
        excisable_production_banned=True,
        amends=("item 2", "annex: target indicators and critical levels"),
        assumptions=(
            "the seed gives no in-force date for Decree No. 457; taken as its date, 29.12.2012",
            _NOT_IN_SEED_ACTIVITIES,
            _NOT_IN_SEED_OFF_TERRITORY,
        ),
    )


def _decree_377_2016() -> RuleSet:
    manufacturing = divisions_of("C")
    excluded = frozenset(MANUFACTURING_EXCEPTIONS)
    return RuleSet(
        version="decree-377-2016",
        effective_from=date(2016, 11, 26),
        source="Decree No. 1166 of 18.08.2003, Reg. §2, §3 and §5 in the wording of Decree "
        "No. 377 of 25.11.2016",
        zone_end=ZONE_END_DECREE_193,
        allowed_oked_divisions=(manufacturing - excluded)
        | divisions_of("J")
        | divisions_of("M")
        | CONSTRUCTION_DIVISIONS,
        excluded_oked_divisions=excluded,
        construction_divisions=CONSTRUCTION_DIVISIONS,
        excisable_production_banned=True,
        off_territory_ict_until=date(2018, 1, 1),
        off_territory_ict_divisions=ICT_OFF_TERRITORY_DIVISIONS,
        amends=("Reg. §2", "Reg. §3", "Reg. §5"),
        assumptions=(
            'Decree No. 377 is "in force from first official publication", a date the seed does '
            "not give; taken as 26.11.2016, the day after signing",
            "OKED divisions are matched to the Regulation's wording by NACE Rev.2 titles",
        ),
    )


@lru_cache(maxsize=1)
def decree_1166_rulebook() -> RuleBook:
    """The known versions of the Regulation of Decree No. 1166, oldest first."""
    return RuleBook(
        versions=(_original_2003(), _decree_193_2011(), _decree_457_2012(), _decree_377_2016())
    )
