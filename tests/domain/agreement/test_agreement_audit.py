"""Audit annotations and recorded refusals: records that change no lifecycle state."""

from __future__ import annotations

from datetime import date

from domain.agreement import Status, evolve, refusal_event
from domain.agreement.commands import AddAuditAnnotation, ApproveConclusion, RequestChanges
from domain.agreement.events import ActionRefused, AuditAnnotationAdded
from domain.errors import InvalidInput, InvalidTransition, NotPermitted
from tests.domain.agreement.agreement_scenarios import (
    AUDITOR,
    REVIEWER,
    RULE_SET_VERSION,
    Story,
    at,
    recommended,
    submitted,
)


def test_auditor_annotates_the_record_without_changing_it() -> None:
    story = submitted()
    before = story.state

    (note,) = story.when(
        AddAuditAnnotation(annotation_id="note-1", text="screening checked", refers_to_version=2),
        by=AUDITOR,
        on=date(2026, 3, 17),
    )

    assert isinstance(note, AuditAnnotationAdded)
    after = story.state
    assert after.status is before.status
    assert after.version == before.version + 1


def test_auditor_may_only_annotate() -> None:
    submitted().refused(
        RequestChanges(items=("x",)),
        by=AUDITOR,
        on=date(2026, 3, 17),
        error=NotPermitted,
        code="role_not_permitted",
    )


def test_there_is_nothing_to_annotate_before_an_application() -> None:
    Story().refused(
        AddAuditAnnotation(annotation_id="note-1", text="empty"),
        by=AUDITOR,
        on=date(2026, 3, 17),
        error=InvalidTransition,
    )


def test_annotation_refers_to_an_existing_version_and_its_id_is_new() -> None:
    story = submitted()
    story.refused(
        AddAuditAnnotation(annotation_id="note-1", text="future", refers_to_version=3),
        by=AUDITOR,
        on=date(2026, 3, 17),
        error=InvalidInput,
        code="unknown_version",
    )
    story.when(
        AddAuditAnnotation(annotation_id="note-1", text="ok"), by=AUDITOR, on=date(2026, 3, 17)
    )
    story.refused(
        AddAuditAnnotation(annotation_id="note-1", text="again"),
        by=AUDITOR,
        on=date(2026, 3, 17),
        error=InvalidInput,
        code="duplicate_id",
    )


def test_refused_attempt_is_recorded_with_who_what_why_and_basis() -> None:
    story = recommended()
    command = ApproveConclusion(agreement_number="PIT-2026-001")
    error = story.refused(command, by=REVIEWER, on=date(2026, 3, 20), error=NotPermitted)

    refusal = refusal_event(command, error, story.context(REVIEWER, date(2026, 3, 20)))

    assert isinstance(refusal, ActionRefused)
    assert refusal.actor == REVIEWER
    assert refusal.occurred_at == at(date(2026, 3, 20))
    assert (refusal.command_type, refusal.code) == ("ApproveConclusion", "role_not_permitted")
    assert refusal.message == error.message
    assert refusal.legal_basis == ("pit policy: roles",)
    assert refusal.rule_set_version == RULE_SET_VERSION


def test_recorded_refusal_changes_nothing_but_the_version() -> None:
    story = recommended()
    state = story.state
    command = ApproveConclusion(agreement_number="PIT-2026-001")
    error = story.refused(command, by=REVIEWER, on=date(2026, 3, 20))

    after = evolve(state, refusal_event(command, error, story.context(REVIEWER, date(2026, 3, 20))))

    assert after.status is Status.RECOMMENDED
    assert after.model_copy(update={"version": state.version}) == state


def test_refusal_before_the_zones_first_rule_set_is_still_recorded() -> None:
    story = Story()
    command = RequestChanges(items=("x",))
    ctx = story.context(REVIEWER, date(2003, 1, 1))
    error = story.refused(command, by=REVIEWER, on=date(2003, 1, 1))

    refusal = refusal_event(command, error, ctx)

    assert refusal.rule_set_version == "decree-1166-2003"
