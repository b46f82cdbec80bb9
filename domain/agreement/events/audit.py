"""Events that change no lifecycle state: audit annotations, refusals, reminders."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from domain.agreement.values import Reference, Text
from domain.agreement.vocabulary import DeadlineKind
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
    """A reminder of an open deadline was sent."""

    type: Literal["ReminderSent"] = "ReminderSent"
    schema_version: Literal[1] = 1
    deadline_kind: DeadlineKind
    related_id: Reference
    due_on: date
