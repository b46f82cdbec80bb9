"""Termination on every ground of DOMAIN.md §3.9, and the final record after it."""

from __future__ import annotations

from datetime import date

import pytest

from domain.actors import Actor, Role
from domain.agreement import AgreementCommand, Status, is_terminal
from domain.agreement.commands import (
    AcceptAnnualReport,
    AddAuditAnnotation,
    ApproveConclusion,
    ApproveTermination,
    ConsentToTermination,
    ExpireAgreement,
    ProposeTermination,
    RecordAuthorityNotified,
    RecordRegisterEntry,
    RecordRegisterEntryClosed,
    RejectTermination,
    RequestChanges,
    RequestTermination,
    SignAsParticipant,
    SignForManagementCompany,
    TerminateForZoneEnd,
)
from domain.agreement.events import AgreementTerminated, ApplicationLapsed, TerminationProposed
from domain.agreement.vocabulary import Authority, LapseReason, TerminationGround
from domain.errors import InvalidInput, InvalidTransition, NotPermitted, RuleViolation
from domain.legal_basis import DECREE_ITEM_1, LAW_ART_1_4, REG_16
from tests.domain.agreement.agreement_scenarios import (
    ADMIN,
    APPROVER,
    APPROVER_2,
    AUDITOR,
    PARTICIPANT,
    REVIEWER,
    SYSTEM,
    ZONE_END,
    Story,
    in_breach,
    notified,
    obligations,
    recommended,
    rules_extending_zone_to,
    submitted,
)

PROPOSED_ON = date(2026, 10, 1)
DECIDED_ON = date(2026, 10, 2)


def _proposed(ground: TerminationGround, reference: str | None = None) -> Story:
    story = notified()
    story.when(
        ProposeTermination(
            termination_id="termination-1", ground=ground, reason="as recorded", reference=reference
        ),
        by=REVIEWER,
        on=PROPOSED_ON,
    )
    return story


def _terminated_by(story: Story, on: date) -> AgreementTerminated:
    (terminated,) = story.when(
        ApproveTermination(termination_id="termination-1"), by=APPROVER, on=on
    )
    assert isinstance(terminated, AgreementTerminated)
    assert story.state.status is Status.CLOSING
    return terminated


def _closed(story: Story, on: date) -> Story:
    """Record the notices of termination (and the register closure, if any)."""
    for authority in Authority:
        story.when(
            RecordAuthorityNotified(authority=authority, reference=f"end-{authority.value}"),
            by=SYSTEM,
            on=on,
        )
    if story.state.register_closure_due is not None:
        story.when(RecordRegisterEntryClosed(closed_on=on), by=REVIEWER, on=on)
    return story


def _ending_on(end: date) -> Story:
    """Concluded on 2 April 2026 for a term ending on ``end``."""
    story = recommended()
    story.when(
        ApproveConclusion(
            agreement_number="PIT-2026-002",
            end_date=end,
            obligations=(obligations(2026), obligations(2027)),
        ),
        by=APPROVER,
        on=date(2026, 3, 31),
    )
    story.when(SignAsParticipant(), by=PARTICIPANT, on=date(2026, 4, 1))
    story.when(SignForManagementCompany(), by=APPROVER, on=date(2026, 4, 2))
    return story


def test_agreement_expires_at_the_end_of_its_term() -> None:
    story = _ending_on(date(2027, 7, 1))

    (terminated,) = story.when(ExpireAgreement(), by=SYSTEM, on=date(2027, 7, 1))

    assert isinstance(terminated, AgreementTerminated)
    assert terminated.ground is TerminationGround.EXPIRY
    assert terminated.terminated_on == date(2027, 7, 1)
    assert story.state.status is Status.CLOSING


def test_agreement_does_not_expire_before_its_end_date() -> None:
    _ending_on(date(2027, 7, 1)).refused(
        ExpireAgreement(),
        by=SYSTEM,
        on=date(2027, 6, 30),
        error=RuleViolation,
        code="term_not_over",
    )


