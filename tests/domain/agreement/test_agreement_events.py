"""Every event type round-trips through JSON, with no floats, and the state does too."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, get_args

import pytest

from domain.agreement import AGREEMENT_EVENT, AgreementEvent, AgreementState, refusal_event
from domain.agreement.commands import (
    AcceptAnnualReport,
    AddAuditAnnotation,
    ApproveAmendment,
    ApproveConclusion,
    ApproveTermination,
    ConfirmGoodsConsumption,
    ConsentToTermination,
    DeclareGoodsConsumption,
    EscalateOverdueReport,
    IssueBreachNotice,
    LapseAmendment,
    LapseApplication,
    LapseCurePeriod,
    MarkAnnualReportOverdue,
    MarkDecisionOverdue,
    ProposeAmendment,
    ProposeTermination,
    RecommendRefusal,
    RecordAuthorityNotified,
    RecordBreachCured,
    RecordRegisterEntry,
    RecordRegisterEntryClosed,
    RecordReminderSent,
    RecordSiteVisit,
    RejectAmendment,
    RejectGoodsDeclaration,
    RejectTermination,
    RequestChanges,
    ResubmitAnnualReport,
    ResubmitApplication,
    ReturnAnnualReport,
    SignAmendment,
    SubmitAnnualReport,
)
from domain.agreement.vocabulary import (
    Authority,
    DeadlineKind,
    FreeZoneOperation,
    RefusalGround,
    TerminationGround,
)
from tests.domain.agreement.agreement_scenarios import (
    APPROVER,
    AUDITOR,
    PARTICIPANT,
    REVIEWER,
    SYSTEM,
    form,
    goods,
    in_breach,
    notice,
    notified,
    obligations,
    recommended,
    submitted,
)


def _goods(n: int) -> DeclareGoodsConsumption:
    return DeclareGoodsConsumption(
        declaration_id=f"goods-{n}",
        # Fractional quantities and tiyn: the decimals must survive the round trip.
        goods=goods(
            quantity_imported=Decimal("4.5"),
            value_imported_kzt=Decimal("2500000.50"),
            quantity_consumed=Decimal("4.5"),
            operation=FreeZoneOperation.CONSTRUCTION_AND_PRODUCTION_TECHNOLOGY,
        ),
    )


def _application_tour() -> list[AgreementEvent]:
    lapsed = submitted()
    lapsed.when(MarkDecisionOverdue(), by=SYSTEM, on=date(2026, 3, 27))
    lapsed.when(RequestChanges(items=("budget",)), by=REVIEWER, on=date(2026, 3, 27))
    lapsed.when(LapseApplication(), by=SYSTEM, on=date(2026, 4, 20))
    resubmitted = submitted()
    resubmitted.when(RequestChanges(items=("budget",)), by=REVIEWER, on=date(2026, 3, 17))
    resubmitted.when(
        ResubmitApplication(form=form(oked_code="12.00")), by=PARTICIPANT, on=date(2026, 3, 18)
    )
    refused = submitted()
    refused.when(
        RecommendRefusal(grounds=(RefusalGround.DOCUMENTS,), note="x"),
        by=REVIEWER,
        on=date(2026, 3, 17),
    )
    return [*lapsed.events, *resubmitted.events, *refused.events]


def _agreement_tour() -> list[AgreementEvent]:
    story = notified()
    story.when(
        RecordRegisterEntry(register_number="SEZ-1", entered_on=date(2026, 4, 6)),
        by=REVIEWER,
        on=date(2026, 4, 6),
    )
    story.when(
        RecordReminderSent(deadline_kind=DeadlineKind.ANNUAL_REPORT, related_id="2026"),
        by=SYSTEM,
        on=date(2027, 3, 1),
    )
    story.when(MarkAnnualReportOverdue(year=2026), by=SYSTEM, on=date(2027, 4, 1))
    story.when(EscalateOverdueReport(year=2026), by=SYSTEM, on=date(2027, 5, 1))
    story.when(
        SubmitAnnualReport(
            report_id="r-2026",
            year=2026,
            actuals=obligations(2026, jobs=3),
            imported_goods_consumed_kzt=Decimal("0.01"),
        ),
        by=PARTICIPANT,
        on=date(2027, 5, 2),
    )
    story.when(
        ReturnAnnualReport(report_id="r-2026", reasons=("x",)), by=REVIEWER, on=date(2027, 5, 3)
    )
    story.when(
        ResubmitAnnualReport(
            report_id="r-2026",
            actuals=obligations(2026, jobs=4),
            imported_goods_consumed_kzt=Decimal("0"),
        ),
        by=PARTICIPANT,
        on=date(2027, 5, 4),
    )
    story.when(AcceptAnnualReport(report_id="r-2026"), by=REVIEWER, on=date(2027, 5, 5))
    story.when(
        RecordSiteVisit(visit_id="v-1", visited_on=date(2027, 5, 5), findings="x", terms_met=False),
        by=REVIEWER,
        on=date(2027, 5, 5),
    )
    story.when(
        IssueBreachNotice(notice_id="n-1", description="x"), by=REVIEWER, on=date(2027, 5, 6)
    )
    story.when(RecordBreachCured(notice_id="n-1", note="x"), by=REVIEWER, on=date(2027, 5, 7))
    story.when(_goods(1), by=PARTICIPANT, on=date(2027, 5, 7))
    story.when(_goods(2), by=PARTICIPANT, on=date(2027, 5, 7))
    story.when(
        ConfirmGoodsConsumption(declaration_id="goods-1", document_number="D-1"),
        by=REVIEWER,
        on=date(2027, 5, 8),
    )
    story.when(
        RejectGoodsDeclaration(declaration_id="goods-2", reasons=("x",)),
        by=REVIEWER,
        on=date(2027, 5, 8),
    )
    for n, then in ((1, "approve"), (2, "reject"), (3, "lapse")):
        amendment = f"a-{n}"
        story.when(
            ProposeAmendment(
                amendment_id=amendment, obligations=(obligations(2027, jobs=n),), reason="x"
            ),
            by=REVIEWER,
            on=date(2027, 6, 1),
        )
        if then == "reject":
            story.when(
                RejectAmendment(amendment_id=amendment, reason="x"),
                by=APPROVER,
                on=date(2027, 6, 1),
            )
            continue
        story.when(ApproveAmendment(amendment_id=amendment), by=APPROVER, on=date(2027, 6, 1))
        if then == "lapse":
            story.when(LapseAmendment(amendment_id=amendment), by=SYSTEM, on=date(2027, 7, 1))
        else:
            story.when(SignAmendment(amendment_id=amendment), by=PARTICIPANT, on=date(2027, 6, 2))
    story.when(
        ProposeTermination(
            termination_id="t-1", ground=TerminationGround.MUTUAL_CONSENT, reason="x"
        ),
        by=REVIEWER,
        on=date(2027, 7, 2),
    )
    story.when(
        RejectTermination(termination_id="t-1", reason="x"), by=APPROVER, on=date(2027, 7, 2)
    )
    story.when(
        ProposeTermination(
            termination_id="t-2", ground=TerminationGround.MUTUAL_CONSENT, reason="x"
        ),
        by=REVIEWER,
        on=date(2027, 7, 5),
    )
    story.when(ConsentToTermination(termination_id="t-2"), by=PARTICIPANT, on=date(2027, 7, 5))
    story.when(ApproveTermination(termination_id="t-2"), by=APPROVER, on=date(2027, 7, 6))
    for authority in Authority:
        story.when(notice(authority, "termination"), by=SYSTEM, on=date(2027, 7, 6))
        story.when(
            RecordAuthorityNotified(authority=authority, reference="x"),
            by=SYSTEM,
            on=date(2027, 7, 6),
        )
    story.when(
        RecordRegisterEntryClosed(closed_on=date(2027, 7, 6)), by=REVIEWER, on=date(2027, 7, 6)
    )
    story.when(
        AddAuditAnnotation(annotation_id="note-1", text="x"), by=AUDITOR, on=date(2027, 7, 7)
    )
    breach = in_breach()
    breach.when(LapseCurePeriod(notice_id="notice-1"), by=SYSTEM, on=date(2027, 5, 2))
    return [*story.events, *breach.events, _refused()]


def _refused() -> AgreementEvent:
    story = recommended()
    command = ApproveConclusion(agreement_number="x")
    error = story.refused(command, by=REVIEWER, on=date(2026, 3, 20))
    return refusal_event(command, error, story.context(REVIEWER, date(2026, 3, 20)))


def _event_types() -> set[str]:
    union = get_args(get_args(AgreementEvent)[0])
    return {cls.model_fields["type"].default for cls in union}


SAMPLES = [*_application_tour(), *_agreement_tour()]


def _floats(value: Any) -> list[Any]:
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [f for v in value.values() for f in _floats(v)]
    if isinstance(value, list):
        return [f for v in value for f in _floats(v)]
    return []


def test_the_samples_hold_every_event_type() -> None:
    assert {e.type for e in SAMPLES} == _event_types()


@pytest.mark.parametrize("event", SAMPLES, ids=lambda e: e.type)
def test_event_round_trips_through_json(event: AgreementEvent) -> None:
    dumped = event.model_dump(mode="json")

    assert _floats(dumped) == []
    assert type(event).model_validate(dumped) == event
    assert AGREEMENT_EVENT.validate_python(dumped) == event
    assert AGREEMENT_EVENT.validate_json(event.model_dump_json()) == event
    current = type(event).model_fields["schema_version"].default
    assert (dumped["type"], dumped["schema_version"]) == (event.type, current)


def test_money_and_quantities_are_decimal_strings() -> None:
    declared = next(e for e in SAMPLES if e.type == "GoodsConsumptionDeclared").model_dump(
        mode="json"
    )
    assessed = next(e for e in SAMPLES if e.type == "ObligationsAssessed").model_dump(mode="json")

    assert declared["goods"]["quantity_imported"] == "4.5"
    assert declared["goods"]["value_imported_kzt"] == "2500000.50"
    assert assessed["shortfalls"][0] == {
        "year": 2026,
        "metric": "jobs",
        "planned": "25",
        "actual": "4",
    }


def test_state_round_trips_through_json_for_continue_as_new() -> None:
    story = in_breach()
    state = story.state

    assert AgreementState.model_validate_json(state.model_dump_json()) == state
    assert AgreementState.model_validate(state.model_dump(mode="json")) == state
    assert _floats(state.model_dump(mode="json")) == []
