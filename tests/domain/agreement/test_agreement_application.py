"""Application, screening and review (DOMAIN.md §3.1-3.3)."""

from __future__ import annotations

from datetime import date

from domain.actors import Actor, Role
from domain.agreement import AgreementEvent, Status
from domain.agreement.commands import (
    LapseApplication,
    MarkDecisionOverdue,
    RecommendConclusion,
    RecommendRefusal,
    RequestChanges,
    ResubmitApplication,
    SubmitApplication,
)
from domain.agreement.events import (
    ApplicationLapsed,
    ApplicationRefused,
    ApplicationResubmitted,
    ApplicationSubmitted,
    ChangesRequested,
    DecisionOverdue,
    RefusalRecommended,
    ScreeningPassed,
)
from domain.agreement.vocabulary import LapseReason, RefusalGround
from domain.errors import (
    DeadlinePassed,
    InvalidInput,
    InvalidTransition,
    NotPermitted,
    RuleViolation,
)
from domain.legal_basis import DECREE_ITEM_1, LAW, LAW_ART_1_4, REG_3, REG_6
from tests.domain.agreement.agreement_scenarios import (
    APPROVER,
    BIN,
    BRANCH_BIN,
    OTHER_BIN,
    PARTICIPANT,
    REVIEWER,
    REVIEWER_2,
    RULE_SET_VERSION,
    STRANGER,
    SUBMITTED_ON,
    SYSTEM,
    Story,
    form,
    obligations,
    rules_counting_decision_in_working_days,
    submitted,
    types,
)

RESUBMISSION_DUE = date(2026, 4, 6)  # 10 working days after 18 March 2026, Nauryz skipped


def _submit(**changes: object) -> tuple[Story, list[AgreementEvent]]:
    story = Story()
    events = story.when(
        SubmitApplication(agreement_id="agr-1", form=form(**changes)),
        by=PARTICIPANT,
        on=SUBMITTED_ON,
    )
    return story, list(events)


def _refusal(**changes: object) -> ApplicationRefused:
    story, events = _submit(**changes)
    assert types(events) == ["ApplicationSubmitted", "ApplicationRefused"]
    assert story.state.status is Status.REFUSED
    refusal = events[1]
    assert isinstance(refusal, ApplicationRefused)
    assert refusal.stage == "screening"
    assert refusal.actor == SYSTEM
    return refusal


def _changes_requested() -> Story:
    story = submitted()
    story.when(
        RequestChanges(items=("attach the project's budget",)), by=REVIEWER, on=date(2026, 3, 18)
    )
    return story


def test_application_is_registered_and_screened_the_day_it_is_submitted() -> None:
    story, events = _submit()

    submitted_event, screening = events
    assert isinstance(submitted_event, ApplicationSubmitted)
    assert isinstance(screening, ScreeningPassed)
    assert submitted_event.actor == PARTICIPANT
    assert screening.actor == SYSTEM  # screening is pit's own act
    assert submitted_event.rule_set_version == RULE_SET_VERSION
    assert LAW in submitted_event.legal_basis
    assert {LAW_ART_1_4, REG_3, REG_6, DECREE_ITEM_1} <= set(screening.legal_basis)
    state = story.state
    assert state.status is Status.IN_REVIEW
    assert (state.agreement_id, state.bin, state.version) == ("agr-1", BIN, 2)


def test_soft_findings_of_screening_go_to_the_reviewer() -> None:
    story, events = _submit(on_territory=False)

    screening = events[1]
    assert isinstance(screening, ScreeningPassed)
    assert [f.code for f in screening.findings] == ["off_territory"]
    assert story.state.findings == screening.findings


def test_tobacco_manufacturing_is_refused_under_reg_3() -> None:
    refusal = _refusal(oked_code="12.00")

    assert [r.code for r in refusal.reasons] == ["oked_not_allowed"]
    assert REG_3 in refusal.legal_basis
    assert refusal.reasons[0].field == "oked_code"


def test_excisable_goods_producer_is_refused_under_reg_6() -> None:
    refusal = _refusal(excisable_goods=True)

    assert [r.code for r in refusal.reasons] == ["excisable_goods"]
    assert refusal.legal_basis == (REG_6,)