def test_term_that_runs_to_the_zones_end_ends_on_the_zones_ground_whichever_timer_fires() -> None:
    by_own_timer = notified().when(ExpireAgreement(), by=SYSTEM, on=ZONE_END)
    by_zone_timer = notified().when(TerminateForZoneEnd(), by=SYSTEM, on=ZONE_END)

    assert by_own_timer == by_zone_timer
    (terminated,) = by_own_timer
    assert isinstance(terminated, AgreementTerminated)
    assert terminated.ground is TerminationGround.ZONE_END


def test_zone_end_terminates_the_agreement_under_decree_item_1_and_reg_16() -> None:
    story = notified()

    (terminated,) = story.when(TerminateForZoneEnd(), by=SYSTEM, on=ZONE_END)

    assert isinstance(terminated, AgreementTerminated)
    assert terminated.ground is TerminationGround.ZONE_END
    assert terminated.legal_basis == (DECREE_ITEM_1, REG_16)


def test_zone_end_lapses_an_application_still_open() -> None:
    story = submitted()

    (lapsed,) = story.when(TerminateForZoneEnd(), by=SYSTEM, on=ZONE_END)

    assert isinstance(lapsed, ApplicationLapsed)
    assert lapsed.reason is LapseReason.ZONE_ENDED
    assert story.state.status is Status.LAPSED


def test_nothing_ends_for_zone_end_while_the_zone_exists() -> None:
    notified().refused(
        TerminateForZoneEnd(),
        by=SYSTEM,
        on=date(2027, 12, 31),
        error=RuleViolation,
        code="zone_not_ended",
    )


def test_open_agreements_keep_their_own_end_dates_when_a_decree_extends_the_zone() -> None:
    story = notified(rules_extending_zone_to(date(2030, 1, 1)))

    story.refused(TerminateForZoneEnd(), by=SYSTEM, on=ZONE_END, code="zone_not_ended")
    (terminated,) = story.when(ExpireAgreement(), by=SYSTEM, on=ZONE_END)

    assert isinstance(terminated, AgreementTerminated)
    assert terminated.ground is TerminationGround.EXPIRY
    assert terminated.rule_set_version == "zone-extended"


def test_termination_by_mutual_consent_needs_the_participants_consent() -> None:
    story = _proposed(TerminationGround.MUTUAL_CONSENT)
    story.refused(
        ApproveTermination(termination_id="termination-1"),
        by=APPROVER,
        on=DECIDED_ON,
        error=RuleViolation,
        code="consent_missing",
    )

    story.when(ConsentToTermination(termination_id="termination-1"), by=PARTICIPANT, on=DECIDED_ON)
    terminated = _terminated_by(story, DECIDED_ON)

    assert terminated.ground is TerminationGround.MUTUAL_CONSENT
    story_again = _proposed(TerminationGround.MUTUAL_CONSENT)
    story_again.when(
        ConsentToTermination(termination_id="termination-1"), by=PARTICIPANT, on=DECIDED_ON
    )
    story_again.refused(
        ConsentToTermination(termination_id="termination-1"),
        by=PARTICIPANT,
        on=DECIDED_ON,
        error=InvalidTransition,
        code="consent_not_awaited",
    )


def test_consent_is_asked_only_for_mutual_consent() -> None:
    _proposed(TerminationGround.COURT_DECISION, reference="court 2-123/2026").refused(
        ConsentToTermination(termination_id="termination-1"),
        by=PARTICIPANT,
        on=DECIDED_ON,
        error=InvalidTransition,
        code="consent_not_awaited",
    )


def test_participant_requests_termination_and_an_approver_decides() -> None:
    story = notified()
    (request,) = story.when(
        RequestTermination(termination_id="termination-1", reason="moving abroad"),
        by=PARTICIPANT,
        on=PROPOSED_ON,
    )

    assert isinstance(request, TerminationProposed)
    assert request.ground is TerminationGround.PARTICIPANT_REQUEST
    assert _terminated_by(story, DECIDED_ON).ground is TerminationGround.PARTICIPANT_REQUEST


