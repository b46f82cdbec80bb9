"""Commands that change no lifecycle state: audit annotations and reminders."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from domain.agreement.commands.base import Command
from domain.agreement.values import Reference, Text
from domain.agreement.vocabulary import Audience, DeadlineKind, ReminderStage


class AddAuditAnnotation(Command):
    """An auditor annotates the record, in any state."""

    type: Literal["AddAuditAnnotation"] = "AddAuditAnnotation"
    annotation_id: Reference
    text: Text
    refers_to_version: int | None = Field(default=None, ge=1)


class RecordReminderSent(Command):
    """The system issues a reminder about a deadline (open, or, for an escalation, just
    passed): it is recorded before pit's outbox mails it.

    ``reminder_id`` defaults to one made from the deadline, the stage and the days; a reminder
    id is recorded once. ``recipient`` defaults to the participant's contact e-mail; staff
    reminders name the staff mailbox. ``due_on`` is the open deadline's day unless given; an
    escalation, whose deadline has closed, must give it.
    """

    type: Literal["RecordReminderSent"] = "RecordReminderSent"
    deadline_kind: DeadlineKind
    related_id: Reference
    stage: ReminderStage = ReminderStage.BEFORE
    audience: Audience = Audience.PARTICIPANT
    reminder_id: Reference | None = None
    recipient: Reference | None = None
    due_on: date | None = None
