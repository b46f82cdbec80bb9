"""Amendments: proposed, approved under four-eyes, signed by the participant (DOMAIN.md §3.8)."""

from __future__ import annotations

from datetime import date

from domain.actors import Actor, Role
from domain.agreement import Status
from domain.agreement.commands import (
    ApproveAmendment,
    LapseAmendment,
    ProposeAmendment,
    RejectAmendment,
    SignAmendment,
)
from domain.agreement.events import AmendmentApproved, AmendmentProposed, AmendmentSigned
from domain.agreement.vocabulary import AmendmentStatus
from domain.errors import (
    DeadlinePassed,
    InvalidInput,
    InvalidTransition,
    NotPermitted,
    RuleViolation,
)
from domain.legal_basis import DECREE_ITEM_1, REG_9_3
from tests.domain.agreement.agreement_scenarios import (
    APPROVER,
    PARTICIPANT,
    REVIEWER,
    STRANGER,
    SYSTEM,
    ZONE_END,
    Story,
    in_breach,
    notified,
    obligations,
    rules_extending_zone_to,
)

PROPOSED_ON = date(2026, 9, 1)
APPROVED_ON = date(2026, 9, 2)
SIGNING_DUE = date(2026, 9, 16)  # 10 working days after Wednesday 2 September 2026


def _proposed(story: Story | None = None, **changes: object) -> Story:
    story = story or notified()
    fields: dict[str, object] = {
        "amendment_id": "amendment-1",
        "obligations": (obligations(2026, jobs=15), obligations(2027, jobs=30)),
        "reason": "hiring moved to 2027",
    }
    fields.update(changes)
    story.when(ProposeAmendment.model_validate(fields), by=REVIEWER, on=PROPOSED_ON)
    return story


def _approved() -> Story:
    story = _proposed()
    story.when(ApproveAmendment(amendment_id="amendment-1"), by=APPROVER, on=APPROVED_ON)
    return story


def test_reviewer_proposes_new_obligations() -> None:
    story = _proposed()

    proposal = story.events[-1]
    assert isinstance(proposal, AmendmentProposed)
    assert proposal.legal_basis == (REG_9_3,)
    pending = story.state.pending_amendment
    assert pending is not None
    assert pending.status is AmendmentStatus.PROPOSED


def test_approver_other_than_the_proposer_approves_and_the_participant_signs_next() -> None:
    story = _approved()

    approval = story.events[-1]
    assert isinstance(approval, AmendmentApproved)
    assert approval.signing_due.on == SIGNING_DUE
    assert story.state.amendments["amendment-1"].status is AmendmentStatus.APPROVED


def test_proposer_cannot_approve_the_amendment_under_four_eyes() -> None:
    _proposed().refused(
        ApproveAmendment(amendment_id="amendment-1"),
        by=Actor(id=REVIEWER.id, role=Role.APPROVER),
        on=APPROVED_ON,
        error=NotPermitted,
        code="four_eyes",
    )


def test_signed_amendment_changes_the_obligations() -> None:
    story = _approved()

    (signed,) = story.when(
        SignAmendment(amendment_id="amendment-1"), by=PARTICIPANT, on=SIGNING_DUE
    )

    assert isinstance(signed, AmendmentSigned)
    state = story.state
    assert [o.jobs for o in state.obligations] == [15, 30]
    assert state.end_date == ZONE_END
    assert state.amendments["amendment-1"].status is AmendmentStatus.SIGNED
    assert state.pending_amendment is None


def test_shorter_term_drops_the_reports_of_years_no_longer_in_force() -> None:
    story = _proposed(end_date=date(2027, 1, 1), obligations=(obligations(2026),))
    story.when(ApproveAmendment(amendment_id="amendment-1"), by=APPROVER, on=APPROVED_ON)
    story.when(SignAmendment(amendment_id="amendment-1"), by=PARTICIPANT, on=APPROVED_ON)

    state = story.state
    assert state.end_date == date(2027, 1, 1)
    assert sorted(state.reports) == [2026]


def test_amended_end_after_zone_end_is_refused_under_decree_item_1() -> None:
    error = notified().refused(
        ProposeAmendment(amendment_id="amendment-1", end_date=date(2028, 6, 1), reason="longer"),
        by=REVIEWER,
        on=PROPOSED_ON,
        error=RuleViolation,
        code="term_beyond_zone_end",
    )
    assert error.legal_basis == (DECREE_ITEM_1,)


def test_end_may_move_past_2028_once_a_decree_extends_the_zone() -> None:
    story = notified(rules_extending_zone_to(date(2030, 1, 1)))
    proposed_on = date(2027, 6, 1)

    story.when(
        ProposeAmendment(
            amendment_id="amendment-1",
            end_date=date(2029, 1, 1),
            obligations=(obligations(2026), obligations(2027), obligations(2028)),
            reason="the zone is extended",
        ),
        by=REVIEWER,
        on=proposed_on,
    )
    story.when(ApproveAmendment(amendment_id="amendment-1"), by=APPROVER, on=proposed_on)
    (signed,) = story.when(
        SignAmendment(amendment_id="amendment-1"), by=PARTICIPANT, on=proposed_on
    )

    assert isinstance(signed, AmendmentSigned)
    assert signed.rule_set_version == "zone-extended"
    state = story.state
    assert (state.end_date, state.zone_end) == (date(2029, 1, 1), date(2030, 1, 1))
    assert sorted(state.reports) == [2026, 2027, 2028]


