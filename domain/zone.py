"""The zone's own stream (``zone-pit``): its establishment, its rules by effective date, its
indicator levels. A decider: :func:`decide_zone`, :func:`evolve_zone`, :func:`initial_zone_state`.

Only an administrator configures the zone. The rules change in two ways, each an event with its
own effective date, so that every decision uses the version in force on its date:

* a **regulation amendment** [Decree 1166 Reg. §15]: a new Decree (a new zone end, a new list of
  activities...), recorded as a complete new :class:`~domain.rules.RuleSet`. It may be recorded
  after it took effect (a decree recorded late) and it may shorten the zone's term, but not to a
  day already passed: ending the zone early is abolition, which follows the Law [Reg. §16] and is
  not an amendment.
* a **policy change**: our own deadlines (:class:`~domain.rules.ZoneTerms`). It is never
  retroactive (running deadlines were set under the old terms), applies on top of the latest
  version, and cannot change a term the Law fixes; that takes a regulation amendment.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from domain.actors import Actor, Role
from domain.calendar import almaty_date
from domain.errors import InvalidInput, InvalidTransition, NotPermitted, RuleViolation
from domain.event import DomainEvent
from domain.indicators import Indicator, IndicatorLevel, seed_indicator_levels
from domain.legal_basis import (
    DECREE_ANNEX,
    DECREE_ITEM_1,
    DECREE_ITEM_5,
    LAW,
    REG_1,
    REG_8,
    REG_15,
    REG_16,
    policy,
)
from domain.rules import RuleBook, RuleSet, VersionId, ZoneTerms, decree_1166_rulebook
from domain.values import PlainText

PIT_CODE = "pit"
ZoneCode = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,30}$")]
Text = Annotated[PlainText, Field(min_length=1, max_length=1000)]
Hectares = Annotated[
    Decimal, Field(gt=Decimal(0), lt=Decimal(10) ** 9, decimal_places=4, allow_inf_nan=False)
]

ESTABLISHMENT_BASIS = (DECREE_ITEM_1, DECREE_ITEM_5, REG_1, REG_8)
AMENDMENT_BASIS = (REG_15,)
TERMS_BASIS = (policy("zone_terms"),)
INDICATOR_BASIS = (DECREE_ANNEX,)
ADMIN_ONLY = policy("zone_configured_by_admin")


def zone_stream_id(code: str) -> str:
    """The event stream of a zone: ``zone-<code>``."""
    return f"zone-{code}"


# --- Events ------------------------------------------------------------------------------------


class ZoneEstablished(DomainEvent):
    """The zone exists: created by decree, in force from a date, with its first rules."""

    type: Literal["zone_established"] = "zone_established"
    schema_version: Literal[1] = 1
    code: ZoneCode
    name_ru: Text
    name_en: Text
    territory_ha: Hectares
    location: Text
    created_by: Text
    in_force: date
    management_company: Text
    rule_sets: tuple[RuleSet, ...] = Field(min_length=1)
    indicator_levels: tuple[IndicatorLevel, ...] = ()


class RuleSetAdopted(DomainEvent):
    """A new version of the zone's rules, in force from ``rule_set.effective_from``."""

    type: Literal["rule_set_adopted"] = "rule_set_adopted"
    schema_version: Literal[1] = 1
    kind: Literal["regulation_amendment", "policy_change"]
    rule_set: RuleSet


class IndicatorLevelSet(DomainEvent):
    """The target and critical level of one indicator for one year, set or replaced."""

    type: Literal["indicator_level_set"] = "indicator_level_set"
    schema_version: Literal[1] = 1
    level: IndicatorLevel
    source: Text


ZoneEvent = Annotated[
    ZoneEstablished | RuleSetAdopted | IndicatorLevelSet, Field(discriminator="type")
]


# --- Commands ----------------------------------------------------------------------------------


class _Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EstablishZone(_Command):
    type: Literal["establish_zone"] = "establish_zone"
    code: ZoneCode
    name_ru: Text
    name_en: Text
    territory_ha: Hectares
    location: Text
    created_by: Text
    in_force: date
    management_company: Text
    rule_book: RuleBook
    indicator_levels: tuple[IndicatorLevel, ...] = ()

    @model_validator(mode="after")
    def _rules_from_in_force(self) -> EstablishZone:
        if self.rule_book.versions[0].effective_from < self.in_force:
            raise ValueError("the first rule set may not take effect before the zone does")
        keys = [(lv.indicator, lv.year) for lv in self.indicator_levels]
        if len(set(keys)) != len(keys):
            raise ValueError("one level per indicator and year")
        return self


class AdoptRegulationAmendment(_Command):
    """Record a Decree amending the Regulation: the complete new rule set, with its effective
    date and its citation (``rule_set.source``)."""

    type: Literal["adopt_regulation_amendment"] = "adopt_regulation_amendment"
    rule_set: RuleSet


