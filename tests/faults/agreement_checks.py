"""What a fault test checks of the agreements it drove: their logs, their workflows' state, their
mail. The same checks as tests/faults/test_worker_crashes.py's, for the other fault tests.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn, cast
from uuid import UUID

from temporalio.api.enums.v1 import EventType, WorkflowTaskFailedCause
from temporalio.api.history.v1 import WorkflowTaskFailedEventAttributes
from temporalio.client import Client, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from activities.event_log import domain_codec
from domain.agreement import AgreementEvent, AgreementState, Status, fold
from domain.agreement.events import (
    ActionRefused,
    AuditAnnotationAdded,
    AuthorityNoticeIssued,
    ReminderSent,
    SiteVisitRecorded,
)
from domain.agreement.vocabulary import Authority
from domain.calendar import preload_years
from eventstore import PostgresEventStore, RecordedEvent
from tests.faults.agreement_lives import Ending, Life
from tests.faults.driver import WorkflowTaskFailing
from tests.faults.mailed_copies import copies
from workers.agreement_worker import CALENDAR_YEARS
from workers.healer import half_done_before
from workflows.agreement import AgreementWorkflow, workflow_id
from workflows.correspondence import mail_id

POLL_S = 0.2
MAIL_POLLS = 300  # x POLL_S: every mail delivered (a delivery cut off by a fault is retried)
# A history that does not replay is kept here (gitignored) for whoever looks into it.
RESET = WorkflowTaskFailedCause.Value("WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW")
FAILED_HISTORIES = Path(__file__).resolve().parents[2] / "artifacts" / "failed-histories"


def task_failure(history: WorkflowHistory, tolerated: tuple[str, ...] = ()) -> str | None:
    """The last workflow task failure a history records: cause and message; none for the
    failures ``tolerated`` lets pass (see ``_failures``)."""
    counted, _ = _failures(history, tolerated)
    if not counted:
        return None
    last = counted[-1]
    return (
        f"{history.workflow_id}: {WorkflowTaskFailedCause.Name(last.cause)}: {last.failure.message}"
    )


def tolerated_failures(history: WorkflowHistory, tolerated: tuple[str, ...]) -> int:
    """How many workflow task failures of ``history`` ``tolerated`` lets pass."""
    return len(_failures(history, tolerated)[1])


def _failures(
    history: WorkflowHistory, tolerated: tuple[str, ...]
) -> tuple[list[WorkflowTaskFailedEventAttributes], list[WorkflowTaskFailedEventAttributes]]:
    """The run's workflow task failures, counted and let pass. A reset's (workers/healer.py
    ends the task it resets to as failed) is neither: not the code's. One whose message holds
    a string of ``tolerated`` is let pass when a later task of the run completed (the run got
    past it)."""
    events = list(history.events)
    last_completed = max(
        (
            e.event_id
            for e in events
            if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
        ),
        default=0,
    )
    counted: list[WorkflowTaskFailedEventAttributes] = []
    passed: list[WorkflowTaskFailedEventAttributes] = []
    for event in events:
        if not event.HasField("workflow_task_failed_event_attributes"):
            continue
        failed = event.workflow_task_failed_event_attributes
        if failed.cause == RESET:
            continue
        if event.event_id < last_completed and any(t in failed.failure.message for t in tolerated):
            passed.append(failed)
        else:
            counted.append(failed)
    return counted, passed


async def assert_streams_whole(
    store: PostgresEventStore, lives: list[Life], seed: str
) -> tuple[list[str], list[UUID]]:
    """Every life has its stream, and every stream (the zone's too) has versions 1..n and no
    event id twice. Returns the streams and every event id."""
    streams = await store.list_streams("", limit=1000)
    assert set(streams) >= {workflow_id(one.agreement_id) for one in lives}, seed
    ids: list[UUID] = []
    for stream in streams:
        recorded = await store.read_stream(stream)
        assert [e.stream_version for e in recorded] == list(range(1, len(recorded) + 1)), stream
        ids += [e.event_id for e in recorded]
    assert len(ids) == len(set(ids)), seed
    return streams, ids


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


async def assert_histories_replay(
    histories: list[WorkflowHistory],
    seed: str,
    tolerated: tuple[str, ...] = (),
    *,
    healer_resets: bool = False,
) -> list[str]:
    """No workflow task failed (but those ``tolerated`` lets pass: see ``task_failure``), and
    every history the fault left replays on the code.

    With ``healer_resets``, a history whose replay fails where the healer resets an agreement
    that fails so live (in the work after a half-done task: workers/healer.py,
    ``half_done_before``) passes too, kept under artifacts/failed-histories/; the ids of those
    workflows are returned. Any other replay failure fails.
    """
    failed = [h for h in histories if task_failure(h, tolerated)]
    for history in failed:
        kept = FAILED_HISTORIES / f"{history.workflow_id}.json"
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.write_text(history.to_json(), encoding="utf-8")
    assert not failed, (seed, [task_failure(h, tolerated) for h in failed])
    preload_years(CALENDAR_YEARS)  # as the worker does: the sandbox cannot build the calendar
    replayer = Replayer(workflows=[AgreementWorkflow], data_converter=pydantic_data_converter)
    reset_when_replayed: list[str] = []
    for history in histories:
        replayed = await replayer.replay_workflow(history, raise_on_replay_failure=False)
        if replayed.replay_failure is not None:
            kept = FAILED_HISTORIES / f"{history.workflow_id}.json"
            kept.parent.mkdir(parents=True, exist_ok=True)
            kept.write_text(history.to_json(), encoding="utf-8")
            if (
                healer_resets
                and half_done_before(history, str(replayed.replay_failure)) is not None
            ):
                reset_when_replayed.append(history.workflow_id)
                continue
        assert replayed.replay_failure is None, (seed, history.workflow_id, replayed.replay_failure)
    return reset_when_replayed


def assert_lives_as_scripted(
    lives: list[Life],
    logs: dict[str, list[RecordedEvent]],
    states: dict[str, AgreementState],
    seed: str,
) -> None:
    """Each log is its script's (reminders aside), versions 1..n, every decision once, and the
    workflow's own state is the log's fold."""
    for one in lives:
        events = logs[one.agreement_id]
        decoded = [decode(e) for e in events]
        where = (seed, one.agreement_id)
        assert [e.type for e in events if e.type != "ReminderSent"] == one.expected_events, where
        assert [e.stream_version for e in events] == list(range(1, len(events) + 1)), where
        folded = fold(decoded)
        assert_final(folded, one, seed)
        assert_each_decision_once(decoded, one, seed)
        assert states[one.agreement_id] == folded, where


async def explain_stuck(
    client: Client, stuck: WorkflowTaskFailing, seed: str, said: list[str] | None = None
) -> NoReturn:
    """Fail with why the agreement's workflow task fails (and ``said``: what the workers'
    healers logged, if given)."""
    handle = client.get_workflow_handle(workflow_id(stuck.agreement_id))
    history = await handle.fetch_history()
    failure = task_failure(history) or "no failure in the history"
    FAILED_HISTORIES.mkdir(parents=True, exist_ok=True)
    kept = FAILED_HISTORIES / f"{history.workflow_id}.json"
    kept.write_text(history.to_json(), encoding="utf-8")
    healer = f"; the healers said: {said}" if said is not None else ""
    raise AssertionError(f"{seed}: {stuck}: {failure} (history kept in {kept}){healer}") from stuck


@dataclass(frozen=True)
class Outcome:
    """What the driven lives left: each log, the mail ids it records, each workflow's state and
    history."""

    logs: dict[str, list[RecordedEvent]]
    mailed: list[str]
    states: dict[str, AgreementState]
    histories: list[WorkflowHistory]


async def outcome_of(
    client: Client,
    store: PostgresEventStore,
    lives: list[Life],
    maildir: Path,
    seed: str,
    settle_s: float,
) -> Outcome:
    """Read every life's log, wait (bounded) until its mail is in ``maildir``, and take each
    workflow's state (a terminated one's result, within ``settle_s``) and history."""
    logs = {
        one.agreement_id: await store.read_stream(workflow_id(one.agreement_id)) for one in lives
    }
    mailed = [m for events in logs.values() for m in mail_ids(events)]
    await until_mailed(maildir, set(mailed), MAIL_POLLS, seed)
    states = {one.agreement_id: await workflow_state(client, one, settle_s) for one in lives}
    histories = [
        await client.get_workflow_handle(workflow_id(one.agreement_id)).fetch_history()
        for one in lives
    ]
    return Outcome(logs, mailed, states, histories)
