"""The agreement screen over the whole lifecycle: a form for every action a person may take
(each posted form becomes the exact command, or names the field it got wrong), offered only
while the state has the matter it acts on, and the sections that show those matters, the
reminders sent among them (a participant sees its own; staff and auditors see all).

The pure tests build states with the domain's own story builders; the last test takes an
agreement through its life in the console over the real stack.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from uuid import uuid4

import httpx
import pytest
from starlette.requests import Request

from api.console.actions import (
    ACTION_FIELDS,
    OPTION_WORDS,
    REFUSAL_GROUNDS,
    FormProblem,
    command_from_form,
    field_options,
    form_defaults,
    fresh_id,
    matters_of,
    open_actions,
    parse_day,
    reminders_seen_by,
)
from api.console.formatting import almaty_day
from api.console.i18n import Words
from api.console.render import templates
from domain.actors import Role
from domain.agreement import PERMISSIONS, AgreementCommand, Status, allowed_roles
from domain.agreement.commands import (
    AddAuditAnnotation,
    ApproveAmendment,
    ApproveTermination,
    ConfirmGoodsConsumption,
    ConsentToTermination,
    DeclareGoodsConsumption,
    IssueBreachNotice,
    LapseCurePeriod,
    ProposeAmendment,
    ProposeTermination,
    RecordAuthorityNotified,
    RecordBreachCured,
    RecordRegisterEntry,
    RecordRegisterEntryClosed,
    RecordReminderSent,
    RecordSiteVisit,
    RejectAmendment,
    RejectGoodsDeclaration,
    RejectTermination,
    RequestTermination,
    ResubmitAnnualReport,
    ReturnAnnualReport,
    SignAmendment,
)
from domain.agreement.reminders import ReminderPolicy
from domain.agreement.terms import cure_due, register_due
from domain.agreement.vocabulary import (
    Audience,
    Authority,
    DeadlineKind,
    FreeZoneOperation,
    GoodsCategory,
    ReminderStage,
    TerminationGround,
)
from domain.calendar import ALMATY, almaty_date
from domain.rules import decree_1166_rulebook
from projections import open_deadlines_of
from tests.api.conftest import Stack, application
from tests.console.console_client import csrf_of, logged_in
from tests.domain.agreement.agreement_scenarios import (
    ADMIN,
    APPROVER,
    APPROVER_2,
    AUDITOR,
    PARTICIPANT,
    REVIEWER,
    SYSTEM,
    Story,
    concluded,
    goods,
    in_breach,
    notice,
    notified,
    obligations,
    reported_2026,
)
from workflows.agreement import AgreementStart, AgreementWorkflow, workflow_id

NBSP = "\u00a0"

ACTUALS_TYPED = {
    "investment_foreign_kzt": "50 000 000,00",
    "investment_domestic_kzt": "150000000",
    "production_volume_kzt": "300 000 000",
    "jobs": "25",
    "kz_content_bp": "6000",
    "imported_goods_consumed_kzt": "1 200 000,00",
}
GOODS_TYPED = {
    "declaration_id": "goods-1",
    "description": "Rack servers for the development lab",
    "hs_code": "8471500000",
    "unit": "pcs",
    "quantity_imported": "12",
    "value_imported_kzt": "54 000 000,00",
    "quantity_consumed": "10",
    "consumption": "installed in the lab and in operation",
    "category": "production",
    "operation": "operation_and_use",
}


def test_every_action_a_person_may_take_has_a_form_on_the_agreement_screen() -> None:
    by_people = {
        command
        for command, roles in PERMISSIONS.items()
        if roles - {Role.SYSTEM} and command not in ("SubmitApplication", "ResubmitApplication")
    }
    assert by_people == set(ACTION_FIELDS)  # the application has its own form (/apply)
    assert all(allowed_roles(command) - {Role.SYSTEM} for command in ACTION_FIELDS)


# --- each form makes its command ---------------------------------------------------------------

GOOD_FORMS: list[tuple[str, dict[str, str], AgreementCommand]] = [
    (
        "ResubmitAnnualReport",
        {"year": "2026", "report_id": "report-2026", **ACTUALS_TYPED},
        ResubmitAnnualReport(
            report_id="report-2026",
            actuals=obligations(2026),
            imported_goods_consumed_kzt=Decimal("1200000.00"),
        ),
    ),
    (
        "RecordBreachCured",
        {"notice_id": "notice-1", "note": " 25 jobs again, payroll seen "},
        RecordBreachCured(notice_id="notice-1", note="25 jobs again, payroll seen"),
    ),
    (
        "ProposeAmendment",
        {"amendment_id": "amendment-1", "end_date": "2027-12-01", "reason": "project ends early"},
        ProposeAmendment(
            amendment_id="amendment-1", end_date=date(2027, 12, 1), reason="project ends early"
        ),
    ),
    (
        "ProposeAmendment",
        {"amendment_id": "amendment-2", "end_date": "01.12.2027", "reason": "typed as in Almaty"},
        ProposeAmendment(
            amendment_id="amendment-2", end_date=date(2027, 12, 1), reason="typed as in Almaty"
        ),
    ),
    (
        "ApproveAmendment",
        {"amendment_id": "amendment-1"},
        ApproveAmendment(amendment_id="amendment-1"),
    ),
    (
        "RejectAmendment",
        {"amendment_id": "amendment-1", "reason": "no grounds"},
        RejectAmendment(amendment_id="amendment-1", reason="no grounds"),
    ),
    ("SignAmendment", {"amendment_id": "amendment-1"}, SignAmendment(amendment_id="amendment-1")),
    (
        "ProposeTermination",
        {
            "termination_id": "t-1",
            "ground": "mutual_consent",
            "reason": "both agree",
            "reference": "",
        },
        ProposeTermination(
            termination_id="t-1", ground=TerminationGround.MUTUAL_CONSENT, reason="both agree"
        ),
    ),
    (
        "ProposeTermination",
        {
            "termination_id": "t-2",
            "ground": "court_decision",
            "reason": "the court ruled",
            "reference": "Almaty court 2-123/2026",
        },
        ProposeTermination(
            termination_id="t-2",
            ground=TerminationGround.COURT_DECISION,
            reason="the court ruled",
            reference="Almaty court 2-123/2026",
        ),
    ),
    (
        "RequestTermination",
        {"termination_id": "t-3", "reason": "we move abroad"},
        RequestTermination(termination_id="t-3", reason="we move abroad"),
    ),
    ("ConsentToTermination", {"termination_id": "t-1"}, ConsentToTermination(termination_id="t-1")),
    ("ApproveTermination", {"termination_id": "t-1"}, ApproveTermination(termination_id="t-1")),
    (
        "RejectTermination",
        {"termination_id": "t-1", "reason": "not proven"},
        RejectTermination(termination_id="t-1", reason="not proven"),
    ),
    (
        "RecordRegisterEntry",
        {"register_number": "KZ-SEZ-0042", "entered_on": "2026-11-20"},
        RecordRegisterEntry(register_number="KZ-SEZ-0042", entered_on=date(2026, 11, 20)),
    ),
    (
        "RecordRegisterEntryClosed",
        {"closed_on": "21.11.2026"},
        RecordRegisterEntryClosed(closed_on=date(2026, 11, 21)),
    ),
    (
        "RecordAuthorityNotified",
        {"authority": "tax_authority", "reference": "KGD 17-04/512"},
        RecordAuthorityNotified(authority=Authority.TAX_AUTHORITY, reference="KGD 17-04/512"),
    ),
    (
        "RecordSiteVisit",
        {
            "visit_id": "visit-1",
            "visited_on": "2026-11-19",
            "findings": "lab working",
            "terms_met": "on",
        },
        RecordSiteVisit(
            visit_id="visit-1",
            visited_on=date(2026, 11, 19),
            findings="lab working",
            terms_met=True,
        ),
    ),
    (
        "RecordSiteVisit",
        {"visit_id": "visit-2", "visited_on": "2026-11-19", "findings": "nobody on site"},
        RecordSiteVisit(
            visit_id="visit-2",
            visited_on=date(2026, 11, 19),
            findings="nobody on site",
            terms_met=False,
        ),
    ),
    (
        "DeclareGoodsConsumption",
        GOODS_TYPED,
        DeclareGoodsConsumption(declaration_id="goods-1", goods=goods()),
    ),
    (
        "DeclareGoodsConsumption",
        {
            **GOODS_TYPED,
            "quantity_imported": "2,5",
            "quantity_consumed": "2,25",
            "category": "construction",
            "operation": "storage",
            "excisable": "on",
        },
        DeclareGoodsConsumption(
            declaration_id="goods-1",
            goods=goods(
                quantity_imported=Decimal("2.5"),
                quantity_consumed=Decimal("2.25"),
                category=GoodsCategory.CONSTRUCTION,
                operation=FreeZoneOperation.STORAGE,
                excisable=True,
            ),
        ),
    ),
    (
        "ConfirmGoodsConsumption",
        {"declaration_id": "goods-1", "document_number": "PIT-GC-2026-7"},
        ConfirmGoodsConsumption(declaration_id="goods-1", document_number="PIT-GC-2026-7"),
    ),
    (
        "RejectGoodsDeclaration",
        {"declaration_id": "goods-1", "reasons": "no invoice\n\n  HS code wrong  \n"},
        RejectGoodsDeclaration(declaration_id="goods-1", reasons=("no invoice", "HS code wrong")),
    ),
    (
        "AddAuditAnnotation",
        {"annotation_id": "annotation-1", "text": "four-eyes checked", "refers_to_version": ""},
        AddAuditAnnotation(annotation_id="annotation-1", text="four-eyes checked"),
    ),
    (
        "AddAuditAnnotation",
        {"annotation_id": "annotation-2", "text": "see the refusal", "refers_to_version": "5"},
        AddAuditAnnotation(
            annotation_id="annotation-2", text="see the refusal", refers_to_version=5
        ),
    ),
]


@pytest.mark.parametrize(
    ("command_type", "typed", "expected"),
    GOOD_FORMS,
    ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(GOOD_FORMS)],
)
def test_a_filled_form_makes_exactly_its_command(
    command_type: str, typed: dict[str, str], expected: AgreementCommand
) -> None:
    assert command_from_form(command_type, typed, []) == expected


BAD_FORMS: list[tuple[str, dict[str, str], str]] = [
    (
        "ResubmitAnnualReport",
        {"year": "2026", "report_id": "r", **ACTUALS_TYPED, "jobs": "many"},
        "jobs",
    ),
    (
        "ResubmitAnnualReport",
        {"year": "2026", "report_id": "r", **ACTUALS_TYPED, "production_volume_kzt": "lots"},
        "production_volume_kzt",
    ),
    ("RecordBreachCured", {"notice_id": "notice-1", "note": "  "}, "note"),
    (
        "ProposeAmendment",
        {"amendment_id": "a", "end_date": "2027-13-01", "reason": "r"},
        "end_date",
    ),
    ("ProposeAmendment", {"amendment_id": "a", "end_date": "", "reason": "r"}, "end_date"),
    (
        "ProposeAmendment",
        {"amendment_id": "", "end_date": "2027-12-01", "reason": "r"},
        "amendment_id",
    ),
    ("RejectAmendment", {"amendment_id": "a"}, "reason"),
    ("ProposeTermination", {"termination_id": "t", "ground": "boredom", "reason": "r"}, "ground"),
    ("RequestTermination", {"termination_id": "t", "reason": ""}, "reason"),
    ("RejectTermination", {"termination_id": "t"}, "reason"),
    ("RecordRegisterEntry", {"register_number": "R-1", "entered_on": "yesterday"}, "entered_on"),
    ("RecordRegisterEntry", {"register_number": "", "entered_on": "2026-11-20"}, "register_number"),
    ("RecordRegisterEntryClosed", {"closed_on": "31.02.2026"}, "closed_on"),
    ("RecordAuthorityNotified", {"authority": "police", "reference": "x"}, "authority"),
    ("RecordAuthorityNotified", {"authority": "tax_authority", "reference": ""}, "reference"),
    ("RecordSiteVisit", {"visit_id": "v", "visited_on": "", "findings": "f"}, "visited_on"),
    ("DeclareGoodsConsumption", {**GOODS_TYPED, "hs_code": "84x"}, "hs_code"),
    ("DeclareGoodsConsumption", {**GOODS_TYPED, "quantity_imported": "a lot"}, "quantity_imported"),
    ("DeclareGoodsConsumption", {**GOODS_TYPED, "quantity_consumed": "13"}, "quantity_consumed"),
    ("DeclareGoodsConsumption", {**GOODS_TYPED, "value_imported_kzt": "-1"}, "value_imported_kzt"),
    ("DeclareGoodsConsumption", {**GOODS_TYPED, "category": "food"}, "category"),
    ("DeclareGoodsConsumption", {**GOODS_TYPED, "operation": ""}, "operation"),
    ("DeclareGoodsConsumption", {**GOODS_TYPED, "unit": ""}, "unit"),
    (
        "ConfirmGoodsConsumption",
        {"declaration_id": "goods-1", "document_number": ""},
        "document_number",
    ),
    ("RejectGoodsDeclaration", {"declaration_id": "goods-1", "reasons": "\n \n"}, "reasons"),
    (
        "AddAuditAnnotation",
        {"annotation_id": "a", "text": "t", "refers_to_version": "five"},
        "refers_to_version",
    ),
    (
        "AddAuditAnnotation",
        {"annotation_id": "a", "text": "t", "refers_to_version": "0"},
        "refers_to_version",
    ),
    ("AddAuditAnnotation", {"annotation_id": "a", "text": ""}, "text"),
]


@pytest.mark.parametrize(
    ("command_type", "typed", "field"),
    BAD_FORMS,
    ids=[f"{c}-{f}" for c, _, f in BAD_FORMS],
)
def test_a_wrong_form_names_the_field_it_got_wrong(
    command_type: str, typed: dict[str, str], field: str
) -> None:
    with pytest.raises(FormProblem) as wrong:
        command_from_form(command_type, typed, [])
    assert field in [name for name, _ in wrong.value.problems], wrong.value.problems
    # Every field a problem names is an input of the form, so the screen can point at it.
    inputs = {f.name for f in ACTION_FIELDS[command_type]}
    assert {name for name, _ in wrong.value.problems} <= inputs


def test_days_are_read_as_a_date_input_sends_them_or_as_almaty_writes_them() -> None:
    assert parse_day("2026-11-26") == parse_day("26.11.2026") == date(2026, 11, 26)
    for wrong in ("26/11/2026", "20261126", "2026-02-30"):
        with pytest.raises(ValueError, match="2026"):
            parse_day(wrong)


# --- which forms are open now --------------------------------------------------------------------


def opened(role: Role, story: Story) -> set[str]:
    return set(open_actions(role, story.state))


LIFECYCLE_FORMS = set(ACTION_FIELDS) - {
    "RecommendConclusion",
    "RequestChanges",
    "RecommendRefusal",
    "ApproveConclusion",
    "RefuseApplication",
    "SignAsParticipant",
    "SignForManagementCompany",
}


def test_a_concluded_agreement_offers_each_person_what_is_theirs_to_do() -> None:
    story = concluded()
    assert opened(Role.REVIEWER, story) & LIFECYCLE_FORMS == {
        "RecordRegisterEntry",
        "RecordSiteVisit",
        "ProposeAmendment",
        "ProposeTermination",
    }
    assert opened(Role.APPLICANT, story) & LIFECYCLE_FORMS == {
        "SubmitAnnualReport",
        "DeclareGoodsConsumption",
        "RequestTermination",
    }
    assert opened(Role.ADMIN, story) == {"RecordRegisterEntry"}  # no notice issued yet
    assert opened(Role.APPROVER, story) == set()
    assert opened(Role.AUDITOR, story) == {"AddAuditAnnotation"}


def test_an_acknowledgment_is_recorded_only_for_a_notice_issued_and_unacknowledged() -> None:
    story = concluded()
    story.when(notice(Authority.TAX_AUTHORITY), by=SYSTEM, on=date(2026, 4, 2))
    assert "RecordAuthorityNotified" in opened(Role.ADMIN, story)
    assert field_options(story.state)["notices_awaiting"] == ["tax_authority"]
    story.when(
        RecordAuthorityNotified(authority=Authority.TAX_AUTHORITY, reference="KGD-1"),
        by=ADMIN,
        on=date(2026, 4, 3),
    )
    assert "RecordAuthorityNotified" not in opened(Role.ADMIN, story)
    assert field_options(story.state)["notices_awaiting"] == []


def test_a_breach_notice_needs_a_ground_and_its_cure_is_recorded_on_the_open_notice() -> None:
    story = concluded()
    assert "IssueBreachNotice" not in opened(Role.REVIEWER, story)  # nothing grounds one yet
    story.when(
        RecordSiteVisit(
            visit_id="visit-1", visited_on=date(2026, 6, 1), findings="empty lab", terms_met=False
        ),
        by=REVIEWER,
        on=date(2026, 6, 1),
    )
    assert "IssueBreachNotice" in opened(Role.REVIEWER, story)
    breached = in_breach()
    reviewer = opened(Role.REVIEWER, breached)
    assert {"RecordBreachCured", "ProposeAmendment", "ProposeTermination"} <= reviewer
    assert "IssueBreachNotice" not in reviewer
    assert field_options(breached.state)["open_breach_notice"] == ["notice-1"]
    breached.when(
        RecordBreachCured(notice_id="notice-1", note="jobs restored"),
        by=REVIEWER,
        on=date(2027, 3, 20),
    )
    assert "RecordBreachCured" not in opened(Role.REVIEWER, breached)


def test_an_amendment_is_approved_or_rejected_while_proposed_and_signed_once_approved() -> None:
    story = notified()
    story.when(
        ProposeAmendment(amendment_id="amendment-1", end_date=date(2027, 12, 1), reason="r"),
        by=REVIEWER,
        on=date(2026, 10, 1),
    )
    assert {"ApproveAmendment", "RejectAmendment"} <= opened(Role.APPROVER, story)
    assert "ProposeAmendment" not in opened(Role.REVIEWER, story)  # one at a time
    assert "SignAmendment" not in opened(Role.APPLICANT, story)
    assert field_options(story.state)["proposed_amendments"] == ["amendment-1"]
    story.when(ApproveAmendment(amendment_id="amendment-1"), by=APPROVER, on=date(2026, 10, 2))
    assert opened(Role.APPROVER, story) == set()
    assert "SignAmendment" in opened(Role.APPLICANT, story)
    assert field_options(story.state)["approved_amendments"] == ["amendment-1"]
    story.when(SignAmendment(amendment_id="amendment-1"), by=PARTICIPANT, on=date(2026, 10, 5))
    assert "SignAmendment" not in opened(Role.APPLICANT, story)
    assert "ProposeAmendment" in opened(Role.REVIEWER, story)
    assert form_defaults(story.state, date(2026, 10, 5))["amendment_id"] == "amendment-2"


def test_mutual_consent_is_consented_before_approval_and_a_request_is_decided_at_once() -> None:
    story = notified()
    story.when(
        ProposeTermination(
            termination_id="termination-1", ground=TerminationGround.MUTUAL_CONSENT, reason="r"
        ),
        by=REVIEWER,
        on=date(2026, 10, 1),
    )
    participant = opened(Role.APPLICANT, story)
    assert "ConsentToTermination" in participant
    assert "RequestTermination" not in participant  # one termination at a time
    assert opened(Role.APPROVER, story) == {"RejectTermination"}
    assert field_options(story.state)["termination_proposal"] == ["termination-1"]
    story.when(
        ConsentToTermination(termination_id="termination-1"), by=PARTICIPANT, on=date(2026, 10, 2)
    )
    assert "ConsentToTermination" not in opened(Role.APPLICANT, story)
    assert opened(Role.APPROVER, story) == {"ApproveTermination", "RejectTermination"}

    requested = notified()
    requested.when(
        RequestTermination(termination_id="termination-1", reason="we leave"),
        by=PARTICIPANT,
        on=date(2026, 10, 1),
    )
    assert opened(Role.APPROVER, requested) == {"ApproveTermination", "RejectTermination"}
    assert "ConsentToTermination" not in opened(Role.APPLICANT, requested)
    assert "ProposeTermination" not in opened(Role.REVIEWER, requested)


def test_goods_declared_are_confirmed_or_rejected_while_awaiting_the_staffs_answer() -> None:
    story = notified()
    story.when(
        DeclareGoodsConsumption(declaration_id="goods-1", goods=goods()),
        by=PARTICIPANT,
        on=date(2026, 9, 1),
    )
    assert {"ConfirmGoodsConsumption", "RejectGoodsDeclaration"} <= opened(Role.REVIEWER, story)
    assert field_options(story.state)["declared_goods"] == ["goods-1"]
    assert form_defaults(story.state, date(2026, 9, 1))["declaration_id"] == "goods-2"
    story.when(
        ConfirmGoodsConsumption(declaration_id="goods-1", document_number="GC-1"),
        by=REVIEWER,
        on=date(2026, 9, 2),
    )
    assert not {"ConfirmGoodsConsumption", "RejectGoodsDeclaration"} & opened(Role.REVIEWER, story)


def test_a_returned_report_is_resubmitted_for_its_year() -> None:
    story = reported_2026()
    story.when(
        ReturnAnnualReport(report_id="report-2026", reasons=("jobs missing",)),
        by=REVIEWER,
        on=date(2027, 2, 20),
    )
    assert "ResubmitAnnualReport" in opened(Role.APPLICANT, story)
    options = field_options(story.state)
    assert (options["returned_years"], options["returned_reports"]) == (["2026"], ["report-2026"])


def test_after_termination_staff_close_the_register_entry_then_only_annotations_follow() -> None:
    story = notified()
    story.when(
        RecordRegisterEntry(register_number="KZ-1", entered_on=date(2026, 4, 5)),
        by=REVIEWER,
        on=date(2026, 4, 6),
    )
    story.when(
        RequestTermination(termination_id="termination-1", reason="we leave"),
        by=PARTICIPANT,
        on=date(2026, 10, 1),
    )
    story.when(
        ApproveTermination(termination_id="termination-1"), by=APPROVER, on=date(2026, 10, 2)
    )
    closing = story.state
    assert closing.status is Status.CLOSING
    assert opened(Role.REVIEWER, story) == {"RecordRegisterEntryClosed"}
    assert opened(Role.APPLICANT, story) == set()
    for authority in Authority:
        story.when(notice(authority, "termination"), by=SYSTEM, on=date(2026, 10, 2))
        story.when(
            RecordAuthorityNotified(authority=authority, reference=f"ack-{authority.value}"),
            by=ADMIN,
            on=date(2026, 10, 3),
        )
    story.when(
        RecordRegisterEntryClosed(closed_on=date(2026, 10, 5)), by=REVIEWER, on=date(2026, 10, 6)
    )
    final = story.state
    assert final.status is Status.TERMINATED
    for role in (Role.APPLICANT, Role.REVIEWER, Role.APPROVER, Role.ADMIN):
        assert opened(role, story) == set()
    assert opened(Role.AUDITOR, story) == {"AddAuditAnnotation"}


def test_fresh_ids_skip_those_the_agreement_used() -> None:
    story = notified()
    story.when(
        RecordSiteVisit(
            visit_id="visit-1", visited_on=date(2026, 6, 1), findings="ok", terms_met=True
        ),
        by=REVIEWER,
        on=date(2026, 6, 1),
    )
    assert fresh_id(story.state, "visit") == "visit-2"
    defaults = form_defaults(story.state, date(2026, 6, 2))
    assert defaults["visit_id"] == "visit-2"
    assert defaults["visited_on"] == defaults["entered_on"] == "2026-06-02"
    assert defaults["end_date"] == "2028-01-01"
    assert defaults["termination_id"] == "termination-1"
    assert defaults["annotation_id"] == "annotation-1"


# --- the matters the sections show ----------------------------------------------------------------


def lived() -> Story:
    """A story with a matter of every kind: a breach lapsed into a proposed termination (by the
    system, for the notice's issuer), an amendment signed and one rejected, goods confirmed and
    rejected, notices, a site visit, reminders to both audiences and an annotation."""
    story = concluded()
    story.when(notice(Authority.AUTHORIZED_BODY), by=SYSTEM, on=date(2026, 4, 2))
    story.when(
        RecordAuthorityNotified(authority=Authority.AUTHORIZED_BODY, reference="MINT-77"),
        by=ADMIN,
        on=date(2026, 4, 2),
    )
    story.when(
        RecordReminderSent(
            deadline_kind=DeadlineKind.TAX_AUTHORITY_NOTICE,
            related_id=story.state.agreement_id or "",
            audience=Audience.STAFF,
            recipient="staff@sez-pit.localhost",
        ),
        by=SYSTEM,
        on=date(2026, 4, 3),
    )
    story.when(
        RecordAuthorityNotified(authority=Authority.TAX_AUTHORITY, reference="KGD-12"),
        by=ADMIN,
        on=date(2026, 4, 7),
    )
    story.when(
        RecordSiteVisit(
            visit_id="visit-1",
            visited_on=date(2026, 6, 1),
            findings="lab is empty",
            terms_met=False,
        ),
        by=REVIEWER,
        on=date(2026, 6, 1),
    )
    story.when(
        ProposeAmendment(amendment_id="amendment-1", end_date=date(2027, 12, 1), reason="shorter"),
        by=REVIEWER,
        on=date(2026, 6, 2),
    )
    story.when(ApproveAmendment(amendment_id="amendment-1"), by=APPROVER, on=date(2026, 6, 3))
    story.when(SignAmendment(amendment_id="amendment-1"), by=PARTICIPANT, on=date(2026, 6, 4))
    story.when(
        ProposeAmendment(amendment_id="amendment-2", end_date=date(2027, 11, 1), reason="shorter"),
        by=REVIEWER,
        on=date(2026, 6, 5),
    )
    story.when(
        RejectAmendment(amendment_id="amendment-2", reason="once is enough"),
        by=APPROVER_2,
        on=date(2026, 6, 6),
    )
    story.when(
        DeclareGoodsConsumption(declaration_id="goods-1", goods=goods()),
        by=PARTICIPANT,
        on=date(2026, 6, 8),
    )
    story.when(
        ConfirmGoodsConsumption(declaration_id="goods-1", document_number="PIT-GC-1"),
        by=REVIEWER,
        on=date(2026, 6, 9),
    )
    story.when(
        DeclareGoodsConsumption(declaration_id="goods-2", goods=goods(hs_code="8471")),
        by=PARTICIPANT,
        on=date(2026, 6, 8),
    )
    story.when(
        RejectGoodsDeclaration(declaration_id="goods-2", reasons=("no customs declaration",)),
        by=REVIEWER,
        on=date(2026, 6, 9),
    )
    story.when(
        IssueBreachNotice(notice_id="notice-9", description="the lab stands empty"),
        by=REVIEWER,
        on=date(2026, 6, 10),
    )
    story.when(
        RecordReminderSent(
            deadline_kind=DeadlineKind.CURE_PERIOD,
            related_id="notice-9",
            audience=Audience.PARTICIPANT,
        ),
        by=SYSTEM,
        on=date(2026, 8, 2),
    )
    story.when(LapseCurePeriod(notice_id="notice-9"), by=SYSTEM, on=date(2026, 8, 10))
    story.when(
        RecordReminderSent(
            deadline_kind=DeadlineKind.CURE_PERIOD,
            related_id="notice-9",
            stage=ReminderStage.ESCALATION,
            audience=Audience.STAFF,
            recipient="staff@sez-pit.localhost",
            due_on=date(2026, 8, 9),
        ),
        by=SYSTEM,
        on=date(2026, 8, 10),
    )
    story.when(
        AddAuditAnnotation(
            annotation_id="annotation-1", text="cure lapse checked", refers_to_version=3
        ),
        by=AUDITOR,
        on=date(2026, 8, 11),
    )
    return story


def test_the_matters_say_who_did_what_to_each() -> None:
    story = lived()
    matters = matters_of(Role.REVIEWER, story.state, story.events)
    (breach,) = matters.breach_notices
    assert (breach.notice_id, breach.outcome, breach.issued.by) == (
        "notice-9",
        "lapsed",
        REVIEWER.id,
    )
    assert breach.cure_due.on == date(2026, 8, 9)
    assert [v.visit_id for v in matters.site_visits] == ["visit-1"]
    signed, rejected = matters.amendments
    assert signed.status.value == "signed"
    assert signed.approved is not None
    assert signed.approved.by == APPROVER.id
    assert signed.signed is not None
    assert signed.signed.by == PARTICIPANT.id
    assert (signed.end_date, signed.reason) == (date(2027, 12, 1), "shorter")
    assert rejected.rejected is not None
    assert rejected.rejected.by == APPROVER_2.id
    assert rejected.rejection_reason == "once is enough"
    (proposal,) = matters.termination_proposals
    assert proposal.ground is TerminationGround.UNCURED_BREACH
    assert (proposal.proposed_by, proposal.proposed.by) == (REVIEWER.id, SYSTEM.id)
    assert proposal.outcome == "pending"
    confirmed, refused = matters.goods
    assert (confirmed.status.value, confirmed.document_number) == ("confirmed", "PIT-GC-1")
    assert (refused.status.value, refused.reasons) == ("rejected", ("no customs declaration",))
    by_authority = {n.authority: n for n in matters.notices}
    assert by_authority[Authority.AUTHORIZED_BODY].issued is not None
    assert by_authority[Authority.AUTHORIZED_BODY].reference == "MINT-77"
    assert by_authority[Authority.TAX_AUTHORITY].issued is None  # recorded as sent by hand
    assert matters.outstanding_notices == []
    assert [a.annotation_id for a in matters.annotations] == ["annotation-1"]


def test_a_participant_sees_the_reminders_sent_to_it_and_staff_and_auditors_see_all() -> None:
    story = lived()
    everyone = [
        (r.audience, r.deadline_kind, r.stage)
        for r in reminders_seen_by(Role.REVIEWER, story.events)
    ]
    assert everyone == [  # newest first
        (Audience.STAFF, DeadlineKind.CURE_PERIOD, ReminderStage.ESCALATION),
        (Audience.PARTICIPANT, DeadlineKind.CURE_PERIOD, ReminderStage.BEFORE),
        (Audience.STAFF, DeadlineKind.TAX_AUTHORITY_NOTICE, ReminderStage.BEFORE),
    ]
    assert reminders_seen_by(Role.AUDITOR, story.events) == reminders_seen_by(
        Role.ADMIN, story.events
    )
    participant = matters_of(Role.APPLICANT, story.state, story.events)
    assert [r.audience for r in participant.reminders_sent] == [Audience.PARTICIPANT]
    assert participant.reminders_sent[0].recipient == "office@alatau-software.kz"
    assert participant.annotations == []  # the auditor's notes are for staff and auditors


# --- the screen renders them, in both languages --------------------------------------------------


def render(role: Role, story: Story, language: str, **context: Any) -> str:
    """The agreement screen for a person of ``role``, as the console renders it."""
    state = story.state
    today = date(2026, 8, 11)
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/agreements/agr-1",
        "query_string": b"",
        "headers": [],
    }
    viewer = SimpleNamespace(
        role=role.value,
        csrf_token="token",
        user=SimpleNamespace(display_name=f"a {role.value}"),
    )
    values: Mapping[str, Any] = {
        "request": Request(scope),
        "t": Words("ru" if language == "ru" else "en"),
        "lang": language,
        "viewer": viewer,
        "title": "agreement",
        "agreement_id": "agr-1",
        "state": state,
        "now": datetime(2026, 8, 11, 5, tzinfo=UTC),
        "today": today,
        "obligations": state.obligations,
        "deadlines": open_deadlines_of(state),
        "reminders": None,
        "refused": [],
        "matters": matters_of(role, state, story.events),
        "actions": open_actions(role, state),
        "fields": ACTION_FIELDS,
        "grounds": REFUSAL_GROUNDS,
        "options": field_options(state),
        "option_words": OPTION_WORDS,
        "defaults": form_defaults(state, today),
        "typed": {},
        "refusal": None,
        "refused_command": "",
        "problems": [],
        "done": "",
        "may_resubmit": False,
        **context,
    }
    return templates.env.get_template("agreement.html").render(values)


UNKNOWN_WORD = re.compile(r"\[[a-z_]+\]")


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_section_and_form_is_worded_in_both_languages(language: str) -> None:
    story = lived()
    for role in (Role.APPLICANT, Role.REVIEWER, Role.APPROVER, Role.ADMIN, Role.AUDITOR):
        screen = render(role, story, language)
        assert not UNKNOWN_WORD.findall(screen), (role, UNKNOWN_WORD.findall(screen))
        for section in ("breach", "site-visits", "amendments", "termination", "goods", "notices"):
            assert f'id="{section}"' in screen, (role, section)
    reviewer = render(Role.REVIEWER, story, language)
    assert reviewer.count('class="reminder a-staff"') == 2
    assert reviewer.count('class="reminder a-participant"') == 1
    assert "staff@sez-pit.localhost" in reviewer
    assert "cure lapse checked" in reviewer
    participant = render(Role.APPLICANT, story, language)
    assert participant.count('class="reminder a-participant"') == 1
    assert "a-staff" not in participant
    assert "staff@sez-pit.localhost" not in participant
    assert "cure lapse checked" not in participant


def test_a_refused_form_shows_again_what_was_typed_and_points_at_the_wrong_field() -> None:
    story = notified()
    screen = render(
        Role.APPLICANT,
        story,
        "en",
        refused_command="DeclareGoodsConsumption",
        problems=[("hs_code", "String should match pattern '^\\d{4,10}$'")],
        typed={**GOODS_TYPED, "hs_code": "84x", "excisable": "on"},
    )
    assert 'href="#DeclareGoodsConsumption-hs_code"' in screen
    assert "HS code (4–10 digits)" in screen
    form = screen[screen.index('id="form-DeclareGoodsConsumption"') :]
    form = form[: form.index("</form>")]
    assert 'name="hs_code" value="84x"' in form
    assert 'aria-invalid="true"' in form
    assert re.search(r'id="DeclareGoodsConsumption-excisable" name="excisable"\s+checked', form)
    assert ">Rack servers for the development lab</textarea>" in form
    # Other forms keep their own defaults.
    assert 'name="termination_id" value="termination-1"' in screen


# --- a life in the console, over the real stack ----------------------------------------------

PARTICIPANT_LOGIN, REVIEWER_LOGIN = "alatau-software", "reviewer-aigerim"
DANA, YERLAN, ADMIN_LOGIN, AUDITOR_LOGIN = (
    "approver-dana",
    "approver-yerlan",
    "admin-timur",
    "auditor-saule",
)
# The workflow's reminders of the day go out this long after the test starts: time enough to
# open the two matters they remind of (the register entry, a cure period) before they do.
REMINDERS_AFTER = timedelta(seconds=30)
POLLS = 400  # bounded waits on the workflow (notices issued, reminders sent), 0.25 s apart


class Person:
    """One person's console session on one agreement's screen."""

    def __init__(self, client: httpx.AsyncClient, agreement_id: str) -> None:
        self.client = client
        self.path = f"/agreements/{agreement_id}"
        self.token = ""

    async def screen(self) -> str:
        page = await self.client.get(self.path)
        assert page.status_code == 200, page.text[:2000]
        self.token = self.token or csrf_of(page)
        return page.text

    async def post(self, command: str, **fields: str) -> httpx.Response:
        if not self.token:
            await self.screen()
        return await self.client.post(
            f"{self.path}/act/{command}", data={"csrf_token": self.token, **fields}
        )

    async def does(self, command: str, **fields: str) -> str:
        """Take the action through its form (which the screen must offer); the screen after."""
        assert f'id="form-{command}"' in await self.screen(), f"no {command} form"
        done = await self.post(command, **fields)
        assert done.status_code == 303, done.text[:3000]
        assert done.headers["location"] == f"{self.path}?done={command}"
        return await self.screen()

    async def until(self, shown: str) -> str:
        """The screen, once it shows ``shown`` (the workflow acts on its own time)."""
        for _ in range(POLLS):
            text = await self.screen()
            if shown in text:
                return text
            await asyncio.sleep(0.25)  # the workflow's own work: poll it, bounded
        raise AssertionError(f"{shown!r} never showed on {self.path}")


def section(page: str, section_id: str) -> str:
    """One section of the screen, by its id (its text unescaped)."""
    start = page.index(f'id="{section_id}"')
    return html.unescape(page[start : page.index("</section>", start)])


def reminder_rows(page: str) -> list[str]:
    return re.findall(r'<tr class="reminder (a-[a-z]+)">', page)


@asynccontextmanager
async def people(stack: Stack, agreement_id: str) -> AsyncIterator[dict[str, Person]]:
    """Everyone's session, each reading the screen in English."""
    async with (
        logged_in(stack, PARTICIPANT_LOGIN) as participant,
        logged_in(stack, REVIEWER_LOGIN) as reviewer,
        logged_in(stack, DANA) as dana,
        logged_in(stack, YERLAN) as yerlan,
        logged_in(stack, ADMIN_LOGIN) as admin,
        logged_in(stack, AUDITOR_LOGIN) as auditor,
    ):
        clients = {
            "participant": participant,
            "reviewer": reviewer,
            "dana": dana,
            "yerlan": yerlan,
            "admin": admin,
            "auditor": auditor,
        }
        for client in clients.values():
            await client.get("/lang/en")
        yield {name: Person(client, agreement_id) for name, client in clients.items()}


async def reminding_today_of_register_entry_and_cure(stack: Stack, agreement_id: str) -> datetime:
    """Start the agreement's workflow with a reminder policy whose reminders of today fall a
    little after now: the staff's of the register entry (due in 5 days) and the participant's
    of a cure period (60 days) issued today. The application then joins this workflow (the
    API's update-with-start uses a running one). Returns when the reminders are due to go out.

    The days are counted from today in Almaty: a test started less than
    :data:`REMINDERS_AFTER` before midnight there would open its matters a day later than
    planned and wait for reminders that never come (its bounded wait then says so)."""
    now = datetime.now(UTC)
    send_at = (now + REMINDERS_AFTER).astimezone(ALMATY)
    rules = decree_1166_rulebook().in_force(almaty_date(now))
    on = almaty_date(now)
    policy = ReminderPolicy(
        staff_days_before=((register_due(on, rules).on - send_at.date()).days,),
        participant_days_before=((cure_due(on, rules).on - send_at.date()).days,),
        send_at=send_at.time(),
        # At send_at itself: the default spread would issue them up to 100 s later (at a moment
        # the random agreement id decides), past the test's bounded wait in some runs.
        spread=timedelta(0),
    )
    await stack.temporal.client.start_workflow(
        AgreementWorkflow.run,
        AgreementStart(
            agreement_id=agreement_id,
            correspondents=stack.services.correspondents,
            reminder_policy=policy,
        ),
        id=workflow_id(agreement_id),
        task_queue=stack.task_queue,
    )
    return send_at


@pytest.mark.postgres
async def test_an_agreement_lives_its_life_through_the_console_each_person_seeing_their_part(
    stack: Stack,
) -> None:
    agreement_id = uuid4().hex
    reminders_at = await reminding_today_of_register_entry_and_cure(stack, agreement_id)
    await stack.apply(PARTICIPANT_LOGIN, {"agreement_id": agreement_id, "form": application()})
    today = almaty_date(datetime.now(UTC)).isoformat()
    zone_end = decree_1166_rulebook().in_force(date.fromisoformat(today)).zone_end
    async with people(stack, agreement_id) as p:
        participant, reviewer, admin = p["participant"], p["reviewer"], p["admin"]
        dana, yerlan, auditor = p["dana"], p["yerlan"], p["auditor"]

        # Concluded through the forms the screen offers each person.
        await reviewer.does("RecommendConclusion", note="fits the zone")
        await dana.does("ApproveConclusion", agreement_number="PIT-2026-501")
        await participant.does("SignAsParticipant")
        active = await yerlan.does("SignForManagementCompany")
        assert 'id="status">active' in active

        # A site visit finds the terms unmet: a ground for the breach notice.
        screen = await reviewer.screen()
        assert 'name="visited_on" type="date" value="' + today in screen
        assert 'name="visit_id" value="visit-1"' in screen
        await reviewer.does(
            "RecordSiteVisit", visit_id="visit-1", visited_on=today, findings="the lab is empty"
        )
        screen = await reviewer.does(
            "IssueBreachNotice", notice_id="notice-1", description="the lab stands empty"
        )
        assert datetime.now(UTC) < reminders_at, "too slow to open the reminded matters in time"
        breach = section(screen, "breach")
        assert "notice-1" in breach
        assert "cure period running" in breach
        assert "Cure by" in breach
        assert "pit policy" in breach  # the cure period's basis
        assert "the lab is empty" in section(screen, "site-visits")

        # An amendment: proposed, approved by another, signed by the participant.
        amended_end = zone_end - timedelta(days=31)
        await reviewer.does(
            "ProposeAmendment",
            amendment_id="amendment-1",
            end_date=amended_end.isoformat(),
            reason="the project ends a month early",
        )
        await yerlan.does("ApproveAmendment", amendment_id="amendment-1")
        assert "approved, awaiting the participant's signature" in section(
            await participant.screen(), "amendments"
        )
        screen = await participant.does("SignAmendment", amendment_id="amendment-1")
        amendment = section(screen, "amendments")
        assert "signed, in effect" in amendment
        assert "the project ends a month early" in amendment
        assert f"{YERLAN} (approver)" in amendment
        assert f"{PARTICIPANT_LOGIN} (participant)" in amendment
        assert almaty_day(amended_end) in amendment

        # Goods: one declaration confirmed; another, first mistyped, rejected.
        await participant.does("DeclareGoodsConsumption", **GOODS_TYPED)
        await reviewer.does(
            "ConfirmGoodsConsumption", declaration_id="goods-1", document_number="PIT-GC-501"
        )
        mistyped = await participant.post(
            "DeclareGoodsConsumption",
            **{**GOODS_TYPED, "declaration_id": "goods-2", "hs_code": "84x"},
        )
        assert mistyped.status_code == 422
        assert 'href="#DeclareGoodsConsumption-hs_code"' in mistyped.text
        assert 'name="hs_code" value="84x"' in mistyped.text
        await participant.does(
            "DeclareGoodsConsumption", **{**GOODS_TYPED, "declaration_id": "goods-2"}
        )
        screen = await reviewer.does(
            "RejectGoodsDeclaration", declaration_id="goods-2", reasons="no customs declaration"
        )
        declared = section(screen, "goods")
        assert "consumption confirmed" in declared
        assert "PIT-GC-501" in declared
        assert "no customs declaration" in declared
        assert f"54{NBSP}000{NBSP}000,00{NBSP}₸" in declared

        # pit issued its notices of the conclusion; the administrator records their answers.
        notices = section(await admin.until("issued, acknowledgment awaited"), "notices")
        assert "authorized-body@gov.localhost" in notices
        for authority, reference in (("authorized_body", "MINT-1"), ("tax_authority", "KGD-1")):
            await admin.until(f'<option value="{authority}"')
            await admin.does("RecordAuthorityNotified", authority=authority, reference=reference)
        notices = section(await reviewer.screen(), "notices")
        assert "MINT-1" in notices
        assert "KGD-1" in notices
        assert "expected by" in notices  # the register entry, not recorded yet

        # The reminders of the day: staff see both, the participant its own.
        await reviewer.until('class="reminder a-participant"')
        for_staff = await reviewer.until('class="reminder a-staff"')
        sent = section(for_staff, "reminders-sent")
        assert sorted(reminder_rows(sent)) == ["a-participant", "a-staff"]
        assert "staff@sez-pit.localhost" in sent
        assert "office@alatau-software.kz" in sent
        assert "entering the participant in the register" in sent
        assert "curing the breach stated in breach notice No. notice-1" in sent
        for_participant = section(await participant.screen(), "reminders-sent")
        assert reminder_rows(for_participant) == ["a-participant"]
        assert "staff@sez-pit.localhost" not in for_participant
        assert "curing the breach" in for_participant
        assert sorted(reminder_rows(section(await auditor.screen(), "reminders-sent"))) == [
            "a-participant",
            "a-staff",
        ]

        # The register entry and the cure, recorded by staff.
        await reviewer.does("RecordRegisterEntry", register_number="KZ-SEZ-501", entered_on=today)
        screen = await reviewer.does("RecordBreachCured", notice_id="notice-1", note="lab staffed")
        assert 'id="status">active' in screen
        assert "lab staffed" in section(screen, "breach")
        assert "KZ-SEZ-501" in section(screen, "notices")

        # Termination: a request rejected, then one by mutual consent, consented and approved.
        await participant.does("RequestTermination", termination_id="termination-1", reason="move")
        await dana.does("RejectTermination", termination_id="termination-1", reason="not yet")
        await reviewer.does(
            "ProposeTermination",
            termination_id="termination-2",
            ground="mutual_consent",
            reason="both parties agree",
        )
        waiting = section(await participant.screen(), "termination")
        assert "awaiting the participant's consent" in waiting
        await participant.does("ConsentToTermination", termination_id="termination-2")
        screen = await yerlan.does("ApproveTermination", termination_id="termination-2")
        assert 'id="status">closing' in screen
        ended = section(screen, "termination")
        assert "not yet" in ended  # the first, rejected
        assert "mutual consent of the parties" in ended
        assert f"{YERLAN} (approver)" in ended
        assert "Terminated on" in ended

        # After it: the notices of the termination and the register entry closed; then final.
        for authority, reference in (("authorized_body", "MINT-2"), ("tax_authority", "KGD-2")):
            await admin.until(f'<option value="{authority}"')
            await admin.does("RecordAuthorityNotified", authority=authority, reference=reference)
        final = await reviewer.does("RecordRegisterEntryClosed", closed_on=today)
        assert 'id="status">terminated' in final
        assert "MINT-2" in section(final, "notices")
        annotated = await auditor.does(
            "AddAuditAnnotation", annotation_id="annotation-1", text="the life checked"
        )
        assert "the life checked" in section(annotated, "annotations")
        assert 'id="annotations"' not in await participant.screen()