class ChangeZoneTerms(_Command):
    """Change our own deadlines from a date on: a new rule-set version with these terms."""

    type: Literal["change_zone_terms"] = "change_zone_terms"
    version: VersionId
    effective_from: date
    terms: ZoneTerms
    source: Text = Field(description="Who decided the change, e.g. a board resolution")


class SetIndicatorLevel(_Command):
    type: Literal["set_indicator_level"] = "set_indicator_level"
    level: IndicatorLevel
    source: Text


ZoneCommand = Annotated[
    EstablishZone | AdoptRegulationAmendment | ChangeZoneTerms | SetIndicatorLevel,
    Field(discriminator="type"),
]


def pit_establishment(
    management_company: str = 'JSC "Management Company of the SEZ '
    '"Park of Innovative Technologies""',
) -> EstablishZone:
    """The establishment of the SEZ "Park of Innovative Technologies" as Decree No. 1166 has it."""
    return EstablishZone(
        code=PIT_CODE,
        name_ru='Специальная экономическая зона "Парк инновационных технологий"',
        name_en='Special economic zone "Park of Innovative Technologies"',
        territory_ha=Decimal("163.02"),
        location="Alatau settlement, Medeu district of Almaty, and adjacent lands of Almaty region",
        created_by="Decree of the President of the Republic of Kazakhstan No. 1166 of 18.08.2003",
        in_force=date(2003, 10, 1),
        management_company=management_company,
        rule_book=decree_1166_rulebook(),
        indicator_levels=seed_indicator_levels(),
    )


# --- State -------------------------------------------------------------------------------------


