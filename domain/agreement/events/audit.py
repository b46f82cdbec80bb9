"""Events that change no lifecycle state: audit annotations, refusals, reminders."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field

from domain.agreement.values import Reference, Text
from domain.agreement.vocabulary import Audience, DeadlineKind, ReminderStage
from domain.event import DomainEvent


class AuditAnnotationAdded(DomainEvent):
    """An auditor annotated the record; allowed in any state, terminated included."""

    type: Literal["AuditAnnotationAdded"] = "AuditAnnotationAdded"
    schema_version: Literal[1] = 1
    annotation_id: Reference
    text: Text
    refers_to_version: int | None = Field(default=None, ge=1)


class ActionRefused(DomainEvent):
    """A real actor's command was refused: who (``actor``), which command, why and on what
    basis (``legal_basis``). The lifecycle state does not change."""

    type: Literal["ActionRefused"] = "ActionRefused"
    schema_version: Literal[1] = 1
    command_type: str = Field(min_length=1, max_length=100)
    code: str = Field(min_length=1, max_length=100)
    message: str = Field(min_length=1, max_length=5_000)
    field: str | None = None


class ReminderSent(DomainEvent):
    """A reminder about a deadline was issued: to whom, by which channel and template, about
    which deadline, at which stage. pit's mail outbox delivers it at most once per
    ``reminder_id`` (the delivery itself is kept in the ``mail_deliveries`` table).

    Version 1 had only the deadline; the upcaster from it (:func:`reminder_sent_v1_to_v2`)
    says that the recipient and template were not recorded then.
    """

    type: Literal["ReminderSent"] = "ReminderSent"
    schema_version: Literal[2] = 2
    reminder_id: Reference
    deadline_kind: DeadlineKind
    related_id: Reference
    due_on: date
    stage: ReminderStage
    days: int = Field(ge=0, le=36_500, description="days before the due date, or past it")
    audience: Audience
    recipient: Reference
    channel: Literal["email"] = "email"
    template: Reference


NOT_RECORDED = "(not recorded)"


def reminder_sent_v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """Lift a version 1 ``ReminderSent`` (the deadline only): a reminder before the due date to
    the participant, with the recipient not recorded, and an id made from the deadline."""
    occurred = str(data["occurred_at"])[:10]
    due_on = date.fromisoformat(str(data["due_on"]))
    days = max((due_on - date.fromisoformat(occurred)).days, 0)
    return {
        **data,
        "reminder_id": f"{data['deadline_kind']}:{data['related_id']}:{due_on}:before-{days}",
        "stage": ReminderStage.BEFORE.value,
        "days": days,
        "audience": Audience.PARTICIPANT.value,
        "recipient": NOT_RECORDED,
        "channel": "email",
        "template": NOT_RECORDED,
    }