def test_term_ending_after_zone_end_is_refused_under_decree_item_1() -> None:
    refusal = _refusal(
        requested_end=date(2028, 6, 30),
        planned_obligations=(obligations(2026), obligations(2027), obligations(2028)),
    )

    assert [r.code for r in refusal.reasons] == ["term_beyond_zone_end"]
    assert refusal.legal_basis == (DECREE_ITEM_1,)


def test_branch_office_is_refused_as_not_a_legal_entity_under_law_art_1_4() -> None:
    story = Story()
    branch = Actor(id="branch", role=Role.APPLICANT, bin=BRANCH_BIN)
    events = story.when(
        SubmitApplication(agreement_id="agr-1", form=form(bin=BRANCH_BIN)),
        by=branch,
        on=SUBMITTED_ON,
    )

    refusal = events[1]
    assert isinstance(refusal, ApplicationRefused)
    assert LAW_ART_1_4 in refusal.legal_basis


def test_screening_refuses_with_every_reason_at_once() -> None:
    refusal = _refusal(oked_code="12.00", excisable_goods=True, requested_end=date(2028, 6, 30))

    assert {r.code for r in refusal.reasons} == {
        "oked_not_allowed",
        "excisable_goods",
        "term_beyond_zone_end",
    }
    assert {REG_3, REG_6, DECREE_ITEM_1} <= set(refusal.legal_basis)


def test_application_cannot_be_submitted_twice_to_one_stream() -> None:
    story = submitted()

    story.refused(
        SubmitApplication(agreement_id="agr-1", form=form()),
        by=PARTICIPANT,
        on=SUBMITTED_ON,
        error=InvalidTransition,
    )


def test_applicant_cannot_submit_for_another_bin() -> None:
    story = Story()

    story.refused(
        SubmitApplication(agreement_id="agr-1", form=form()),
        by=STRANGER,
        on=SUBMITTED_ON,
        error=NotPermitted,
        code="not_own_agreement",
    )


def test_staff_cannot_submit_an_application() -> None:
    Story().refused(
        SubmitApplication(agreement_id="agr-1", form=form()),
        by=REVIEWER,
        on=SUBMITTED_ON,
        error=NotPermitted,
        code="role_not_permitted",
    )


def test_decision_deadline_is_ten_calendar_days_from_application() -> None:
    story = submitted()

    due = story.state.decision_due
    assert due is not None
    assert due.on == date(2026, 3, 26)
    assert due.legal_basis == (LAW,)


def test_decision_deadline_counts_working_days_when_the_zone_says_so() -> None:
    story = submitted(rules_counting_decision_in_working_days())

    due = story.state.decision_due
    assert due is not None
    assert due.on == date(2026, 4, 2)  # Nauryz, 21-25 March 2026, is skipped
    assert "pit policy: decision_day_count" in due.legal_basis
    assert story.events[0].rule_set_version == "pit-policy-2026"


def test_reviewer_requests_changes_to_be_resubmitted_in_ten_working_days() -> None:
    story = submitted()

    events = story.when(
        RequestChanges(items=("attach the budget",)), by=REVIEWER, on=date(2026, 3, 18)
    )

    (requested,) = events
    assert isinstance(requested, ChangesRequested)
    assert requested.resubmission_due.on == RESUBMISSION_DUE
    assert requested.resubmission_due.legal_basis == ("pit policy: resubmission_working_days",)
    assert story.state.status is Status.CHANGES_REQUESTED


def test_resubmitted_application_is_screened_again_and_the_decision_term_restarts() -> None:
    story = _changes_requested()

    events = story.when(
        ResubmitApplication(form=form(name='LLP "Alatau Software Group"')),
        by=PARTICIPANT,
        on=date(2026, 3, 27),
    )

    assert types(events) == ["ApplicationResubmitted", "ScreeningPassed"]
    resubmitted = events[0]
    assert isinstance(resubmitted, ApplicationResubmitted)
    assert resubmitted.decision_due.on == date(2026, 4, 6)
    state = story.state
    assert state.status is Status.IN_REVIEW
    assert state.form is not None
    assert state.form.name == 'LLP "Alatau Software Group"'


def test_resubmission_that_fails_screening_is_refused() -> None:
    story = _changes_requested()

    events = story.when(
        ResubmitApplication(form=form(excisable_goods=True)), by=PARTICIPANT, on=date(2026, 3, 27)
    )

    assert types(events) == ["ApplicationResubmitted", "ApplicationRefused"]
    assert story.state.status is Status.REFUSED


