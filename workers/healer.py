"""Heal agreements wedged by a known Temporal SDK defect after a worker crash.

The defect (temporalio 1.35 and its Rust core; reported as temporalio/sdk-rust#888, closed
without a reproduction; tests/faults/test_worker_crashes.py reproduces it): after a worker dies
holding a workflow task, the next task can accept an update and record its local activity's
marker without the update's answer; or a task accepts the update and asks for a new task at
once, its worker dies, and the next task records only the local activity's marker (seen under
cache pressure). Every later task is then refused by the server with
BAD_UPDATE_WORKFLOW_EXECUTION_MESSAGE "ProtocolMessageCommand referenced absent message ID
<update id>/request/complete", and the agreement cannot move.

The cure is Temporal's own reset, to the completion of the workflow task that accepted that
update: the new run keeps everything that task was given and does its work again, which is
idempotent by design: its appends carry the same event ids (made from the update's id), so the
log answers ``replayed`` and the workflow adopts what it holds (activities/append.py); mail
goes out at most once per mail id. The update is delivered again (the server reapplies it, or
its sender retries with the same update id).

Found in two steps. The server flags a workflow whose tasks keep failing or timing out with the
search attribute ``TemporalReportedProblems`` (its dynamic config
``system.numConsecutiveWorkflowTaskProblemsToTriggerSearchAttribute``; `pit up`, the tests and
docker-compose.yml set it); the failures after the first are not in the history, and neither
is their cause. Then the history shows whether it is the wedge: the last completed task
accepted an update without answering it and asked for a new task at once (``reset_point``).
Only that is healed, and its sibling below; any other problem is left for people (the Web UI
lists them).

The sibling (temporalio 1.35; tests/faults/test_cache_pressure.py and, once, the crash test):
a worker that evicts an agreement while a local activity finishes can complete the task with
the activity's result recorded last, and ask for the next task at once: a half-done task
(``half_done_tasks``; the wedge's task is one too). What the workflow did with the result went
into the next task; a replay does it one task earlier and may refuse the history as
nondeterministic: every task of the agreement then fails. The agreement's own patches are
decided when a run starts so that this cannot happen for them (workflows/agreement.py), but a
task that also brought an update can still meet it ("Update machine does not handle this
event"). When an agreement's tasks fail as nondeterministic at an event of a half-done task's
work or of the next task's, the healer resets it to that task (``half_done_reset_point``): the
new run does its work again, in one task (idempotently, as above). A nondeterminism anywhere
else (a deploy that changed the workflow's code) is left for people.
Every worker runs the healer, at jittered intervals; a worker resets a run only while it is
still the workflow's current run, so a second worker finds it healed already.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
from dataclasses import dataclass
from datetime import timedelta
from uuid import NAMESPACE_URL, uuid5

import structlog
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import EventType, WorkflowTaskFailedCause
from temporalio.api.history.v1 import HistoryEvent
from temporalio.api.workflowservice.v1 import ResetWorkflowExecutionRequest
from temporalio.client import Client, WorkflowHistory
from temporalio.service import RPCError

log = structlog.get_logger("healer")

PROBLEMS_ATTRIBUTE = "TemporalReportedProblems"
# Agreements whose tasks keep failing or timing out; the history tells which are the wedge.
TROUBLED = (
    "WorkflowType = 'AgreementWorkflow' AND ExecutionStatus = 'Running' "
    f"AND {PROBLEMS_ATTRIBUTE} IS NOT NULL"
)
PROBLEMS_SETTING = "system.numConsecutiveWorkflowTaskProblemsToTriggerSearchAttribute"
PROBLEMS_AFTER = 2  # consecutive failed tasks before the server flags the workflow
MAX_PER_ROUND = 100  # wedged workflows healed per round; the rest wait for the next


NONDETERMINISTIC = WorkflowTaskFailedCause.Value(
    "WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR"
)
RESET_CAUSE = WorkflowTaskFailedCause.Value("WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW")
AT_ONCE = timedelta(milliseconds=10)  # a task scheduled this soon was asked for, not caused
LOCAL_ACTIVITY_MARKER = "core_local_activity"
NAMED_EVENT = re.compile(r"HistoryEvent\(id: (\d+)")  # in the SDK's nondeterminism messages
NAMED_PATCH = re.compile(r"patch marker encountered for change (\S+),")  # names no event
PATCH_MARKER = "core_patch"


@dataclass(frozen=True)
class ResetPoint:
    """Where a wedged run is reset to, and why."""

    update_id: str  # the update whose answer the server refuses ("" for a half-done task)
    accepted_event_id: int  # its acceptance in the history (0 for a half-done task)
    reset_to: int  # the completion of the workflow task that accepted it, or the half-done one
    cause: str = "the update's answer is refused (sdk-rust#888)"


def reset_point(history: WorkflowHistory) -> ResetPoint | None:
    """Where to reset a run that shows the wedge; None when it does not.

    The wedge's mark: no task completed since the run's last completed workflow task, which
    left an accepted update unanswered and asked for a new task at once, in one of two shapes:

    - that task accepted the update itself (recording its local activity's marker, or not);
    - an earlier task accepted it and asked for a new task at once; that one was lost (a
      killed worker), and the last completed task recorded only the update's local activity
      (a half-done task), while the server refuses every task since for naming the update's
      answer (``absent message ID <update id>/request/complete``).

    A task like that can also be followed by a good one, which answers the update: then it is
    no wedge, and the last completed task is another. The reset goes to the completion of the
    task that accepted the update.
    """
    events = list(history.events)
    tasks_done = [
        i
        for i, e in enumerate(events)
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
    ]
    if not tasks_done:
        return None
    last = tasks_done[-1]
    unanswered: dict[str, int] = {}  # update id -> the index of its acceptance
    for n, event in enumerate(events):
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
            request = event.workflow_execution_update_accepted_event_attributes.accepted_request
            unanswered[request.meta.update_id] = n
        elif event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
            answered = event.workflow_execution_update_completed_event_attributes.meta.update_id
            unanswered.pop(answered, None)
    commands_end = next(
        (
            n
            for n in range(last + 1, len(events))
            if events[n].event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED
        ),
        len(events),
    )
    in_last = {u: n for u, n in unanswered.items() if last < n < commands_end}
    if in_last:
        update_id, accepted_at = min(in_last.items(), key=lambda item: item[1])
        return ResetPoint(
            update_id=update_id,
            accepted_event_id=events[accepted_at].event_id,
            reset_to=events[last].event_id,
        )
    if events[last].event_id not in half_done_tasks(history):
        return None
    refused = _refused_answer(events[last:])
    if refused not in unanswered:
        return None
    accepted_at = unanswered[refused]
    accepting = max(i for i in tasks_done if i < accepted_at)
    return ResetPoint(
        update_id=refused,
        accepted_event_id=events[accepted_at].event_id,
        reset_to=events[accepting].event_id,
        cause="the update's answer is refused after its task was lost (sdk-rust#888)",
    )


ABSENT_ANSWER = re.compile(r"absent message ID (\S+)/request/complete")


def _refused_answer(events: list[HistoryEvent]) -> str | None:
    """The update whose answer the server refused in the last task failure of ``events``."""
    failures = [e for e in events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED]
    if not failures:
        return None
    named = ABSENT_ANSWER.search(failures[-1].workflow_task_failed_event_attributes.failure.message)
    return named.group(1) if named else None


def half_done_tasks(history: WorkflowHistory) -> list[int]:
    """The completions (event ids) of the workflow tasks whose commands end with local
    activities' results, the next task scheduled at once (within ``AT_ONCE``) before anything
    else happened: half-done tasks. What the workflow did with those results (an update's
    answer, the loop's next timer) is in the next task. temporalio 1.35 leaves them after
    evicting a workflow while a local activity finishes (its cache full, its task lost), and
    in the first task of a fresh agreement; a replay does that work one task earlier, which
    is harmless unless it lands before something the next task brought."""
    events = list(history.events)
    found: list[int] = []
    completed: HistoryEvent | None = None
    for n, event in enumerate(events):
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
            completed = event
            continue
        if event.event_type != EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED or completed is None:
            continue
        before = events[n - 1]
        gap = event.event_time.ToDatetime() - completed.event_time.ToDatetime()
        if (
            before.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
            and before.marker_recorded_event_attributes.marker_name == LOCAL_ACTIVITY_MARKER
            and before.event_id > completed.event_id
            and gap < AT_ONCE
        ):
            found.append(completed.event_id)
        completed = None
    return found


def failed_at(history: WorkflowHistory, message: str) -> int | None:
    """The event a nondeterminism failure's message points at: the one it names
    (``HistoryEvent(id: N``), or, for a patch the replay did not ask, that patch's marker;
    None when it says neither."""
    named = NAMED_EVENT.search(message)
    if named is not None:
        return int(named.group(1))
    patch = NAMED_PATCH.search(message)
    if patch is None:
        return None
    for event in history.events:
        marker = event.marker_recorded_event_attributes
        if (
            event.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
            and marker.marker_name == PATCH_MARKER
            and any(
                json.loads(payload.data).get("id") == patch.group(1)
                for details in marker.details.values()
                for payload in details.payloads
            )
        ):
            return event.event_id
    return None


def half_done_reset_point(history: WorkflowHistory) -> ResetPoint | None:
    """Where to reset a run whose tasks fail as nondeterministic after a half-done task; None
    when it does not show that.

    The mark: the run's last task failure (a reset's own aside) is a nondeterminism error, no
    task completed after it, and the event the first such failure since the last completed
    task points at (``failed_at``) lies in a half-done task's commands or in the next task's:
    that is where a replay does the next task's work one task early. The reset goes to that
    half-done task (the last one, if two qualify); the new run does its work again. A failure
    that points nowhere, or further on, is not this (a deploy that changed the workflow's
    code, say) and is left for people.
    """
    events = list(history.events)
    failures = [
        e
        for e in events
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
        and e.workflow_task_failed_event_attributes.cause != RESET_CAUSE
    ]
    completed = [
        e.event_id for e in events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
    ]
    if not failures or not completed:
        return None
    last = failures[-1]
    if last.workflow_task_failed_event_attributes.cause != NONDETERMINISTIC:
        return None
    if completed[-1] > last.event_id:
        return None  # a task completed since: the run moves
    first = next(e for e in failures if e.event_id > completed[-1])
    task = half_done_before(history, first.workflow_task_failed_event_attributes.failure.message)
    if task is None:
        return None
    return ResetPoint(
        update_id="",
        accepted_event_id=0,
        reset_to=task,
        cause="nondeterministic after a half-done task",
    )


def half_done_before(history: WorkflowHistory, failure: str) -> int | None:
    """The half-done task (its completion's event id) in whose work, or the next task's, lies
    the event a nondeterminism ``failure`` points at (``failed_at``): the last one, if two do.
    None when the failure points nowhere, or at no such event."""
    at = failed_at(history, failure)
    if at is None:
        return None
    completed = [
        e.event_id
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
    ]
    near = [
        task
        for task in half_done_tasks(history)
        if task < at and sum(task < done < at for done in completed) <= 1
    ]
    return near[-1] if near else None


@dataclass(frozen=True)
class Healed:
    """One wedged run reset."""

    workflow_id: str
    run_id: str
    update_id: str
    reset_to: int
    new_run_id: str


async def reset(client: Client, workflow_id: str, run_id: str, point: ResetPoint) -> str | None:
    """Reset the run to ``point``, if it is still the workflow's current run; the new run's id,
    or None when another worker's reset came first (a closed run could still be reset, and
    the second reset would throw the first one's new run away).

    Raises:
        RPCError: the server refused (the run was reset or closed meanwhile).
    """
    current = await client.get_workflow_handle(workflow_id).describe()
    if current.run_id != run_id:
        return None
    request = ResetWorkflowExecutionRequest(
        namespace=client.namespace,
        workflow_execution=WorkflowExecution(workflow_id=workflow_id, run_id=run_id),
        reason=f"pit healer: {point.cause}"
        + (f", update {point.update_id}" if point.update_id else ""),
        workflow_task_finish_event_id=point.reset_to,
        request_id=str(uuid5(NAMESPACE_URL, f"pit-heal/{run_id}/{point.reset_to}")),
    )
    answer = await client.workflow_service.reset_workflow_execution(request)
    return answer.run_id


async def heal_once(client: Client, limit: int = MAX_PER_ROUND) -> list[Healed]:
    """Reset every agreement the server flags as wedged by the defect (at most ``limit``)."""
    healed: list[Healed] = []
    async for found in client.list_workflows(TROUBLED, limit=limit):
        handle = client.get_workflow_handle(found.id, run_id=found.run_id)
        history = await handle.fetch_history()
        point = reset_point(history) or half_done_reset_point(history)
        flagged = found.raw_info.search_attributes.indexed_fields.get(PROBLEMS_ATTRIBUTE)
        problems = flagged.data.decode() if flagged is not None else None
        if point is None:
            log.info("troubled_not_the_wedge", workflow_id=found.id, problems=problems)
            continue
        log.info(
            "wedged_found",
            workflow_id=found.id,
            run_id=found.run_id,
            problems=problems,
            cause=point.cause,
            reset_to_event=point.reset_to,
        )
        try:
            new_run_id = await reset(client, found.id, found.run_id, point)
        except RPCError as refused:  # reset meanwhile by another worker, or finished
            log.info("wedge_reset_refused", workflow_id=found.id, reason=str(refused))
            continue
        if new_run_id is None:
            continue  # healed by another worker already
        done = Healed(found.id, found.run_id, point.update_id, point.reset_to, new_run_id)
        log.warning(
            "agreement_healed",
            workflow_id=done.workflow_id,
            run_id=done.run_id,
            update_id=done.update_id,
            reset_to_event=done.reset_to,
            new_run_id=done.new_run_id,
            cause=point.cause,
        )
        healed.append(done)
    return healed


async def heal_forever(client: Client, every_s: float) -> None:
    """Heal about every ``every_s`` seconds until cancelled; a failed round is logged and
    retried. The pause is jittered so that workers started together do not look together."""
    jitter = random.Random()
    while True:  # ends when the worker stops (cancelled)
        try:
            await heal_once(client)
        except RPCError as failed:
            log.warning("healer_round_failed", reason=str(failed))
        await asyncio.sleep(every_s * jitter.uniform(0.5, 1.5))
