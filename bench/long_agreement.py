"""A long, realistic agreement stream made by the real decider, for the fold benchmark.

An ICT company applies in March 2026, is reviewed, approved, signs, and is concluded; then the
stream grows the way a busy agreement's does: goods-consumption declarations and their
confirmations, site visits and auditors' annotations, one business day after another.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from domain.actors import Actor, Role
from domain.agreement import AgreementEvent, AgreementState, DecisionContext, decide, fold
from domain.agreement.commands import (
    AddAuditAnnotation,
    ApproveConclusion,
    ConfirmGoodsConsumption,
    DeclareGoodsConsumption,
    RecommendConclusion,
    RecordSiteVisit,
    SignAsParticipant,
    SignForManagementCompany,
    SubmitApplication,
)
from domain.agreement.values import GoodsConsumption
from domain.agreement.vocabulary import FreeZoneOperation, GoodsCategory
from domain.application import ApplicationForm, Contacts, PriorityArea, YearObligations
from domain.calendar import ALMATY
from domain.rules import decree_1166_rulebook

BIN = "940140000385"
PARTICIPANT = Actor(id="alatau-software", role=Role.APPLICANT, bin=BIN)
REVIEWER = Actor(id="reviewer-aigerim", role=Role.REVIEWER)
APPROVER = Actor(id="approver-dana", role=Role.APPROVER)
AUDITOR = Actor(id="auditor-saule", role=Role.AUDITOR)


def _obligations(year: int) -> YearObligations:
    return YearObligations(
        year=year,
        investment_foreign_kzt=Decimal("50000000.00"),
        investment_domestic_kzt=Decimal("150000000.00"),
        production_volume_kzt=Decimal("300000000.00"),
        jobs=25,
        kz_content_bp=6000,
    )


def _form() -> ApplicationForm:
    return ApplicationForm(
        bin=BIN,
        name='LLP "Alatau Software"',
        contacts=Contacts(
            email="office@alatau-software.kz",
            phone="+7 727 000 00 00",
            address="Alatau, Medeu district, Almaty",
            contact_person="A. Seitkali",
        ),
        oked_code="62.01",
        priority_area=PriorityArea.ICT,
        excisable_goods=False,
        project_description="Development of logistics software for the region's carriers.",
        on_territory=True,
        planned_obligations=(_obligations(2026), _obligations(2027)),
        requested_start=date(2026, 4, 1),
        requested_end=date(2028, 1, 1),
    )


def _goods(n: int) -> GoodsConsumption:
    return GoodsConsumption(
        description=f"Server equipment, lot {n}",
        hs_code="847150",
        unit="pcs",
        quantity_imported=Decimal(10),
        value_imported_kzt=Decimal("4500000.00"),
        quantity_consumed=Decimal(8),
        consumption="installed in the data centre of the development office",
        category=GoodsCategory.PRODUCTION,
        operation=FreeZoneOperation.OPERATION_AND_USE,
        excisable=False,
    )


def long_agreement_events(count: int) -> list[AgreementEvent]:
    """At least ``count`` events of one agreement, each decided by the domain, in order."""
    rules = decree_1166_rulebook()
    events: list[AgreementEvent] = []
    state: AgreementState = fold([])
    moment = datetime.combine(date(2026, 3, 16), time(10), tzinfo=ALMATY)

    def act(command: object, actor: Actor, step: timedelta = timedelta(minutes=7)) -> None:
        nonlocal state, moment
        moment += step
        new = decide(command, state, DecisionContext(actor=actor, now=moment, rules=rules))  # type: ignore[arg-type]
        events.extend(new)
        state = fold(new, state)

    act(SubmitApplication(agreement_id="agr-bench", form=_form()), PARTICIPANT)
    act(RecommendConclusion(note="fits the zone"), REVIEWER, timedelta(days=2))
    act(ApproveConclusion(agreement_number="PIT-2026-900"), APPROVER, timedelta(days=2))
    act(SignAsParticipant(), PARTICIPANT, timedelta(days=1))
    act(SignForManagementCompany(), APPROVER, timedelta(days=1))
    n = 0
    while len(events) < count:  # bounded: every pass appends at least one event
        n += 1
        act(DeclareGoodsConsumption(declaration_id=f"decl-{n}", goods=_goods(n)), PARTICIPANT)
        act(ConfirmGoodsConsumption(declaration_id=f"decl-{n}", document_number=f"C-{n}"), REVIEWER)
        act(
            RecordSiteVisit(
                visit_id=f"visit-{n}",
                visited_on=almaty_day(moment),
                findings="equipment in use as declared",
                terms_met=True,
            ),
            REVIEWER,
        )
        act(AddAuditAnnotation(annotation_id=f"note-{n}", text="checked against invoices"), AUDITOR)
    return events[:count]


def almaty_day(moment: datetime) -> date:
    """The Almaty date of an aware instant."""
    return moment.astimezone(ALMATY).date()
