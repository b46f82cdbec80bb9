"""Given/when/then for the agreement decider, with real Almaty dates and the zone's real rules.

``Story`` is the given (the events so far); ``story.when(command, by=..., on=...)`` decides and
appends, returning the new events (the then); ``story.refused(...)`` expects a refusal and
returns the error. Builders take a story to a state through real commands, so every given is
a stream the decider itself could have produced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import pytest

from domain.actors import SYSTEM_ACTOR, Actor, Role
from domain.agreement import (
    AgreementCommand,
    AgreementEvent,
    AgreementState,
    DecisionContext,
    decide,
    fold,
)
from domain.agreement.commands import (
    AcceptAnnualReport,
    ApproveConclusion,
    IssueAuthorityNotice,
    IssueBreachNotice,
    RecommendConclusion,
    RecordAuthorityNotified,
    SignAsParticipant,
    SignForManagementCompany,
    SubmitAnnualReport,
    SubmitApplication,
)
from domain.agreement.values import GoodsConsumption
from domain.agreement.vocabulary import Authority, FreeZoneOperation, GoodsCategory
from domain.application import ApplicationForm, Contacts, PriorityArea, YearObligations
from domain.calendar import ALMATY
from domain.errors import DomainError
from domain.rules import RuleBook, RuleSet, ZoneTerms, decree_1166_rulebook

RULES = decree_1166_rulebook()
RULE_SET_VERSION = "decree-377-2016"  # in force in 2026-2027
ZONE_END = date(2028, 1, 1)

BIN = "940140000385"
OTHER_BIN = "990140004654"
BRANCH_BIN = "940141000380"  # digit 6 = 1: a branch

PARTICIPANT = Actor(id="alatau-software", role=Role.APPLICANT, bin=BIN)
STRANGER = Actor(id="other-company", role=Role.APPLICANT, bin=OTHER_BIN)
REVIEWER = Actor(id="reviewer-aigerim", role=Role.REVIEWER)
REVIEWER_2 = Actor(id="reviewer-nurlan", role=Role.REVIEWER)
APPROVER = Actor(id="approver-dana", role=Role.APPROVER)
APPROVER_2 = Actor(id="approver-yerlan", role=Role.APPROVER)
AUDITOR = Actor(id="auditor-saule", role=Role.AUDITOR)
ADMIN = Actor(id="admin-timur", role=Role.ADMIN)
SYSTEM = SYSTEM_ACTOR

# The main timeline (Almaty dates; Nauryz falls on 21-25 March 2026).
SUBMITTED_ON = date(2026, 3, 16)  # a Monday
APPROVED_ON = date(2026, 3, 31)
CONCLUDED_ON = date(2026, 4, 2)


def at(day: date, hour: int = 10) -> datetime:
    """An aware instant on an Almaty day."""
    return datetime.combine(day, time(hour), tzinfo=ALMATY)


def obligations(year: int, **changes: Any) -> YearObligations:
    """One year's obligations (or actuals) of a small software company."""
    fields: dict[str, Any] = {
        "year": year,
        "investment_foreign_kzt": Decimal("50000000.00"),
        "investment_domestic_kzt": Decimal("150000000.00"),
        "production_volume_kzt": Decimal("300000000.00"),
        "jobs": 25,
        "kz_content_bp": 6000,
    }
    fields.update(changes)
    return YearObligations(**fields)


def goods(**changes: Any) -> GoodsConsumption:
    """A declaration's goods: servers imported under the free customs zone regime, unless
    changed."""
    fields: dict[str, Any] = {
        "description": "Rack servers for the development lab",
        "hs_code": "8471500000",
        "unit": "pcs",
        "quantity_imported": Decimal("12"),
        "value_imported_kzt": Decimal("54000000.00"),
        "quantity_consumed": Decimal("10"),
        "consumption": "installed in the lab and in operation",
        "category": GoodsCategory.PRODUCTION,
        "operation": FreeZoneOperation.OPERATION_AND_USE,
        "excisable": False,
    }
    fields.update(changes)
    return GoodsConsumption(**fields)


def form(**changes: Any) -> ApplicationForm:
    """An application that passes screening in 2026, unless changed."""
    fields: dict[str, Any] = {
        "bin": BIN,
        "name": 'LLP "Alatau Software"',
        "contacts": Contacts(
            email="office@alatau-software.kz",
            phone="+7 727 000 00 00",
            address="Alatau, Medeu district, Almaty",
            contact_person="A. Seitkali",
        ),
        "oked_code": "62.01",
        "priority_area": PriorityArea.ICT,
        "excisable_goods": False,
        "project_description": "Development of logistics software for the region's carriers.",
        "on_territory": True,
        "planned_obligations": (obligations(2026), obligations(2027)),
        "requested_start": date(2026, 4, 1),
        "requested_end": ZONE_END,
    }
    fields.update(changes)
    return ApplicationForm(**fields)


def rules_from(on: date, version: str, **changes: Any) -> RuleBook:
    """The zone's rule book with one more version from ``on``: the one in force, changed."""
    current = RULES.in_force(on)
    amended = RuleSet.model_validate(
        {**current.model_dump(), "version": version, "effective_from": on, **changes}
    )
    return RULES.with_version(amended)


def rules_counting_decision_in_working_days() -> RuleBook:
    """The rules, with the decision term counted in working days from 1 January 2026."""
    return rules_from(
        date(2026, 1, 1),
        "pit-policy-2026",
        terms=ZoneTerms(decision_day_count="working").model_dump(),
    )


