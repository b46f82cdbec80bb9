"""Deciding what changes no lifecycle state: audit annotations and reminders."""

from __future__ import annotations

from domain.agreement.commands import AddAuditAnnotation, RecordReminderSent
from domain.agreement.context import DecisionContext
from domain.agreement.deadlines import Deadline
from domain.agreement.events import AgreementEvent, AuditAnnotationAdded, ReminderSent
from domain.agreement.guards import LIFECYCLE_BASIS, require_new_id
from domain.agreement.state import AgreementState
from domain.agreement.vocabulary import (
    REMINDER_TEMPLATES,
    Audience,
    DeadlineKind,
    ReminderStage,
    Status,
)
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
    """Issue a reminder about an open deadline (or escalate one that passed), once per id."""
    if state.status is Status.NEW:
        raise InvalidTransition("there is nothing to remind of yet", (LIFECYCLE_BASIS,))
    deadline = _open_deadline(command, state)
    basis: tuple[str, ...]
    if command.stage is ReminderStage.ESCALATION:
        if command.due_on is None:
            raise InvalidInput(
                "an escalation names the day of the deadline that passed",
                code="due_on_required",
                field="due_on",
            )
        due_on, basis = command.due_on, (LIFECYCLE_BASIS,)
    elif deadline is None:
        raise InvalidTransition(
            f"no {command.deadline_kind.value} deadline is open for {command.related_id}",
            (LIFECYCLE_BASIS,),
            code="no_open_deadline",
        )
    else:
        due_on, basis = deadline.due_date, deadline.legal_basis
    if command.due_on is not None and command.due_on != due_on:
        raise InvalidInput(
            f"the {command.deadline_kind.value} deadline is due on {due_on.isoformat()}",
            code="due_on_mismatch",
            field="due_on",
        )
    days = abs((due_on - ctx.today).days)
    reminder_id = command.reminder_id or (
        f"{command.deadline_kind.value}:{command.related_id}:{due_on.isoformat()}:"
        f"{command.stage.value}-{days}"
    )
    require_new_id(state, reminder_id, "reminder_id")
    return [
        ReminderSent(
            **ctx.stamp(*basis),
            reminder_id=reminder_id,
            deadline_kind=command.deadline_kind,
            related_id=command.related_id,
            due_on=due_on,
            stage=command.stage,
            days=days,
            audience=command.audience,
            recipient=_recipient(command, state),
            template=REMINDER_TEMPLATES[command.stage],
        )
    ]


def _open_deadline(command: RecordReminderSent, state: AgreementState) -> Deadline | None:
    """The deadline reminded of; an overdue annual report's is the day it missed, while the
    report is still awaited (its open deadline is then the escalation's)."""
    kind = command.deadline_kind
    if command.stage is ReminderStage.OVERDUE and kind is DeadlineKind.ANNUAL_REPORT:
        report = (
            state.reports.get(int(command.related_id)) if command.related_id.isdigit() else None
        )
        for deadline in state.deadlines:
            if (
                report is not None
                and report.overdue_since is not None
                and deadline.kind is DeadlineKind.REPORT_ESCALATION
                and deadline.related_id == command.related_id
            ):
                return deadline.model_copy(update={"kind": kind, "due_date": report.overdue_since})
        return None
    for deadline in state.deadlines:
        if deadline.kind is kind and deadline.related_id == command.related_id:
            return deadline
    return None


def _recipient(command: RecordReminderSent, state: AgreementState) -> str:
    if command.recipient is not None:
        return command.recipient
    if command.audience is Audience.PARTICIPANT and state.form is not None:
        return str(state.form.contacts.email)
    raise InvalidInput(
        "a staff reminder names its recipient", code="recipient_required", field="recipient"
    )