def test_amendment_that_changes_nothing_is_refused() -> None:
    notified().refused(
        ProposeAmendment(amendment_id="amendment-1", reason="nothing"),
        by=REVIEWER,
        on=PROPOSED_ON,
        error=InvalidInput,
        code="empty_amendment",
    )


def test_shorter_term_needs_obligations_that_fit_it() -> None:
    notified().refused(
        ProposeAmendment(amendment_id="amendment-1", end_date=date(2027, 1, 1), reason="short"),
        by=REVIEWER,
        on=PROPOSED_ON,
        error=InvalidInput,
        code="obligation_years",
    )


def test_amended_obligations_stay_within_the_term() -> None:
    notified().refused(
        ProposeAmendment(
            amendment_id="amendment-1", obligations=(obligations(2029),), reason="later"
        ),
        by=REVIEWER,
        on=PROPOSED_ON,
        error=InvalidInput,
        code="obligation_years",
    )


def test_one_amendment_at_a_time() -> None:
    _proposed().refused(
        ProposeAmendment(amendment_id="amendment-2", end_date=date(2027, 6, 1), reason="shorter"),
        by=REVIEWER,
        on=PROPOSED_ON,
        error=InvalidTransition,
        code="amendment_pending",
    )


def test_amendment_id_is_never_reused() -> None:
    story = _proposed()
    story.when(
        RejectAmendment(amendment_id="amendment-1", reason="no"), by=APPROVER, on=APPROVED_ON
    )

    story.refused(
        ProposeAmendment(amendment_id="amendment-1", end_date=date(2027, 6, 1), reason="again"),
        by=REVIEWER,
        on=APPROVED_ON,
        error=InvalidInput,
        code="duplicate_id",
    )


def test_amendment_may_be_proposed_while_in_breach() -> None:
    _proposed(in_breach(), amendment_id="amendment-1")


def test_approver_rejects_a_proposed_amendment() -> None:
    story = _proposed()

    story.when(
        RejectAmendment(amendment_id="amendment-1", reason="no"), by=APPROVER, on=APPROVED_ON
    )

    assert story.state.amendments["amendment-1"].status is AmendmentStatus.REJECTED
    assert story.state.pending_amendment is None


def test_only_a_proposed_amendment_is_approved_or_rejected() -> None:
    story = _approved()

    story.refused(
        ApproveAmendment(amendment_id="amendment-1"),
        by=APPROVER,
        on=APPROVED_ON,
        error=InvalidTransition,
        code="amendment_not_proposed",
    )
    story.refused(
        RejectAmendment(amendment_id="amendment-9", reason="?"),
        by=APPROVER,
        on=APPROVED_ON,
        error=InvalidInput,
        code="unknown_amendment",
    )


def test_unapproved_amendment_cannot_be_signed() -> None:
    _proposed().refused(
        SignAmendment(amendment_id="amendment-1"),
        by=PARTICIPANT,
        on=APPROVED_ON,
        error=InvalidTransition,
        code="amendment_not_approved",
    )


def test_amendment_signed_after_its_deadline_is_refused() -> None:
    _approved().refused(
        SignAmendment(amendment_id="amendment-1"),
        by=PARTICIPANT,
        on=date(2026, 9, 17),
        error=DeadlinePassed,
    )


def test_another_company_cannot_sign_the_amendment() -> None:
    _approved().refused(
        SignAmendment(amendment_id="amendment-1"), by=STRANGER, on=APPROVED_ON, error=NotPermitted
    )


def test_unsigned_amendment_lapses_after_its_deadline() -> None:
    story = _approved()
    story.refused(
        LapseAmendment(amendment_id="amendment-1"),
        by=SYSTEM,
        on=SIGNING_DUE,
        code="deadline_not_passed",
    )

    story.when(LapseAmendment(amendment_id="amendment-1"), by=SYSTEM, on=date(2026, 9, 17))

    assert story.state.amendments["amendment-1"].status is AmendmentStatus.LAPSED
    assert story.state.status is Status.ACTIVE


def test_amendment_is_not_signed_past_a_zone_end_a_later_decree_brought_forward() -> None:
    # The zone, extended to 2030 from 1 June 2027, is brought back to 2028 from 1 July 2027.
    extended = rules_extending_zone_to(date(2030, 1, 1))
    shortened = extended.with_version(
        extended.latest.model_copy(
            update={
                "version": "zone-end-restored",
                "effective_from": date(2027, 7, 1),
                "zone_end": ZONE_END,
            }
        )
    )
    story = notified(shortened)
    story.when(
        ProposeAmendment(
            amendment_id="amendment-1",
            end_date=date(2029, 1, 1),
            obligations=(obligations(2026), obligations(2027)),
            reason="the zone is extended",
        ),
        by=REVIEWER,
        on=date(2027, 6, 29),
    )
    story.when(ApproveAmendment(amendment_id="amendment-1"), by=APPROVER, on=date(2027, 6, 30))

    story.refused(
        SignAmendment(amendment_id="amendment-1"),
        by=PARTICIPANT,
        on=date(2027, 7, 1),
        error=RuleViolation,
        code="term_beyond_zone_end",
    )
