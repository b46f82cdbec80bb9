"""Decision under four-eyes, signing and conclusion (DOMAIN.md §3.4-3.5)."""

from __future__ import annotations

from datetime import date

from domain.actors import Actor, Role
from domain.agreement import Status
from domain.agreement.commands import (
    ApproveConclusion,
    LapseSigning,
    MarkDecisionOverdue,
    RecommendConclusion,
    RefuseApplication,
    RequestChanges,
    ResubmitApplication,
    SignAsParticipant,
    SignForManagementCompany,
    TerminateForZoneEnd,
)
from domain.agreement.events import (
    AgreementConcluded,
    ApplicationLapsed,
    ApplicationRefused,
    ConclusionApproved,
)
from domain.agreement.vocabulary import Authority, LapseReason, RefusalGround
from domain.errors import (
    DeadlinePassed,
    InvalidInput,
    InvalidTransition,
    NotPermitted,
    RuleViolation,
)
from domain.legal_basis import DECREE_ITEM_1, LAW, REG_9_3
from tests.domain.agreement.agreement_scenarios import (
    APPROVED_ON,
    APPROVER,
    APPROVER_2,
    CONCLUDED_ON,
    PARTICIPANT,
    REVIEWER,
    REVIEWER_2,
    STRANGER,
    SYSTEM,
    ZONE_END,
    approved,
    concluded,
    form,
    obligations,
    recommended,
    rules_from,
    submitted,
    types,
)

SIGNING_DUE = date(2026, 4, 14)  # 10 working days after 31 March 2026


def test_approver_concludes_on_the_terms_of_the_application() -> None:
    story = recommended()

    events = story.when(
        ApproveConclusion(agreement_number="PIT-2026-001"), by=APPROVER, on=APPROVED_ON
    )

    (decision,) = events
    assert isinstance(decision, ConclusionApproved)
    assert (decision.start_date, decision.end_date) == (date(2026, 4, 1), ZONE_END)
    assert [o.year for o in decision.obligations] == [2026, 2027]
    assert decision.signing_due.on == SIGNING_DUE
    assert decision.signing_due.legal_basis == ("pit policy: signing_working_days",)
    assert {REG_9_3, LAW, DECREE_ITEM_1} <= set(decision.legal_basis)
    assert story.state.status is Status.AWAITING_SIGNATURES


def test_approver_who_reviewed_cannot_decide_under_four_eyes() -> None:
    story = recommended()
    reviewer_as_approver = Actor(id=REVIEWER.id, role=Role.APPROVER)

    error = story.refused(
        ApproveConclusion(agreement_number="PIT-2026-001"),
        by=reviewer_as_approver,
        on=APPROVED_ON,
        error=NotPermitted,
        code="four_eyes",
    )
    assert error.legal_basis == ("pit policy: four-eyes",)


def test_approver_who_requested_changes_cannot_refuse_under_four_eyes() -> None:
    story = submitted()
    story.when(RequestChanges(items=("budget",)), by=REVIEWER, on=date(2026, 3, 17))
    story.when(ResubmitApplication(form=form()), by=PARTICIPANT, on=date(2026, 3, 19))
    story.when(RecommendConclusion(note="fits the zone"), by=REVIEWER_2, on=date(2026, 3, 20))

    story.refused(
        RefuseApplication(grounds=(RefusalGround.DOCUMENTS,), note="no budget"),
        by=Actor(id=REVIEWER.id, role=Role.APPROVER),
        on=date(2026, 3, 23),
        error=NotPermitted,
        code="four_eyes",
    )


def test_reviewer_cannot_decide() -> None:
    recommended().refused(
        ApproveConclusion(agreement_number="PIT-2026-001"),
        by=REVIEWER_2,
        on=APPROVED_ON,
        error=NotPermitted,
        code="role_not_permitted",
    )


def test_decision_needs_a_reviewers_recommendation() -> None:
    submitted().refused(
        ApproveConclusion(agreement_number="PIT-2026-001"),
        by=APPROVER,
        on=date(2026, 3, 18),
        error=InvalidTransition,
    )


def test_decision_after_ten_days_is_taken_and_recorded_as_late() -> None:
    on_time = recommended().when(
        ApproveConclusion(agreement_number="PIT-2026-001"), by=APPROVER, on=date(2026, 3, 26)
    )[0]
    late = recommended().when(
        ApproveConclusion(agreement_number="PIT-2026-001"), by=APPROVER, on=date(2026, 3, 27)
    )[0]

    assert isinstance(on_time, ConclusionApproved)
    assert isinstance(late, ConclusionApproved)
    assert (on_time.late, late.late) == (False, True)
    assert late.decision_due == date(2026, 3, 26)


