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

The stream also follows the zone's annual report to the authorized body [Reg. §9.4]
(:mod:`domain.zone_report`): staff record each year's report as submitted, and every reminder
the system sent them about it is recorded too.
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
from domain.zone_report import (
    REMINDER_BASIS,
    REPORT_BASIS,
    ReminderKind,
    ZoneReportPolicy,
    ZoneReportReminder,
    first_reported_year,
    last_reported_year,
    next_reminder,
    reminders_of,
)

PIT_CODE = "pit"
ZoneCode = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,30}$")]
Text = Annotated[PlainText, Field(min_length=1, max_length=1000)]
Reference = Annotated[PlainText, Field(min_length=1, max_length=200)]
ReportYear = Annotated[int, Field(ge=2003, le=2200)]
Hectares = Annotated[
    Decimal, Field(gt=Decimal(0), lt=Decimal(10) ** 9, decimal_places=4, allow_inf_nan=False)
]

ESTABLISHMENT_BASIS = (DECREE_ITEM_1, DECREE_ITEM_5, REG_1, REG_8)
AMENDMENT_BASIS = (REG_15,)
TERMS_BASIS = (policy("zone_terms"),)
INDICATOR_BASIS = (DECREE_ANNEX,)
ADMIN_ONLY = policy("zone_configured_by_admin")
STAFF_ONLY = policy("zone_report_recorded_by_staff")
SYSTEM_ONLY = policy("zone_reminders_by_system")
STAFF_ROLES = frozenset({Role.REVIEWER, Role.APPROVER, Role.ADMIN})


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


class ZoneReportSubmitted(DomainEvent):
    """The zone's report on ``year`` went to the authorized body [Reg. §9.4]; staff recorded it."""

    type: Literal["zone_report_submitted"] = "zone_report_submitted"
    schema_version: Literal[1] = 1
    year: ReportYear
    reference: Reference
    submitted_on: date
    due_on: date


class ZoneReminderSent(DomainEvent):
    """The system reminded staff of the zone's report on ``year``: ``before`` its due date, or
    ``overdue`` (the escalation). ``reminder_id`` is the same whenever it is computed."""

    type: Literal["zone_reminder_sent"] = "zone_reminder_sent"
    schema_version: Literal[1] = 1
    reminder_id: str = Field(min_length=1, max_length=100)
    deadline: Literal["zone_report"] = "zone_report"
    year: ReportYear
    kind: ReminderKind
    due_on: date
    recipient: Literal["staff"] = "staff"