def test_liquidation_of_the_participant_terminates_under_law_art_1_4() -> None:
    story = _proposed(TerminationGround.LIQUIDATION, reference="state register extract 1234")

    terminated = _terminated_by(story, DECIDED_ON)

    assert terminated.ground is TerminationGround.LIQUIDATION
    assert LAW_ART_1_4 in terminated.legal_basis


def test_court_decision_terminates_the_agreement() -> None:
    story = _proposed(TerminationGround.COURT_DECISION, reference="court 2-123/2026")

    assert _terminated_by(story, DECIDED_ON).ground is TerminationGround.COURT_DECISION


@pytest.mark.parametrize(
    "ground", [TerminationGround.LIQUIDATION, TerminationGround.COURT_DECISION]
)
def test_termination_on_an_outside_record_names_it(ground: TerminationGround) -> None:
    notified().refused(
        ProposeTermination(termination_id="termination-1", ground=ground, reason="as recorded"),
        by=REVIEWER,
        on=PROPOSED_ON,
        error=InvalidInput,
        code="reference_required",
    )


@pytest.mark.parametrize(
    "ground",
    [
        TerminationGround.EXPIRY,
        TerminationGround.ZONE_END,
        TerminationGround.PARTICIPANT_REQUEST,
        TerminationGround.UNCURED_BREACH,
    ],
)
def test_staff_cannot_propose_a_ground_that_comes_from_elsewhere(
    ground: TerminationGround,
) -> None:
    notified().refused(
        ProposeTermination(termination_id="termination-1", ground=ground, reason="shortcut"),
        by=REVIEWER,
        on=PROPOSED_ON,
        error=InvalidInput,
        code="ground_not_proposable",
    )


def test_proposer_cannot_approve_the_termination_under_four_eyes() -> None:
    _proposed(TerminationGround.COURT_DECISION, reference="court 2-123/2026").refused(
        ApproveTermination(termination_id="termination-1"),
        by=Actor(id=REVIEWER.id, role=Role.APPROVER),
        on=DECIDED_ON,
        error=NotPermitted,
        code="four_eyes",
    )


def test_reviewer_cannot_approve_a_termination() -> None:
    _proposed(TerminationGround.COURT_DECISION, reference="court 2-123/2026").refused(
        ApproveTermination(termination_id="termination-1"),
        by=REVIEWER,
        on=DECIDED_ON,
        error=NotPermitted,
        code="role_not_permitted",
    )


def test_one_termination_proposal_at_a_time() -> None:
    _proposed(TerminationGround.COURT_DECISION, reference="court").refused(
        RequestTermination(termination_id="termination-2", reason="also"),
        by=PARTICIPANT,
        on=DECIDED_ON,
        error=InvalidTransition,
    )


def test_approving_an_unknown_termination_is_refused() -> None:
    _proposed(TerminationGround.COURT_DECISION, reference="court").refused(
        ApproveTermination(termination_id="termination-9"),
        by=APPROVER,
        on=DECIDED_ON,
        error=InvalidInput,
        code="unknown_termination",
    )


def test_rejected_termination_returns_the_agreement_to_where_it_was() -> None:
    active = _proposed(TerminationGround.MUTUAL_CONSENT)
    active.when(
        RejectTermination(termination_id="termination-1", reason="no"), by=APPROVER, on=DECIDED_ON
    )
    assert active.state.status is Status.ACTIVE

    breached = in_breach()
    breached.when(
        RequestTermination(termination_id="termination-1", reason="leaving"),
        by=PARTICIPANT,
        on=date(2027, 3, 3),
    )
    breached.when(
        RejectTermination(termination_id="termination-1", reason="cure first"),
        by=APPROVER,
        on=date(2027, 3, 4),
    )
    assert breached.state.status is Status.IN_BREACH
    assert breached.state.breach is not None


