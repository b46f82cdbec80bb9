"""tasks_for(state): the open tasks of an agreement in each status, who may take them and who
may not, derived from states the real decider produced (the domain tests' builders)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from domain.actors import Role
from domain.agreement import PERMISSIONS, DeadlineKind, Status
from domain.agreement.commands import (
    ApproveAmendment,
    ApproveTermination,
    ConsentToTermination,
    DeclareGoodsConsumption,
    LapseApplication,
    MarkAnnualReportOverdue,
    MarkDecisionOverdue,
    ProposeAmendment,
    ProposeTermination,
    RecommendRefusal,
    RecordAuthorityNotified,
    RecordRegisterEntry,
    RecordRegisterEntryClosed,
    RequestChanges,
    ResubmitApplication,
    ReturnAnnualReport,
    SignAsParticipant,
    SubmitAnnualReport,
)
from domain.agreement.vocabulary import Authority, RefusalGround, TerminationGround
from domain.calendar import ALMATY, end_of_day
from projections import TaskKind, open_deadlines_of, summarize, tasks_for
from projections.summary import fold_events
from projections.tasks import SETTLED_BY, Task
from tests.domain.agreement.agreement_scenarios import (
    ADMIN,
    APPROVER,
    APPROVER_2,
    CONCLUDED_ON,
    PARTICIPANT,
    REVIEWER,
    REVIEWER_2,
    SUBMITTED_ON,
    SYSTEM,
    Story,
    approved,
    at,
    concluded,
    form,
    goods,
    in_breach,
    notice,
    notified,
    obligations,
    recommended,
    reported_2026,
    submitted,
    with_shortfall,
)


def kinds(tasks: list[Task]) -> list[TaskKind]:
    return [t.kind for t in tasks]


def only(tasks: list[Task], kind: TaskKind) -> Task:
    (found,) = [t for t in tasks if t.kind is kind]
    return found


def test_nothing_is_open_before_an_application_or_after_a_final_record() -> None:
    assert tasks_for(Story().state) == []
    refused = submitted(oked_code="12.00")  # tobacco: screening refuses at once
    assert refused.state.status is Status.REFUSED
    assert tasks_for(refused.state) == []


def test_an_application_in_review_waits_for_a_reviewer_by_the_decision_day() -> None:
    state = submitted().state
    (task,) = tasks_for(state)
    assert task.kind is TaskKind.REVIEW_APPLICATION
    assert task.roles == {Role.REVIEWER}
    assert task.excluded == frozenset()
    assert task.commands == ("RequestChanges", "RecommendConclusion", "RecommendRefusal")
    assert state.decision_due is not None
    assert task.due_date == state.decision_due.on
    assert task.due_at == end_of_day(state.decision_due.on)
    assert task.legal_basis == state.decision_due.legal_basis


def test_changes_requested_are_the_applicants_to_resubmit() -> None:
    story = submitted()
    story.when(RequestChanges(items=("budget",)), by=REVIEWER, on=date(2026, 3, 17))
    state = story.state
    (task,) = tasks_for(state)
    assert task.kind is TaskKind.RESUBMIT_APPLICATION
    assert task.roles == {Role.APPLICANT}
    assert state.resubmission_due is not None
    assert task.due_date == state.resubmission_due.on


def test_a_recommendation_goes_to_an_approver_who_did_not_review_it() -> None:
    state = recommended().state
    (task,) = tasks_for(state)
    assert task.kind is TaskKind.DECIDE_APPLICATION
    assert task.roles == {Role.APPROVER}
    assert task.excluded == {REVIEWER.id}
    assert task.commands == ("ApproveConclusion", "RefuseApplication")


def test_every_reviewer_of_an_application_is_kept_from_its_decision() -> None:
    story = submitted()
    story.when(RequestChanges(items=("budget",)), by=REVIEWER_2, on=date(2026, 3, 17))
    story.when(ResubmitApplication(form=form()), by=PARTICIPANT, on=date(2026, 3, 18))
    story.when(
        RecommendRefusal(grounds=(RefusalGround.DOCUMENTS,), note="no"),
        by=REVIEWER,
        on=date(2026, 3, 19),
    )
    task = only(tasks_for(story.state), TaskKind.DECIDE_APPLICATION)
    assert task.excluded == {REVIEWER.id, REVIEWER_2.id}


def test_both_parties_sign_and_each_signature_settles_its_own_task() -> None:
    story = approved()
    tasks = tasks_for(story.state)
    assert kinds(tasks) == [TaskKind.SIGN_AS_PARTICIPANT, TaskKind.SIGN_FOR_MANAGEMENT_COMPANY]
    assert only(tasks, TaskKind.SIGN_AS_PARTICIPANT).roles == {Role.APPLICANT}
    assert only(tasks, TaskKind.SIGN_FOR_MANAGEMENT_COMPANY).roles == {Role.APPROVER}
    story.when(SignAsParticipant(), by=PARTICIPANT, on=date(2026, 4, 1))
    assert kinds(tasks_for(story.state)) == [TaskKind.SIGN_FOR_MANAGEMENT_COMPANY]


def staff_kinds(tasks: list[Task]) -> list[TaskKind]:
    return [t.kind for t in tasks if Role.APPLICANT not in t.roles]


def test_a_concluded_agreement_awaits_its_register_entry_and_acknowledged_notices() -> None:
    story = concluded()
    # Notices are the system's to issue: no one's task until one is out.
    assert staff_kinds(tasks_for(story.state)) == [TaskKind.RECORD_REGISTER_ENTRY]
    entry = only(tasks_for(story.state), TaskKind.RECORD_REGISTER_ENTRY)
    assert entry.roles == {Role.REVIEWER, Role.ADMIN}

    story.when(notice(Authority.TAX_AUTHORITY), by=SYSTEM, on=at(CONCLUDED_ON, 15))
    acknowledgment = only(tasks_for(story.state), TaskKind.RECORD_AUTHORITY_ACKNOWLEDGMENT)
    assert acknowledgment.related_id == "tax_authority"
    assert acknowledgment.roles == {Role.ADMIN}  # the system records it too, but is no one
    story.when(
        RecordAuthorityNotified(authority=Authority.TAX_AUTHORITY, reference="in-1"),
        by=ADMIN,
        on=at(CONCLUDED_ON, 16),
    )
    story.when(
        RecordRegisterEntry(register_number="SEZ-1", entered_on=CONCLUDED_ON),
        by=REVIEWER,
        on=CONCLUDED_ON,
    )
    assert staff_kinds(tasks_for(story.state)) == []


def test_an_annual_report_can_be_submitted_once_its_year_is_over() -> None:
    state = notified().state
    reports = [t for t in tasks_for(state) if t.kind is TaskKind.SUBMIT_ANNUAL_REPORT]
    assert [t.related_id for t in reports] == ["2026", "2027"]
    first = reports[0]
    assert first.roles == {Role.APPLICANT}
    assert first.opens_at == datetime(2027, 1, 1, tzinfo=ALMATY)
    assert first.due_date == state.reports[2026].due.on


def test_a_submitted_report_is_reviewed_and_a_returned_one_resubmitted() -> None:
    story = reported_2026()
    review = only(tasks_for(story.state), TaskKind.REVIEW_ANNUAL_REPORT)
    assert review.related_id == "report-2026"
    assert review.roles == {Role.REVIEWER}
    assert review.due_date is None
    story.when(
        ReturnAnnualReport(report_id="report-2026", reasons=("jobs missing",)),
        by=REVIEWER,
        on=date(2027, 2, 20),
    )
    resubmit = only(tasks_for(story.state), TaskKind.RESUBMIT_ANNUAL_REPORT)
    assert resubmit.related_id == "report-2026"
    correction = story.state.reports[2026].correction_due
    assert correction is not None
    assert resubmit.due_date == correction.on


def test_an_open_shortfall_calls_for_a_breach_notice_and_a_breach_for_its_cure() -> None:
    assert TaskKind.CONSIDER_BREACH_NOTICE in kinds(tasks_for(with_shortfall().state))
    state = in_breach().state
    cure = only(tasks_for(state), TaskKind.RECORD_BREACH_CURE)
    assert cure.related_id == "notice-1"
    assert cure.roles == {Role.REVIEWER}
    assert state.breach is not None
    assert cure.due_date == state.breach.cure_due.on
    assert TaskKind.CONSIDER_BREACH_NOTICE not in kinds(tasks_for(state))


def test_an_amendment_is_decided_by_an_approver_other_than_its_proposer_then_signed() -> None:
    story = notified()
    story.when(
        ProposeAmendment(
            amendment_id="am-1",
            obligations=(obligations(2026, jobs=20), obligations(2027)),
            reason="fewer jobs in the first year",
        ),
        by=REVIEWER,
        on=date(2026, 5, 4),
    )
    decide = only(tasks_for(story.state), TaskKind.DECIDE_AMENDMENT)
    assert decide.related_id == "am-1"
    assert decide.roles == {Role.APPROVER}
    assert decide.excluded == {REVIEWER.id}
    story.when(ApproveAmendment(amendment_id="am-1"), by=APPROVER, on=date(2026, 5, 5))
    sign = only(tasks_for(story.state), TaskKind.SIGN_AMENDMENT)
    assert sign.roles == {Role.APPLICANT}
    assert TaskKind.DECIDE_AMENDMENT not in kinds(tasks_for(story.state))


def test_a_termination_by_mutual_consent_waits_for_the_consent_and_another_approver() -> None:
    story = notified()
    story.when(
        ProposeTermination(
            termination_id="t-1", ground=TerminationGround.MUTUAL_CONSENT, reason="both agree"
        ),
        by=REVIEWER_2,
        on=date(2026, 6, 1),
    )
    tasks = tasks_for(story.state)
    decide = only(tasks, TaskKind.DECIDE_TERMINATION)
    assert decide.excluded == {REVIEWER_2.id}
    assert decide.roles == {Role.APPROVER}
    assert only(tasks, TaskKind.CONSENT_TO_TERMINATION).roles == {Role.APPLICANT}
    story.when(ConsentToTermination(termination_id="t-1"), by=PARTICIPANT, on=date(2026, 6, 2))
    assert TaskKind.CONSENT_TO_TERMINATION not in kinds(tasks_for(story.state))


def test_after_termination_the_register_entry_is_closed_then_nothing_is_left() -> None:
    story = notified()
    story.when(
        RecordRegisterEntry(register_number="SEZ-1", entered_on=CONCLUDED_ON),
        by=REVIEWER,
        on=CONCLUDED_ON,
    )
    story.when(
        ProposeTermination(
            termination_id="t-1",
            ground=TerminationGround.LIQUIDATION,
            reason="liquidated",
            reference="court 1",
        ),
        by=REVIEWER,
        on=date(2026, 6, 1),
    )
    story.when(ApproveTermination(termination_id="t-1"), by=APPROVER_2, on=date(2026, 6, 2))
    state = story.state
    assert state.status is Status.CLOSING
    assert kinds(tasks_for(state)) == [TaskKind.RECORD_REGISTER_CLOSURE]
    for authority in Authority:
        story.when(notice(authority, of="termination"), by=SYSTEM, on=at(date(2026, 6, 2), 15))
    assert kinds(tasks_for(story.state)) == [
        TaskKind.RECORD_AUTHORITY_ACKNOWLEDGMENT,
        TaskKind.RECORD_AUTHORITY_ACKNOWLEDGMENT,
        TaskKind.RECORD_REGISTER_CLOSURE,
    ]
    for authority in Authority:
        story.when(
            RecordAuthorityNotified(authority=authority, reference=f"end-{authority.value}"),
            by=ADMIN,
            on=date(2026, 6, 3),
        )
    story.when(
        RecordRegisterEntryClosed(closed_on=date(2026, 6, 3)), by=REVIEWER, on=date(2026, 6, 3)
    )
    assert story.state.status is Status.TERMINATED
    assert tasks_for(story.state) == []
    assert open_deadlines_of(story.state) == []


def test_declared_goods_await_a_reviewers_confirmation() -> None:
    story = notified()
    story.when(
        DeclareGoodsConsumption(declaration_id="d-1", goods=goods()),
        by=PARTICIPANT,
        on=date(2026, 7, 1),
    )
    task = only(tasks_for(story.state), TaskKind.CONFIRM_GOODS)
    assert task.related_id == "d-1"
    assert task.roles == {Role.REVIEWER}


def test_every_task_kind_is_settled_by_commands_someone_may_send() -> None:
    for kind, commands in SETTLED_BY.items():
        assert commands, kind
        assert all(command in PERMISSIONS for command in commands), kind


# --- Open deadlines and the agreement's row --------------------------------------------------


def test_a_decision_recorded_overdue_stays_an_open_deadline_until_it_is_taken() -> None:
    story = submitted()
    due = story.state.decision_due
    assert due is not None
    story.when(MarkDecisionOverdue(), by=SYSTEM, on=end_of_day(due.on))
    assert all(d.kind is not DeadlineKind.DECISION for d in story.state.deadlines)
    (missed,) = [d for d in open_deadlines_of(story.state) if d.kind is DeadlineKind.DECISION]
    assert missed.missed
    assert missed.due_date == due.on
    assert missed.due_at == end_of_day(due.on)
    # The review task keeps its day too: it is overdue, not gone.
    assert only(tasks_for(story.state), TaskKind.REVIEW_APPLICATION).due_date == due.on


def test_a_report_recorded_overdue_stays_open_beside_its_escalation_term() -> None:
    story = notified()
    due = story.state.reports[2026].due
    story.when(MarkAnnualReportOverdue(year=2026), by=SYSTEM, on=end_of_day(due.on))
    found = {(d.kind, d.related_id): d for d in open_deadlines_of(story.state)}
    assert found[(DeadlineKind.ANNUAL_REPORT, "2026")].missed
    assert found[(DeadlineKind.ANNUAL_REPORT, "2026")].due_date == due.on
    assert not found[(DeadlineKind.REPORT_ESCALATION, "2026")].missed
    story.when(
        SubmitAnnualReport(
            report_id="r-2026",
            year=2026,
            actuals=obligations(2026),
            imported_goods_consumed_kzt=Decimal(0),
        ),
        by=PARTICIPANT,
        on=end_of_day(due.on) + timedelta(days=3),
    )
    assert all(d.related_id != "2026" for d in open_deadlines_of(story.state))


def test_the_row_of_an_agreement_names_its_section_number_and_soonest_deadline() -> None:
    story = concluded()
    folded = fold_events(story.events)
    assert folded is not None
    row = summarize("agr-1", folded)
    assert row.status == "active"
    assert row.oked_code == "62.01"
    assert row.oked_section == "J"
    assert row.priority_area == "ict"
    assert row.agreement_number == "PIT-2026-001"
    assert row.number_key == "pit-2026-001"
    assert row.name_key == 'llp "alatau software"'
    assert row.submitted_on == SUBMITTED_ON
    assert row.concluded_on == CONCLUDED_ON
    assert row.opened_at == story.events[0].occurred_at
    assert row.last_event_at == story.events[-1].occurred_at
    assert row.version == len(story.events)
    soonest = open_deadlines_of(story.state)[0]
    assert (row.next_due, row.next_due_at) == (soonest.due_date, soonest.due_at)


def test_a_lapsed_application_has_no_tasks_and_no_deadlines() -> None:
    story = submitted()
    story.when(RequestChanges(items=("budget",)), by=REVIEWER, on=date(2026, 3, 17))
    due = story.state.resubmission_due
    assert due is not None
    story.when(LapseApplication(), by=SYSTEM, on=end_of_day(due.on))
    assert story.state.status is Status.LAPSED
    assert tasks_for(story.state) == []
    assert open_deadlines_of(story.state) == []
