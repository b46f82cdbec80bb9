"""Commands that change no lifecycle state: audit annotations and reminders."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from domain.agreement.commands.base import Command
from domain.agreement.values import Reference, Text
from domain.agreement.vocabulary import DeadlineKind


class AddAuditAnnotation(Command):
    """An auditor annotates the record, in any state."""

    type: Literal["AddAuditAnnotation"] = "AddAuditAnnotation"
    annotation_id: Reference
    text: Text
    refers_to_version: int | None = Field(default=None, ge=1)


class RecordReminderSent(Command):
    """The system records a reminder it sent about an open deadline."""

    type: Literal["RecordReminderSent"] = "RecordReminderSent"
    deadline_kind: DeadlineKind
    related_id: Reference
