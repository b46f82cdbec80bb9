"""What a fault test checks of the agreements it drove: their logs, their workflows' state, their
mail. The same checks as tests/faults/test_worker_crashes.py's, for the other fault tests.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path
from typing import cast

from temporalio.api.enums.v1 import WorkflowTaskFailedCause
from temporalio.client import Client, WorkflowHistory

from activities.event_log import domain_codec
from domain.agreement import AgreementEvent, AgreementState, Status
from domain.agreement.events import (
    ActionRefused,
    AuditAnnotationAdded,
    AuthorityNoticeIssued,
    ReminderSent,
    SiteVisitRecorded,
)
from domain.agreement.vocabulary import Authority
from eventstore import RecordedEvent
from tests.faults.agreement_lives import Ending, Life
from tests.faults.mailed_copies import copies
from workflows.agreement import AgreementWorkflow, workflow_id
from workflows.correspondence import mail_id

POLL_S = 0.2


def task_failure(history: WorkflowHistory) -> str | None:
    """The last workflow task failure a history records: cause and message."""
    failures = [
        event.workflow_task_failed_event_attributes
        for event in history.events
        if event.HasField("workflow_task_failed_event_attributes")
    ]
    if not failures:
        return None
    last = failures[-1]
    cause = WorkflowTaskFailedCause.Name(last.cause)
    return f"{history.workflow_id}: {cause}: {last.failure.message}"


def assert_final(state: AgreementState, one: Life, seed: str) -> None:
    """Where the script leaves the agreement: status, numbers, notices, annotations."""
    where = (seed, one.agreement_id)
    assert state.status is one.final_status, where
    assert state.agreement_number == one.agreement_number, where
    assert state.register_number == one.register_number, where
    assert not state.notices_due, where
    assert not state.notices_issued, where
    assert {*one.annotations, *one.visits} <= state.ids, where
    if one.ending is Ending.ACTIVE:
        assert state.termination is None, where
    else:
        assert state.termination is not None, where
        assert state.termination.ground.value == one.ending.value, where
        assert state.register_closure_due is None, where


def assert_each_decision_once(events: list[AgreementEvent], one: Life, seed: str) -> None:
    """Each annotation, visit, notice and reminder is in the log once; the refusal once."""
    where = (seed, one.agreement_id)
    annotations = [e.annotation_id for e in events if isinstance(e, AuditAnnotationAdded)]
    assert sorted(annotations) == sorted(one.annotations), where
    visits = [e.visit_id for e in events if isinstance(e, SiteVisitRecorded)]
    assert sorted(visits) == sorted(one.visits), where
    notices = Counter((e.authority, e.of) for e in events if isinstance(e, AuthorityNoticeIssued))
    of = ("conclusion",) if one.ending is Ending.ACTIVE else ("conclusion", "termination")
    assert notices == Counter((authority, o) for authority in Authority for o in of), where
    reminders = [e.reminder_id for e in events if isinstance(e, ReminderSent)]
    assert len(reminders) == len(set(reminders)), where
    (refusal,) = [e for e in events if isinstance(e, ActionRefused)]
    assert refusal.code == "four_eyes", where


def decode(recorded: RecordedEvent) -> AgreementEvent:
    return cast(AgreementEvent, domain_codec().decode(recorded))


def mail_ids(events: list[RecordedEvent]) -> list[str]:
    """The outbox's mail id of every notice and reminder the log records."""
    found: list[str] = []
    for recorded in events:
        event = decode(recorded)
        agreement_id = recorded.stream_id.removeprefix("agreement-")
        if isinstance(event, AuthorityNoticeIssued):
            found.append(mail_id(agreement_id, event.notice_id))
        elif isinstance(event, ReminderSent):
            found.append(mail_id(agreement_id, event.reminder_id))
    return found


async def until_mailed(maildir: Path, expected: set[str], polls: int, seed: str) -> None:
    """Wait (at most ``polls`` x POLL_S) until the catcher holds every mail of ``expected``."""
    for _ in range(polls):
        if {copy.mail_id for copy in copies(maildir)} >= expected:
            return
        await asyncio.sleep(POLL_S)
    missing = expected - {copy.mail_id for copy in copies(maildir)}
    raise AssertionError(f"{seed}: not delivered: {sorted(missing)}")


async def workflow_state(client: Client, one: Life, timeout_s: float) -> AgreementState:
    """The workflow's state; a terminated agreement's workflow has completed with it."""
    handle = client.get_workflow_handle_for(AgreementWorkflow.run, workflow_id(one.agreement_id))
    if one.ending is Ending.ACTIVE:
        return await handle.query(AgreementWorkflow.state)
    result: AgreementState = await asyncio.wait_for(handle.result(), timeout_s)
    assert result.status is Status.TERMINATED
    return result