def test_approver_refuses_on_the_laws_grounds_and_the_refusal_is_final() -> None:
    story = recommended()

    events = story.when(
        RefuseApplication(
            grounds=(RefusalGround.SELECTION_CRITERIA, RefusalGround.DOCUMENTS),
            note="no market study",
        ),
        by=APPROVER,
        on=APPROVED_ON,
    )

    (refusal,) = events
    assert isinstance(refusal, ApplicationRefused)
    assert refusal.stage == "decision"
    assert [r.code for r in refusal.reasons] == ["selection_criteria", "documents"]
    assert refusal.late  # 31 March is after the 26 March deadline
    assert story.state.status is Status.REFUSED
    assert story.state.is_terminal


def test_approved_end_after_zone_end_is_refused_under_decree_item_1() -> None:
    error = recommended().refused(
        ApproveConclusion(agreement_number="PIT-2026-001", end_date=date(2029, 1, 1)),
        by=APPROVER,
        on=APPROVED_ON,
        error=RuleViolation,
        code="term_beyond_zone_end",
    )
    assert error.legal_basis == (DECREE_ITEM_1,)
    assert error.field == "end_date"


def test_approved_obligations_outside_the_term_are_refused() -> None:
    recommended().refused(
        ApproveConclusion(
            agreement_number="PIT-2026-001",
            end_date=date(2027, 1, 1),
            obligations=(obligations(2026), obligations(2028)),
        ),
        by=APPROVER,
        on=APPROVED_ON,
        error=InvalidInput,
        code="obligation_years",
    )


def test_approved_obligations_name_each_year_once() -> None:
    recommended().refused(
        ApproveConclusion(
            agreement_number="PIT-2026-001", obligations=(obligations(2026), obligations(2026))
        ),
        by=APPROVER,
        on=APPROVED_ON,
        error=InvalidInput,
        code="obligation_years",
    )


def test_approver_may_set_a_shorter_term() -> None:
    story = recommended()

    story.when(
        ApproveConclusion(
            agreement_number="PIT-2026-001",
            start_date=date(2026, 5, 1),
            end_date=date(2027, 5, 1),
            obligations=(obligations(2026), obligations(2027)),
        ),
        by=APPROVER,
        on=APPROVED_ON,
    )

    terms = story.state.approved
    assert terms is not None
    assert (terms.start_date, terms.end_date) == (date(2026, 5, 1), date(2027, 5, 1))


def test_agreement_is_concluded_once_both_parties_have_signed_in_either_order() -> None:
    participant_first = approved()
    assert types(
        participant_first.when(SignAsParticipant(), by=PARTICIPANT, on=date(2026, 4, 1))
    ) == ["SignedByParticipant"]
    assert types(
        participant_first.when(SignForManagementCompany(), by=APPROVER_2, on=CONCLUDED_ON)
    ) == ["SignedByManagementCompany", "AgreementConcluded"]

    company_first = approved()
    company_first.when(SignForManagementCompany(), by=APPROVER, on=date(2026, 4, 1))
    assert types(company_first.when(SignAsParticipant(), by=PARTICIPANT, on=CONCLUDED_ON)) == [
        "SignedByParticipant",
        "AgreementConcluded",
    ]
    assert participant_first.state.status is company_first.state.status is Status.ACTIVE


def test_conclusion_sets_number_term_obligations_and_the_reports_due() -> None:
    story = concluded()

    conclusion = story.events[-1]
    assert isinstance(conclusion, AgreementConcluded)
    assert conclusion.actor == SYSTEM
    assert conclusion.agreement_number == "PIT-2026-001"
    assert conclusion.concluded_on == CONCLUDED_ON
    assert conclusion.effective_date == date(2026, 4, 2)  # the later of the start and today
    assert (conclusion.end_date, conclusion.zone_end) == (ZONE_END, ZONE_END)
    assert [(r.year, r.due.on) for r in conclusion.annual_reports] == [
        (2026, date(2027, 3, 31)),
        (2027, date(2028, 3, 31)),
    ]
    state = story.state
    assert state.agreement_number == "PIT-2026-001"
    assert [o.year for o in state.obligations] == [2026, 2027]


def test_effective_date_is_the_requested_start_when_that_is_later() -> None:
    story = recommended()
    story.when(
        ApproveConclusion(agreement_number="PIT-2026-001", start_date=date(2026, 5, 4)),
        by=APPROVER,
        on=APPROVED_ON,
    )
    story.when(SignAsParticipant(), by=PARTICIPANT, on=date(2026, 4, 1))
    story.when(SignForManagementCompany(), by=APPROVER, on=CONCLUDED_ON)

    assert story.state.effective_date == date(2026, 5, 4)


