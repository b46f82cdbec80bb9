"""Deciding what changes no lifecycle state: audit annotations and reminders."""

from __future__ import annotations

from domain.agreement.commands import AddAuditAnnotation, RecordReminderSent
from domain.agreement.context import DecisionContext
from domain.agreement.events import AgreementEvent, AuditAnnotationAdded, ReminderSent
from domain.agreement.guards import LIFECYCLE_BASIS, require_new_id
from domain.agreement.state import AgreementState
from domain.agreement.vocabulary import Status
from domain.errors import InvalidInput, InvalidTransition


def add_audit_annotation(
    command: AddAuditAnnotation, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Annotate the record, in any state once it exists, terminated included."""
    if state.status is Status.NEW:
        raise InvalidTransition("there is no record to annotate yet", (LIFECYCLE_BASIS,))
    require_new_id(state, command.annotation_id, "annotation_id")
    if command.refers_to_version is not None and command.refers_to_version > state.version:
        raise InvalidInput(
            f"the record has {state.version} events; there is no version "
            f"{command.refers_to_version}",
            code="unknown_version",
            field="refers_to_version",
        )
    return [
        AuditAnnotationAdded(
            **ctx.stamp(),
            annotation_id=command.annotation_id,
            text=command.text,
            refers_to_version=command.refers_to_version,
        )
    ]


def record_reminder_sent(
    command: RecordReminderSent, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Record a reminder about a deadline that is open."""
    for deadline in state.deadlines:
        if deadline.kind is command.deadline_kind and deadline.related_id == command.related_id:
            return [
                ReminderSent(
                    **ctx.stamp(*deadline.legal_basis),
                    deadline_kind=command.deadline_kind,
                    related_id=command.related_id,
                    due_on=deadline.due_date,
                )
            ]
    raise InvalidTransition(
        f"no {command.deadline_kind.value} deadline is open for {command.related_id}",
        (LIFECYCLE_BASIS,),
        code="no_open_deadline",
    )