def test_termination_notifies_the_authorities_and_closes_the_register_entry() -> None:
    story = notified()
    story.when(
        RecordRegisterEntry(register_number="SEZ-PIT-0420", entered_on=date(2026, 4, 6)),
        by=REVIEWER,
        on=date(2026, 4, 6),
    )
    story.when(
        RequestTermination(termination_id="termination-1", reason="x"),
        by=PARTICIPANT,
        on=PROPOSED_ON,
    )
    terminated = _terminated_by(story, DECIDED_ON)

    assert terminated.authorized_body_notice_due.on == DECIDED_ON
    assert terminated.tax_authority_notice_due.on == date(2026, 10, 6)  # Friday + 2 working days
    assert terminated.register_closure_due is not None
    assert terminated.register_closure_due.on == date(2026, 10, 7)
    notice = story.when(
        RecordAuthorityNotified(authority=Authority.TAX_AUTHORITY, reference="end-1"),
        by=SYSTEM,
        on=DECIDED_ON,
    )[0]
    assert getattr(notice, "of", None) == "termination"
    story.when(
        RecordAuthorityNotified(authority=Authority.AUTHORIZED_BODY, reference="end-2"),
        by=SYSTEM,
        on=DECIDED_ON,
    )
    assert story.state.status is Status.CLOSING  # the register entry is still open
    story.when(
        RecordRegisterEntryClosed(closed_on=date(2026, 10, 5)), by=ADMIN, on=date(2026, 10, 5)
    )

    final = story.state
    assert final.status is Status.TERMINATED
    assert is_terminal(final)


def test_register_closure_cannot_predate_the_termination() -> None:
    story = notified()
    story.when(
        RecordRegisterEntry(register_number="SEZ-PIT-0420", entered_on=date(2026, 4, 6)),
        by=REVIEWER,
        on=date(2026, 4, 6),
    )
    story.when(ExpireAgreement(), by=SYSTEM, on=ZONE_END)

    story.refused(
        RecordRegisterEntryClosed(closed_on=date(2027, 12, 30)),
        by=REVIEWER,
        on=ZONE_END,
        error=InvalidInput,
        code="closure_before_termination",
    )


def test_without_a_register_entry_there_is_nothing_to_close() -> None:
    story = notified()
    story.when(ExpireAgreement(), by=SYSTEM, on=ZONE_END)

    story.refused(
        RecordRegisterEntryClosed(closed_on=ZONE_END),
        by=REVIEWER,
        on=ZONE_END,
        error=InvalidTransition,
        code="no_register_entry",
    )


def test_closing_agreement_takes_no_participant_or_staff_action() -> None:
    story = notified()
    story.when(ExpireAgreement(), by=SYSTEM, on=ZONE_END)

    story.refused(
        RequestTermination(termination_id="termination-1", reason="x"),
        by=PARTICIPANT,
        on=ZONE_END,
        error=InvalidTransition,
    )


def test_terminated_agreement_accepts_only_audit_annotations() -> None:
    story = notified()
    story.when(ExpireAgreement(), by=SYSTEM, on=ZONE_END)
    _closed(story, ZONE_END)
    assert story.state.status is Status.TERMINATED

    day = date(2028, 1, 10)
    attempts: list[tuple[AgreementCommand, Actor]] = [
        (ExpireAgreement(), SYSTEM),
        (TerminateForZoneEnd(), SYSTEM),
        (AcceptAnnualReport(report_id="report-2026"), REVIEWER),
        (RequestTermination(termination_id="t-2", reason="again"), PARTICIPANT),
        (ApproveTermination(termination_id="t-2"), APPROVER_2),
    ]
    for command, actor in attempts:
        story.refused(command, by=actor, on=day, error=InvalidTransition, code="record_final")

    story.when(
        AddAuditAnnotation(annotation_id="note-1", text="checked the chain", refers_to_version=5),
        by=AUDITOR,
        on=day,
    )
    assert story.state.status is Status.TERMINATED


def test_lapsed_application_is_final() -> None:
    story = submitted()
    story.when(TerminateForZoneEnd(), by=SYSTEM, on=ZONE_END)

    story.refused(
        RequestChanges(items=("x",)),
        by=REVIEWER,
        on=ZONE_END,
        error=InvalidTransition,
        code="record_final",
    )