def rules_extending_zone_to(zone_end: date, from_day: date = date(2027, 6, 1)) -> RuleBook:
    """The rules, with a (hypothetical) decree extending the zone from ``from_day``."""
    return rules_from(from_day, "zone-extended", zone_end=zone_end, source="a hypothetical decree")


@dataclass
class Story:
    """The events of one agreement's stream so far, and the rules its decisions use."""

    events: list[AgreementEvent] = field(default_factory=list)
    rules: RuleBook = RULES

    @property
    def state(self) -> AgreementState:
        """The state folded from the events."""
        return fold(self.events)

    def when(
        self, command: AgreementCommand, *, by: Actor, on: date | datetime
    ) -> list[AgreementEvent]:
        """Decide the command and append its events; return them."""
        new = decide(command, self.state, self.context(by, on))
        self.events.extend(new)
        return new

    def refused(
        self,
        command: AgreementCommand,
        *,
        by: Actor,
        on: date | datetime,
        error: type[DomainError] = DomainError,
        code: str | None = None,
    ) -> DomainError:
        """Expect a refusal of the given type (and code); nothing is appended."""
        with pytest.raises(error) as caught:
            decide(command, self.state, self.context(by, on))
        if code is not None:
            assert caught.value.code == code, caught.value
        return caught.value

    def context(self, actor: Actor, on: date | datetime) -> DecisionContext:
        """The decision context of an actor at a time (10:00 Almaty on a bare date)."""
        now = on if isinstance(on, datetime) else at(on)
        return DecisionContext(actor=actor, now=now, rules=self.rules)

    def copy(self) -> Story:
        """A story with the same events, to branch from."""
        return Story(events=list(self.events), rules=self.rules)


def notice(authority: Authority, of: str = "conclusion") -> IssueAuthorityNotice:
    """The system's notice to an authority, as the workflow generates it."""
    return IssueAuthorityNotice(
        authority=authority,
        notice_id=f"notice:{authority.value}:{of}",
        recipient=f"{authority.value.replace('_', '-')}@gov.localhost",
        subject=f"Notice of the {of} of agreement PIT-2026-001",
        document=f"Notice of the {of} of agreement PIT-2026-001 with TOO Alatau Software.",
    )


def types(events: list[AgreementEvent]) -> list[str]:
    """The types of events, in order."""
    return [e.type for e in events]


# --- Builders: a story in a given state, through real commands -------------------------------


def submitted(rules: RuleBook = RULES, **changes: Any) -> Story:
    """Submitted and screened on 16 March 2026: in review."""
    story = Story(rules=rules)
    story.when(
        SubmitApplication(agreement_id="agr-1", form=form(**changes)),
        by=PARTICIPANT,
        on=SUBMITTED_ON,
    )
    return story


def recommended(rules: RuleBook = RULES) -> Story:
    """Recommended for conclusion by REVIEWER on 18 March 2026."""
    story = submitted(rules)
    story.when(
        RecommendConclusion(note="the project fits the zone"), by=REVIEWER, on=date(2026, 3, 18)
    )
    return story


def approved(rules: RuleBook = RULES) -> Story:
    """Approved by APPROVER on 31 March 2026: awaiting signatures."""
    story = recommended(rules)
    story.when(ApproveConclusion(agreement_number="PIT-2026-001"), by=APPROVER, on=APPROVED_ON)
    return story


def concluded(rules: RuleBook = RULES) -> Story:
    """Signed by both parties, concluded on 2 April 2026, in force until 1 January 2028."""
    story = approved(rules)
    story.when(SignAsParticipant(), by=PARTICIPANT, on=date(2026, 4, 1))
    story.when(SignForManagementCompany(), by=APPROVER, on=CONCLUDED_ON)
    return story


def notified(rules: RuleBook = RULES) -> Story:
    """Concluded, and both authorities notified of it."""
    story = concluded(rules)
    for authority in Authority:
        story.when(
            RecordAuthorityNotified(authority=authority, reference=f"out-{authority.value}"),
            by=SYSTEM,
            on=CONCLUDED_ON,
        )
    return story


def reported_2026(rules: RuleBook = RULES, **actuals: Any) -> Story:
    """Concluded, and the report on 2026 submitted on 15 February 2027."""
    story = notified(rules)
    story.when(
        SubmitAnnualReport(
            report_id="report-2026",
            year=2026,
            actuals=obligations(2026, **actuals),
            imported_goods_consumed_kzt=Decimal("1200000.00"),
        ),
        by=PARTICIPANT,
        on=date(2027, 2, 15),
    )
    return story


def with_shortfall(rules: RuleBook = RULES) -> Story:
    """The report on 2026 accepted on 1 March 2027 with 10 jobs of the 25 promised."""
    story = reported_2026(rules, jobs=10)
    story.when(AcceptAnnualReport(report_id="report-2026"), by=REVIEWER, on=date(2027, 3, 1))
    return story


def in_breach(rules: RuleBook = RULES) -> Story:
    """A breach notice issued by REVIEWER on 2 March 2027 for the jobs shortfall."""
    story = with_shortfall(rules)
    story.when(
        IssueBreachNotice(notice_id="notice-1", description="jobs far below the obligation"),
        by=REVIEWER,
        on=date(2027, 3, 2),
    )
    return story