class ZoneState(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    established: bool = False
    code: str | None = None
    rule_book: RuleBook | None = None
    # One level per (indicator, year), sorted by indicator then year.
    indicator_levels: tuple[IndicatorLevel, ...] = ()
    last_event_at: AwareDatetime | None = None

    def rules_on(self, day: date) -> RuleSet:
        """The rule set in force on a day.

        Raises:
            InvalidTransition: if the zone is not established.
            RuleViolation: if no version is in force that day.
        """
        return _book(self).in_force(day)

    def level(self, indicator: Indicator, year: int) -> IndicatorLevel | None:
        for lv in self.indicator_levels:
            if lv.indicator == indicator and lv.year == year:
                return lv
        return None


def initial_zone_state() -> ZoneState:
    return ZoneState()


def _book(state: ZoneState) -> RuleBook:
    if not state.established or state.rule_book is None:
        raise InvalidTransition(
            "the zone is not established yet", ESTABLISHMENT_BASIS, code="zone_not_established"
        )
    return state.rule_book


def _with_level(
    levels: tuple[IndicatorLevel, ...], level: IndicatorLevel
) -> tuple[IndicatorLevel, ...]:
    kept = [lv for lv in levels if (lv.indicator, lv.year) != (level.indicator, level.year)]
    order = list(Indicator)
    return tuple(sorted([*kept, level], key=lambda lv: (order.index(lv.indicator), lv.year)))


def evolve_zone(state: ZoneState, event: ZoneEvent) -> ZoneState:
    """The state after one event. Events are facts: evolving never refuses a valid stream."""
    if isinstance(event, ZoneEstablished):
        levels: tuple[IndicatorLevel, ...] = ()
        for lv in event.indicator_levels:
            levels = _with_level(levels, lv)
        return ZoneState(
            established=True,
            code=event.code,
            rule_book=RuleBook(versions=event.rule_sets),
            indicator_levels=levels,
            last_event_at=event.occurred_at,
        )
    if isinstance(event, RuleSetAdopted):
        return state.model_copy(
            update={
                "rule_book": _book(state).with_version(event.rule_set),
                "last_event_at": event.occurred_at,
            }
        )
    return state.model_copy(
        update={
            "indicator_levels": _with_level(state.indicator_levels, event.level),
            "last_event_at": event.occurred_at,
        }
    )


# --- Decisions ---------------------------------------------------------------------------------


def _command_basis(command: ZoneCommand) -> tuple[str, ...]:
    if isinstance(command, EstablishZone):
        return ESTABLISHMENT_BASIS
    if isinstance(command, AdoptRegulationAmendment):
        return AMENDMENT_BASIS
    if isinstance(command, ChangeZoneTerms):
        return TERMS_BASIS
    return INDICATOR_BASIS


def _version_on(book: RuleBook, day: date) -> str:
    """The version in force on a day, for the event's metadata (the first one before it)."""
    for rule_set in reversed(book.versions):
        if rule_set.effective_from <= day:
            return rule_set.version
    return book.versions[0].version


def decide_zone(
    command: ZoneCommand, state: ZoneState, *, actor: Actor, now: datetime
) -> list[ZoneEvent]:
    """Decide a command on the zone's stream.

    Raises:
        NotPermitted: the actor is not an administrator.
        InvalidTransition: establishing twice, or configuring a zone not yet established.
        RuleViolation: an amendment or a policy change the rules refuse (see the module).
        InvalidInput: a naive ``now``.
    """
    today = almaty_date(now)
    basis = _command_basis(command)
    if actor.role is not Role.ADMIN:
        raise NotPermitted(
            f"only an administrator configures the zone, not a {actor.role.value}",
            (*basis, ADMIN_ONLY),
            code="zone_admin_only",
        )
    if isinstance(command, EstablishZone):
        if state.established:
            raise InvalidTransition(
                f"the zone {state.code} is established already",
                basis,
                code="zone_already_established",
            )
        return [
            ZoneEstablished(
                occurred_at=now,
                actor=actor,
                legal_basis=basis,
                rule_set_version=_version_on(command.rule_book, today),
                code=command.code,
                name_ru=command.name_ru,
                name_en=command.name_en,
                territory_ha=command.territory_ha,
                location=command.location,
                created_by=command.created_by,
                in_force=command.in_force,
                management_company=command.management_company,
                rule_sets=command.rule_book.versions,
                indicator_levels=command.indicator_levels,
            )
        ]
    book = _book(state)
    in_force_version = _version_on(book, today)
    if isinstance(command, AdoptRegulationAmendment):
        rule_set = _check_amendment(command.rule_set, book, today)
        kind: Literal["regulation_amendment", "policy_change"] = "regulation_amendment"
    elif isinstance(command, ChangeZoneTerms):
        rule_set = _terms_change(command, book, today)
        kind = "policy_change"
    else:
        return [
            IndicatorLevelSet(
                occurred_at=now,
                actor=actor,
                legal_basis=basis,
                rule_set_version=in_force_version,
                level=command.level,
                source=command.source,
            )
        ]
    book.with_version(rule_set)  # refuses a duplicate version id or effective date
    return [
        RuleSetAdopted(
            occurred_at=now,
            actor=actor,
            legal_basis=basis,
            rule_set_version=in_force_version,
            kind=kind,
            rule_set=rule_set,
        )
    ]


def _check_amendment(rule_set: RuleSet, book: RuleBook, today: date) -> RuleSet:
    first = book.versions[0]
    if rule_set.effective_from < first.effective_from:
        raise RuleViolation(
            f"an amendment cannot take effect on {rule_set.effective_from.isoformat()}, before "
            f"the zone's first rules ({first.effective_from.isoformat()})",
            (*AMENDMENT_BASIS, DECREE_ITEM_5),
            code="amendment_before_zone",
            field="effective_from",
        )
    if rule_set.zone_end <= today:
        raise RuleViolation(
            f"an amendment cannot end the zone on {rule_set.zone_end.isoformat()}, a day already "
            f"reached on {today.isoformat()}: ending the zone early is abolition, which follows "
            "the Law",
            (*AMENDMENT_BASIS, REG_16),
            code="zone_end_not_in_future",
            field="zone_end",
        )
    return rule_set


def _terms_change(command: ChangeZoneTerms, book: RuleBook, today: date) -> RuleSet:
    latest = book.latest
    if command.effective_from < today:
        raise RuleViolation(
            f"a policy change cannot take effect on {command.effective_from.isoformat()}, "
            f"before today ({today.isoformat()}): deadlines already running keep their terms",
            TERMS_BASIS,
            code="policy_change_retroactive",
            field="effective_from",
        )
    if command.effective_from <= latest.effective_from:
        raise RuleViolation(
            f"a policy change applies on top of the latest rule set ({latest.version}, effective "
            f"{latest.effective_from.isoformat()}) and must take effect after it",
            TERMS_BASIS,
            code="policy_change_before_latest_version",
            field="effective_from",
        )
    if command.effective_from >= latest.zone_end:
        raise RuleViolation(
            f"the zone ends on {latest.zone_end.isoformat()}; no terms apply after that",
            (*TERMS_BASIS, DECREE_ITEM_1),
            code="policy_change_after_zone_end",
            field="effective_from",
        )
    changed = {
        name
        for name in ZoneTerms.model_fields
        if getattr(command.terms, name) != getattr(latest.terms, name)
    }
    if not changed:
        raise InvalidInput("the terms are unchanged", TERMS_BASIS, code="no_change", field="terms")
    if fixed := sorted(changed & ZoneTerms.FIXED_BY_LAW):
        raise RuleViolation(
            f"{', '.join(fixed)} restate the Law; only a regulation amendment changes them",
            (LAW, *AMENDMENT_BASIS),
            code="law_term_needs_amendment",
            field="terms",
        )
    return RuleSet(
        version=command.version,
        effective_from=command.effective_from,
        source=f"{command.source} (zone terms); otherwise as {latest.version}",
        zone_end=latest.zone_end,
        allowed_oked_divisions=latest.allowed_oked_divisions,
        excluded_oked_divisions=latest.excluded_oked_divisions,
        construction_divisions=latest.construction_divisions,
        excisable_production_banned=latest.excisable_production_banned,
        off_territory_ict_until=latest.off_territory_ict_until,
        off_territory_ict_divisions=latest.off_territory_ict_divisions,
        terms=command.terms,
        amends=tuple(f"zone terms: {name}" for name in sorted(changed)),
        assumptions=latest.assumptions,
    )
