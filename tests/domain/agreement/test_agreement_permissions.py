"""Who may do what: the roles table, the participant's BIN and four-eyes, for every command."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import get_args

import pytest

from domain.actors import Actor, Role
from domain.agreement import FOUR_EYES, PERMISSIONS, AgreementCommand, allowed_roles
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
    ExpireAgreement,
    IssueBreachNotice,
    LapseAmendment,
    LapseApplication,
    LapseCurePeriod,
    LapseSigning,
    MarkAnnualReportOverdue,
    MarkDecisionOverdue,
    ProposeAmendment,
    ProposeTermination,
    RecommendConclusion,
    RecommendRefusal,
    RecordAuthorityNotified,
    RecordBreachCured,
    RecordRegisterEntry,
    RecordRegisterEntryClosed,
    RecordReminderSent,
    RecordSiteVisit,
    RefuseApplication,
    RejectAmendment,
    RejectGoodsDeclaration,
    RejectTermination,
    RequestChanges,
    RequestTermination,
    ResubmitAnnualReport,
    ResubmitApplication,
    ReturnAnnualReport,
    SignAmendment,
    SignAsParticipant,
    SignForManagementCompany,
    SubmitAnnualReport,
    SubmitApplication,
    TerminateForZoneEnd,
)
from domain.agreement.vocabulary import (
    Authority,
    DeadlineKind,
    RefusalGround,
    TerminationGround,
)
from domain.errors import NotPermitted
from tests.domain.agreement.agreement_scenarios import (
    BIN,
    STRANGER,
    concluded,
    form,
    goods,
    notice,
    obligations,
)

# One instance of every command.
SAMPLES: list[AgreementCommand] = [
    SubmitApplication(agreement_id="agr-1", form=form()),
    RequestChanges(items=("x",)),
    ResubmitApplication(form=form()),
    LapseApplication(),
    RecommendConclusion(note="x"),
    RecommendRefusal(grounds=(RefusalGround.DOCUMENTS,), note="x"),
    MarkDecisionOverdue(),
    ApproveConclusion(agreement_number="n"),
    RefuseApplication(grounds=(RefusalGround.DOCUMENTS,), note="x"),
    SignAsParticipant(),
    SignForManagementCompany(),
    LapseSigning(),
    RecordAuthorityNotified(authority=Authority.TAX_AUTHORITY, reference="r"),
    notice(Authority.TAX_AUTHORITY),
    RecordRegisterEntry(register_number="r", entered_on=date(2026, 4, 2)),
    RecordRegisterEntryClosed(closed_on=date(2026, 4, 2)),
    SubmitAnnualReport(
        report_id="r", year=2026, actuals=obligations(2026), imported_goods_consumed_kzt=Decimal(0)
    ),
    ResubmitAnnualReport(
        report_id="r", actuals=obligations(2026), imported_goods_consumed_kzt=Decimal(0)
    ),
    AcceptAnnualReport(report_id="r"),
    ReturnAnnualReport(report_id="r", reasons=("x",)),
    MarkAnnualReportOverdue(year=2026),
    EscalateOverdueReport(year=2026),
    RecordSiteVisit(visit_id="v", visited_on=date(2026, 4, 2), findings="x", terms_met=True),
    IssueBreachNotice(notice_id="n", description="x"),
    RecordBreachCured(notice_id="n", note="x"),
    LapseCurePeriod(notice_id="n"),
    ProposeAmendment(amendment_id="a", end_date=date(2027, 6, 1), reason="x"),
    ApproveAmendment(amendment_id="a"),
    RejectAmendment(amendment_id="a", reason="x"),
    SignAmendment(amendment_id="a"),
    LapseAmendment(amendment_id="a"),
    ProposeTermination(termination_id="t", ground=TerminationGround.MUTUAL_CONSENT, reason="x"),
    RequestTermination(termination_id="t", reason="x"),
    ConsentToTermination(termination_id="t"),
    ApproveTermination(termination_id="t"),
    RejectTermination(termination_id="t", reason="x"),
    ExpireAgreement(),
    TerminateForZoneEnd(),
    DeclareGoodsConsumption(declaration_id="g", goods=goods()),
    ConfirmGoodsConsumption(declaration_id="g", document_number="d"),
    RejectGoodsDeclaration(declaration_id="g", reasons=("x",)),
    AddAuditAnnotation(annotation_id="n", text="x"),
    RecordReminderSent(deadline_kind=DeadlineKind.REGISTER_ENTRY, related_id="agr-1"),
]

_ACTORS = {
    role: Actor(id=f"someone-{role.value}", role=role, bin=BIN if role is Role.APPLICANT else None)
    for role in Role
}


def _command_types() -> set[str]:
    union = get_args(get_args(AgreementCommand)[0])
    return {cls.model_fields["type"].default for cls in union}


def test_every_command_has_its_roles_and_a_sample() -> None:
    assert set(PERMISSIONS) == _command_types()
    assert {c.type for c in SAMPLES} == _command_types()
    assert all(PERMISSIONS.values())


def test_four_eyes_binds_decisions_amendments_and_termination() -> None:
    assert set(FOUR_EYES) == {
        "ApproveConclusion",
        "RefuseApplication",
        "ApproveAmendment",
        "ApproveTermination",
    }
    assert all(allowed_roles(t) == {Role.APPROVER} for t in FOUR_EYES)


def test_auditor_may_only_annotate_and_the_system_alone_runs_the_timers() -> None:
    auditor = {t for t, roles in PERMISSIONS.items() if Role.AUDITOR in roles}
    assert auditor == {"AddAuditAnnotation"}
    for command_type in (
        "LapseApplication",
        "LapseSigning",
        "MarkAnnualReportOverdue",
        "EscalateOverdueReport",
        "LapseCurePeriod",
        "LapseAmendment",
        "ExpireAgreement",
        "TerminateForZoneEnd",
    ):
        assert allowed_roles(command_type) == {Role.SYSTEM}


@pytest.mark.parametrize("command", SAMPLES, ids=lambda c: c.type)
def test_every_role_not_allowed_is_refused(command: AgreementCommand) -> None:
    story = concluded()
    for role, actor in _ACTORS.items():
        if role in PERMISSIONS[command.type]:
            continue
        error = story.refused(command, by=actor, on=date(2026, 4, 3), error=NotPermitted)
        assert error.code == "role_not_permitted", (command.type, role)
        assert error.legal_basis == ("pit policy: roles",)


@pytest.mark.parametrize(
    "command",
    [c for c in SAMPLES if Role.APPLICANT in PERMISSIONS[c.type]],
    ids=lambda c: c.type,
)
def test_participant_of_another_bin_is_refused_every_command(command: AgreementCommand) -> None:
    story = concluded()

    story.refused(
        command, by=STRANGER, on=date(2026, 4, 3), error=NotPermitted, code="not_own_agreement"
    )


def test_participant_without_a_bin_acts_on_no_agreement() -> None:
    anonymous = Actor(id="anonymous", role=Role.APPLICANT)

    concluded().refused(
        RequestTermination(termination_id="t", reason="x"),
        by=anonymous,
        on=date(2026, 4, 3),
        error=NotPermitted,
        code="not_own_agreement",
    )