ZoneEvent = Annotated[
    ZoneEstablished | RuleSetAdopted | IndicatorLevelSet | ZoneReportSubmitted | ZoneReminderSent,
    Field(discriminator="type"),
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


class RecordZoneReportSubmitted(_Command):
    """Staff record that the zone's report on ``year`` went to the authorized body
    [Reg. §9.4], with its outgoing reference: its reminders stop."""

    type: Literal["record_zone_report_submitted"] = "record_zone_report_submitted"
    year: ReportYear
    reference: Reference
    submitted_on: date


class RecordZoneReminderSent(_Command):
    """The system records a reminder of the zone's report it sent to staff."""

    type: Literal["record_zone_reminder_sent"] = "record_zone_reminder_sent"
    reminder: ZoneReportReminder


ZoneCommand = Annotated[
    EstablishZone
    | AdoptRegulationAmendment
    | ChangeZoneTerms
    | SetIndicatorLevel
    | RecordZoneReportSubmitted
    | RecordZoneReminderSent,
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


class ZoneReportRecord(BaseModel):
    """The zone's report on one year, as staff recorded it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    year: int
    reference: str
    submitted_on: date


class ZoneState(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    established: bool = False
    code: str | None = None
    rule_book: RuleBook | None = None
    # One level per (indicator, year), sorted by indicator then year.
    indicator_levels: tuple[IndicatorLevel, ...] = ()
    last_event_at: AwareDatetime | None = None
    # The Almaty day the zone's stream began: reports due before it were made outside pit.
    established_on: date | None = None
    # Our policy for the zone's own annual report [Reg. §9.4]; no event changes it yet.
    report_policy: ZoneReportPolicy = Field(default_factory=ZoneReportPolicy)
    zone_reports: tuple[ZoneReportRecord, ...] = ()  # sorted by year
    reminders_sent: tuple[str, ...] = ()  # reminder ids, sorted

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

    def zone_report(self, year: int) -> ZoneReportRecord | None:
        """The zone's report on ``year``, if staff recorded it."""
        for report in self.zone_reports:
            if report.year == year:
                return report
        return None

    def reported_years(self) -> range:
        """The years whose reports the stream follows: from the first due after the stream
        began to the last year of the zone (its end as the latest rule set has it)."""
        if self.established_on is None or self.rule_book is None:
            return range(0)
        first = first_reported_year(self.report_policy, self.established_on)
        return range(first, last_reported_year(self.rule_book.latest.zone_end) + 1)

    def next_report_reminder(
        self, today: date, *, skip: frozenset[str] = frozenset()
    ) -> ZoneReportReminder | None:
        """The next reminder of the zone's report to send to staff (see
        :func:`domain.zone_report.next_reminder`), leaving out the ids in ``skip``."""
        if self.established_on is None:
            return None
        return next_reminder(
            self.report_policy,
            years=self.reported_years(),
            reported=frozenset(r.year for r in self.zone_reports),
            sent=frozenset(self.reminders_sent) | skip,
            not_before=self.established_on,
            today=today,
        )


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
            established_on=almaty_date(event.occurred_at),
        )
    if isinstance(event, RuleSetAdopted):
        return state.model_copy(
            update={
                "rule_book": _book(state).with_version(event.rule_set),
                "last_event_at": event.occurred_at,
            }
        )
    if isinstance(event, ZoneReportSubmitted):
        record = ZoneReportRecord(
            year=event.year, reference=event.reference, submitted_on=event.submitted_on
        )
        reports = [r for r in state.zone_reports if r.year != event.year]
        return state.model_copy(
            update={
                "zone_reports": tuple(sorted([*reports, record], key=lambda r: r.year)),
                "last_event_at": event.occurred_at,
            }
        )
    if isinstance(event, ZoneReminderSent):
        return state.model_copy(
            update={
                "reminders_sent": tuple(sorted({*state.reminders_sent, event.reminder_id})),
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
    if isinstance(command, RecordZoneReportSubmitted):
        return REPORT_BASIS
    if isinstance(command, RecordZoneReminderSent):
        return REMINDER_BASIS
    return INDICATOR_BASIS


def check_zone_actor(command: ZoneCommand, actor: Actor) -> None:
    """Refuse an actor whose role may not send ``command``: an administrator configures the
    zone, staff record its report, and only the system records the reminders it sent.

    Raises:
        NotPermitted: ``zone_admin_only``, ``zone_report_staff_only`` or
            ``zone_reminder_system_only``.
    """
    basis = _command_basis(command)
    role = actor.role
    if isinstance(command, RecordZoneReminderSent):
        if role is not Role.SYSTEM:
            raise NotPermitted(
                f"only pit itself records the reminders it sent, not a {role.value}",
                (*basis, SYSTEM_ONLY),
                code="zone_reminder_system_only",
            )
        return
    if isinstance(command, RecordZoneReportSubmitted):
        if role not in STAFF_ROLES:
            raise NotPermitted(
                f"only the management company's staff record the zone's report, not a {role.value}",
                (*basis, STAFF_ONLY),
                code="zone_report_staff_only",
            )
        return
    if role is not Role.ADMIN:
        raise NotPermitted(
            f"only an administrator configures the zone, not a {role.value}",
            (*basis, ADMIN_ONLY),
            code="zone_admin_only",
        )


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
        NotPermitted: the actor's role may not send the command (:func:`check_zone_actor`).
        InvalidTransition: establishing twice, configuring a zone not yet established, a
            zone report recorded twice, a reminder recorded twice or after its report.
        RuleViolation: an amendment, a policy change or a report year the rules refuse.
        InvalidInput: a naive ``now``; a report submitted in the future or before its year
            ended; a reminder that is not one of the policy's.
    """
    today = almaty_date(now)
    basis = _command_basis(command)
    check_zone_actor(command, actor)
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
    if isinstance(command, RecordZoneReportSubmitted):
        _check_zone_report(command, state, book, today)
        return [
            ZoneReportSubmitted(
                occurred_at=now,
                actor=actor,
                legal_basis=basis,
                rule_set_version=in_force_version,
                year=command.year,
                reference=command.reference,
                submitted_on=command.submitted_on,
                due_on=state.report_policy.due_on(command.year),
            )
        ]
    if isinstance(command, RecordZoneReminderSent):
        reminder = _check_reminder(command.reminder, state)
        return [
            ZoneReminderSent(
                occurred_at=now,
                actor=actor,
                legal_basis=basis,
                rule_set_version=in_force_version,
                reminder_id=reminder.reminder_id,
                year=reminder.year,
                kind=reminder.kind,
                due_on=reminder.due_on,
            )
        ]
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


def _check_zone_report(
    command: RecordZoneReportSubmitted, state: ZoneState, book: RuleBook, today: date
) -> None:
    year = command.year
    first_year = book.versions[0].effective_from.year
    last_year = last_reported_year(book.latest.zone_end)
    if not first_year <= year <= last_year:
        raise RuleViolation(
            f"the zone existed from {first_year} to {last_year}; there is no report on {year}",
            (*REPORT_BASIS, DECREE_ITEM_1),
            code="zone_report_year_outside_zone",
            field="year",
        )
    if command.submitted_on > today:
        raise InvalidInput(
            f"a report submitted on {command.submitted_on.isoformat()} is in the future "
            f"(today is {today.isoformat()})",
            REPORT_BASIS,
            code="zone_report_submitted_in_future",
            field="submitted_on",
        )
    if command.submitted_on.year <= year:
        raise InvalidInput(
            f"the report on {year} cannot have been submitted on "
            f"{command.submitted_on.isoformat()}, before the year ended",
            REPORT_BASIS,
            code="zone_report_before_year_end",
            field="submitted_on",
        )
    recorded = state.zone_report(year)
    if recorded is not None:
        raise InvalidTransition(
            f"the zone's report on {year} is recorded already (reference {recorded.reference}, "
            f"submitted on {recorded.submitted_on.isoformat()})",
            REPORT_BASIS,
            code="zone_report_already_recorded",
            field="year",
        )


def _check_reminder(reminder: ZoneReportReminder, state: ZoneState) -> ZoneReportReminder:
    if reminder not in reminders_of(state.report_policy, reminder.year):
        raise InvalidInput(
            f"{reminder.reminder_id} is not a reminder the zone's report policy sends",
            REMINDER_BASIS,
            code="unknown_zone_reminder",
            field="reminder",
        )
    if state.zone_report(reminder.year) is not None:
        raise InvalidTransition(
            f"the zone's report on {reminder.year} is recorded: no more reminders of it",
            REMINDER_BASIS,
            code="zone_report_already_recorded",
            field="reminder",
        )
    if reminder.reminder_id in state.reminders_sent:
        raise InvalidTransition(
            f"reminder {reminder.reminder_id} was sent already",
            REMINDER_BASIS,
            code="zone_reminder_already_sent",
            field="reminder",
        )
    return reminder