def test_authorities_are_notified_the_same_day_and_within_two_working_days() -> None:
    story = concluded()

    conclusion = story.events[-1]
    assert isinstance(conclusion, AgreementConcluded)
    assert conclusion.authorized_body_notice_due.on == CONCLUDED_ON
    assert conclusion.tax_authority_notice_due.on == date(2026, 4, 6)  # Thursday + 2 working
    assert conclusion.register_entry_due.on == date(2026, 4, 7)  # 5 days
    assert conclusion.tax_authority_notice_due.legal_basis == (LAW,)
    assert set(story.state.notices_due) == set(Authority)


def test_a_party_cannot_sign_twice() -> None:
    story = approved()
    story.when(SignAsParticipant(), by=PARTICIPANT, on=date(2026, 4, 1))

    story.refused(
        SignAsParticipant(),
        by=PARTICIPANT,
        on=date(2026, 4, 2),
        error=InvalidTransition,
        code="already_signed",
    )


def test_signature_after_the_signing_deadline_is_refused() -> None:
    approved().refused(
        SignForManagementCompany(), by=APPROVER, on=date(2026, 4, 15), error=DeadlinePassed
    )


def test_participant_cannot_act_on_another_bins_agreement() -> None:
    approved().refused(
        SignAsParticipant(),
        by=STRANGER,
        on=date(2026, 4, 1),
        error=NotPermitted,
        code="not_own_agreement",
    )


def test_reviewer_cannot_sign_for_the_management_company() -> None:
    approved().refused(
        SignForManagementCompany(), by=REVIEWER, on=date(2026, 4, 1), error=NotPermitted
    )


def test_unsigned_agreement_lapses_after_ten_working_days() -> None:
    story = approved()
    story.when(SignAsParticipant(), by=PARTICIPANT, on=date(2026, 4, 1))

    (lapsed,) = story.when(LapseSigning(), by=SYSTEM, on=date(2026, 4, 15))

    assert isinstance(lapsed, ApplicationLapsed)
    assert lapsed.reason is LapseReason.NOT_SIGNED
    assert story.state.status is Status.LAPSED


def test_signing_does_not_lapse_on_its_last_day() -> None:
    approved().refused(LapseSigning(), by=SYSTEM, on=SIGNING_DUE, code="deadline_not_passed")


def test_conclusion_is_refused_if_the_zone_end_in_force_moved_before_the_end_date() -> None:
    # A decree in force from 10 April 2026 ends the zone on 1 July 2027.
    rules = rules_from(date(2026, 4, 10), "zone-shortened", zone_end=date(2027, 7, 1))
    story = approved(rules)
    story.when(SignAsParticipant(), by=PARTICIPANT, on=date(2026, 4, 10))

    story.refused(
        SignForManagementCompany(),
        by=APPROVER,
        on=date(2026, 4, 10),
        error=RuleViolation,
        code="term_beyond_zone_end",
    )


def test_approved_term_must_end_after_it_starts() -> None:
    recommended().refused(
        ApproveConclusion(
            agreement_number="PIT-2026-001",
            start_date=date(2026, 6, 1),
            end_date=date(2026, 6, 1),
        ),
        by=APPROVER,
        on=APPROVED_ON,
        error=InvalidInput,
        code="term_empty",
    )


def test_approved_term_already_over_is_refused() -> None:
    recommended().refused(
        ApproveConclusion(
            agreement_number="PIT-2026-001",
            start_date=date(2026, 1, 1),
            end_date=date(2026, 3, 31),
            obligations=(obligations(2026),),
        ),
        by=APPROVER,
        on=APPROVED_ON,
        error=RuleViolation,
        code="term_already_over",
    )


def test_recommended_application_past_its_decision_term_is_marked_overdue() -> None:
    story = recommended()

    story.when(MarkDecisionOverdue(), by=SYSTEM, on=date(2026, 3, 27))

    assert story.state.decision_overdue
    assert story.state.status is Status.RECOMMENDED


def test_zone_end_lapses_an_agreement_awaiting_signatures() -> None:
    story = approved()

    story.when(TerminateForZoneEnd(), by=SYSTEM, on=ZONE_END)

    assert story.state.status is Status.LAPSED


def test_obligations_for_the_year_the_term_ends_on_its_first_day_are_refused() -> None:
    # A term ending on 1 January 2028 (the zone's end) is not in force in 2028: no obligations,
    # reports or assessments can exist for that year.
    recommended().refused(
        ApproveConclusion(
            agreement_number="PIT-2026-001",
            end_date=date(2028, 1, 1),
            obligations=(obligations(2026), obligations(2027), obligations(2028)),
        ),
        by=APPROVER,
        on=APPROVED_ON,
        error=InvalidInput,
        code="obligation_years",
    )