def test_resubmission_after_its_deadline_is_refused() -> None:
    story = _changes_requested()

    error = story.refused(
        ResubmitApplication(form=form()),
        by=PARTICIPANT,
        on=date(2026, 4, 7),
        error=DeadlinePassed,
    )
    assert error.legal_basis == ("pit policy: resubmission_working_days",)


def test_resubmission_on_its_last_day_is_in_time() -> None:
    story = _changes_requested()

    story.when(ResubmitApplication(form=form()), by=PARTICIPANT, on=RESUBMISSION_DUE)


def test_resubmission_cannot_change_the_applicants_bin() -> None:
    story = _changes_requested()

    story.refused(
        ResubmitApplication(form=form(bin=OTHER_BIN)),
        by=PARTICIPANT,
        on=date(2026, 3, 27),
        error=InvalidInput,
        code="bin_changed",
    )


def test_unresubmitted_application_lapses_after_ten_working_days() -> None:
    story = _changes_requested()

    events = story.when(LapseApplication(), by=SYSTEM, on=date(2026, 4, 7))

    (lapsed,) = events
    assert isinstance(lapsed, ApplicationLapsed)
    assert lapsed.reason is LapseReason.NOT_RESUBMITTED
    assert story.state.status is Status.LAPSED


def test_application_does_not_lapse_before_its_resubmission_deadline() -> None:
    story = _changes_requested()

    story.refused(
        LapseApplication(),
        by=SYSTEM,
        on=RESUBMISSION_DUE,
        error=RuleViolation,
        code="deadline_not_passed",
    )


def test_only_the_system_lapses_an_application() -> None:
    story = _changes_requested()

    story.refused(LapseApplication(), by=REVIEWER, on=date(2026, 4, 7), error=NotPermitted)


def test_reviewer_recommends_conclusion() -> None:
    story = submitted()

    story.when(RecommendConclusion(note="fits the zone"), by=REVIEWER, on=date(2026, 3, 18))

    state = story.state
    assert state.status is Status.RECOMMENDED
    assert state.recommendation is not None
    assert state.recommendation.kind == "conclusion"
    assert REVIEWER.id in state.reviewers


def test_reviewer_recommends_refusal_on_the_laws_grounds() -> None:
    story = submitted()

    events = story.when(
        RecommendRefusal(grounds=(RefusalGround.DOCUMENTS,), note="no budget"),
        by=REVIEWER,
        on=date(2026, 3, 18),
    )

    (recommended,) = events
    assert isinstance(recommended, RefusalRecommended)
    assert recommended.legal_basis == (LAW,)
    assert story.state.recommendation is not None
    assert story.state.recommendation.grounds == (RefusalGround.DOCUMENTS,)


def test_recommendation_needs_an_application_in_review() -> None:
    story = _changes_requested()

    story.refused(
        RecommendConclusion(note="fits"),
        by=REVIEWER_2,
        on=date(2026, 3, 19),
        error=InvalidTransition,
    )


def test_approver_cannot_review() -> None:
    submitted().refused(
        RecommendConclusion(note="fits"), by=APPROVER, on=date(2026, 3, 18), error=NotPermitted
    )


def test_changes_cannot_be_requested_twice_without_a_resubmission() -> None:
    _changes_requested().refused(
        RequestChanges(items=("more",)),
        by=REVIEWER,
        on=date(2026, 3, 19),
        error=InvalidTransition,
    )


def test_decision_overdue_is_recorded_once_the_deadline_passed() -> None:
    story = submitted()

    events = story.when(MarkDecisionOverdue(), by=SYSTEM, on=date(2026, 3, 27))

    (overdue,) = events
    assert isinstance(overdue, DecisionOverdue)
    assert overdue.decision_due == date(2026, 3, 26)
    assert story.state.decision_overdue
    story.refused(MarkDecisionOverdue(), by=SYSTEM, on=date(2026, 3, 28), code="already_recorded")


def test_decision_is_not_overdue_on_its_last_day() -> None:
    submitted().refused(
        MarkDecisionOverdue(), by=SYSTEM, on=date(2026, 3, 26), code="deadline_not_passed"
    )
