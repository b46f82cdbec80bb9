"""The healer (workers/healer.py) finds the wedge the SDK defect leaves in a history, resets to
the completion of the task that accepted the unanswered update, and the new run takes that
update again: on a real dev server, with a local activity in the handler as pit's store calls."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from uuid import uuid4

from temporalio import activity, workflow
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import (
    HistoryEvent,
    WorkflowExecutionUpdateCompletedEventAttributes,
)
from temporalio.api.update.v1 import Meta
from temporalio.client import WorkflowHistory
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from workers.healer import (
    ResetPoint,
    half_done_reset_point,
    heal_once,
    reset,
    reset_point,
)

_SECONDS = timedelta(seconds=5)
# A real wedge, kept by the crash test (tests/faults/test_worker_crashes.py, 2026-12-07): after
# a killed worker's task timed out (event 54), the next task accepted the update `approve`
# (58) and recorded its local activity (59) but asked for a new task (60) without answering;
# every task since timed out or was refused.
WEDGED = Path(__file__).with_name("histories") / "wedged_after_a_worker_crash.json"
WEDGED_UPDATE = "crash-test:crash-f7afcc7b-01:approve"


# An agreement stopped by a half-done task (tests/faults/test_kept_histories.py): its third
# task (completed at event 18) recorded two store calls' results and asked for the next task at
# once; every task since fails as nondeterministic on replay.
HALF_DONE = Path(__file__).parents[1] / "faults" / "histories"
HALF_DONE /= "evicted_while_its_store_calls_finished.json"


def _half_done() -> WorkflowHistory:
    return WorkflowHistory.from_json("agreement-cache-f16488b3-03", HALF_DONE.read_text("utf-8"))


def _answered_late() -> WorkflowHistory:
    """The crash test's agreement whose task completed at 35 accepted an update, restarted the
    loop's timer (38) and recorded its append, leaving the update's answer to the next task;
    its replay then failed at the timer (tests/faults/test_kept_histories.py)."""
    kept = Path(__file__).parents[1] / "faults" / "histories"
    kept /= "answered_a_task_late_after_a_worker_crash.json"
    return WorkflowHistory.from_json("agreement-crash-956b619a-15", kept.read_text("utf-8"))


def _wedged() -> WorkflowHistory:
    return WorkflowHistory.from_json("agreement-crash-f7afcc7b-01", WEDGED.read_text("utf-8"))


def _event(event_id: int, kind: EventType.ValueType, **attributes: object) -> HistoryEvent:
    return HistoryEvent(event_id=event_id, event_type=kind, **attributes)  # type: ignore[arg-type]


def _answered(event_id: int, update_id: str) -> HistoryEvent:
    attributes = WorkflowExecutionUpdateCompletedEventAttributes(meta=Meta(update_id=update_id))
    return _event(
        event_id,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED,
        workflow_execution_update_completed_event_attributes=attributes,
    )


def _then(history: WorkflowHistory, *kinds: EventType.ValueType) -> list[HistoryEvent]:
    last = history.events[-1].event_id
    return [_event(last + n, kind) for n, kind in enumerate(kinds, start=1)]


def test_the_wedge_resets_to_the_completion_of_the_task_that_accepted_the_update() -> None:
    assert reset_point(_wedged()) == ResetPoint(
        update_id=WEDGED_UPDATE, accepted_event_id=58, reset_to=57
    )


# The wedge's second shape, kept by the crash test under cache pressure (2026-12-07, twice in
# 27 runs): the task completed at 134 accepted the update `visit-visit-1` (135) and asked for a
# new task at once; that task was lost with its killed worker (138); the next one (141)
# recorded only the update's append (142) and asked for a new task at once; the server refused
# every task since: "absent message ID <update>/request/complete".
LOST = Path(__file__).with_name("histories") / "accepted_by_a_lost_task_after_a_worker_crash.json"
LOST_UPDATE = "crash-test:crash-ed0d4e21-01:visit-visit-1"


def _lost() -> WorkflowHistory:
    return WorkflowHistory.from_json("agreement-crash-ed0d4e21-01", LOST.read_text("utf-8"))


def test_an_update_whose_accepting_task_was_lost_resets_to_that_task() -> None:
    assert reset_point(_lost()) == ResetPoint(
        update_id=LOST_UPDATE,
        accepted_event_id=135,
        reset_to=134,
        cause="the update's answer is refused after its task was lost (sdk-rust#888)",
    )
    assert half_done_reset_point(_lost()) is None  # not a nondeterminism


def test_a_lost_accepting_task_is_no_wedge_while_the_server_refuses_another_update() -> None:
    other = _failing_with(
        _lost(),
        "BadUpdateWorkflowExecutionMessage: ProtocolMessageCommand referenced absent message "
        "ID crash-test:crash-ed0d4e21-01:register/request/complete",  # answered at 129
    )

    assert reset_point(other) is None


def test_a_lost_accepting_task_is_no_wedge_once_a_later_task_completed() -> None:
    lost = _lost()
    moving = [*lost.events, *_then(lost, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)]

    assert reset_point(WorkflowHistory(lost.workflow_id, moving)) is None


def test_a_task_that_answers_the_update_after_all_is_no_wedge() -> None:
    wedged = _wedged()
    recovered = [
        *wedged.events,
        *_then(wedged, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
    ]
    recovered.append(_answered(recovered[-1].event_id + 1, WEDGED_UPDATE))

    assert reset_point(WorkflowHistory(wedged.workflow_id, recovered)) is None


def test_tasks_timing_out_with_every_update_answered_are_left_alone() -> None:
    wedged = _wedged()
    answered_in_time = [
        *[e for e in wedged.events if e.event_id < 58],
        _answered(58, WEDGED_UPDATE),
        *_then(
            WorkflowHistory("x", [_event(58, EventType.EVENT_TYPE_MARKER_RECORDED)]),
            EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
            EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
            EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
        ),
    ]

    assert reset_point(WorkflowHistory(wedged.workflow_id, answered_in_time)) is None


def test_a_run_failing_as_nondeterministic_after_a_half_done_task_resets_to_that_task() -> None:
    point = half_done_reset_point(_half_done())

    assert point is not None
    # The failure names the patch reminders-spread-v1, whose marker (24) is in the work of the
    # task after the half-done one completed at 18; the fresh agreement's first task (4) is
    # half-done too, but far from it.
    assert point.reset_to == 18
    assert point.update_id == ""
    assert reset_point(_half_done()) is None  # not the update wedge


def test_an_update_machine_failure_resets_to_the_half_done_task_before_the_event_named() -> None:
    history = _answered_late()

    point = half_done_reset_point(history)

    assert point is not None
    assert point.reset_to == 35
    assert reset_point(history) is None


def test_a_run_that_completed_a_task_after_the_failures_is_left_alone() -> None:
    stuck = _half_done()
    moving = [*stuck.events, *_then(stuck, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)]

    assert half_done_reset_point(WorkflowHistory(stuck.workflow_id, moving)) is None


def test_a_nondeterminism_without_a_half_done_task_is_left_for_people() -> None:
    stuck = _half_done()
    # The same failures after tasks that did all their work (their next task not asked at once).
    whole = [e for e in stuck.events if e.event_id not in (12, 19, 20)]

    assert half_done_reset_point(WorkflowHistory(stuck.workflow_id, whole)) is None
    assert half_done_reset_point(_wedged()) is None  # the update wedge fails otherwise


def _failing_with(history: WorkflowHistory, message: str) -> WorkflowHistory:
    """``history`` with its task failures' messages replaced by ``message``."""
    events = []
    for event in history.events:
        copy = HistoryEvent()
        copy.CopyFrom(event)
        if copy.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
            copy.workflow_task_failed_event_attributes.failure.message = message
        events.append(copy)
    return WorkflowHistory(history.workflow_id, events)


def test_a_nondeterminism_that_names_an_event_far_from_a_half_done_task_is_left_for_people() -> (
    None
):
    # As a deploy that changed the workflow's code could fail: at a timer (61) three tasks after
    # the half-done task completed at 35; the real failure named the timer (38) in its work.
    far = "[TMPRL1100] Nondeterminism error: Timer machine does not handle this event: "
    far += "HistoryEvent(id: 61, TimerStarted)"
    near = far.replace("id: 61", "id: 38")

    assert half_done_reset_point(_failing_with(_answered_late(), far)) is None
    assert half_done_reset_point(_failing_with(_answered_late(), near)) == ResetPoint(
        update_id="",
        accepted_event_id=0,
        reset_to=35,
        cause="nondeterministic after a half-done task",
    )


def test_a_nondeterminism_that_points_at_no_event_is_left_for_people() -> None:
    nowhere = "[TMPRL1100] Nondeterminism error: Activity type of scheduled event does not match"
    unknown_patch = "[TMPRL1100] Nondeterminism error: Non-deprecated patch marker encountered "
    unknown_patch += "for change never-asked-v9, but there is no corresponding change command!"

    assert half_done_reset_point(_failing_with(_half_done(), nowhere)) is None
    assert half_done_reset_point(_failing_with(_half_done(), unknown_patch)) is None


def _accepted_update(event: HistoryEvent) -> str:
    update_id: str = (
        event.workflow_execution_update_accepted_event_attributes.accepted_request.meta.update_id
    )
    return update_id


# --- the reset's premise, on a real server -------------------------------------------------


@activity.defn(name="test_healer_decide")
async def decide(value: int) -> int:
    return value * 2


@workflow.defn(name="TestHealerAgreement")
class Agreement:
    """Takes updates whose handler runs a local activity, as pit's store calls do."""

    def __init__(self) -> None:
        self.decided: list[int] = []

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: len(self.decided) >= 3)

    @workflow.update
    async def act(self, value: int) -> int:
        result: int = await workflow.execute_local_activity(
            decide, value, start_to_close_timeout=_SECONDS
        )
        self.decided.append(result)
        return result

    @workflow.query
    def state(self) -> list[int]:
        return self.decided


async def test_a_run_reset_to_the_task_that_accepted_an_update_takes_that_update_again(
    dev_server: WorkflowEnvironment,
) -> None:
    client, queue = dev_server.client, f"healer-{uuid4()}"
    async with Worker(
        client,
        task_queue=queue,
        workflows=[Agreement],
        activities=[decide],
        workflow_runner=UnsandboxedWorkflowRunner(),
    ):
        handle = await client.start_workflow(
            Agreement.run, id=f"healer-{uuid4()}", task_queue=queue
        )
        assert await handle.execute_update(Agreement.act, 1, id="first") == 2
        assert await handle.execute_update(Agreement.act, 2, id="second") == 4
        history = await handle.fetch_history()
        accepted = next(
            e.event_id
            for e in history.events
            if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
            and _accepted_update(e) == "second"
        )
        carrier = max(
            e.event_id
            for e in history.events
            if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
            and e.event_id < accepted
        )
        run_id = (await handle.describe()).run_id
        point = ResetPoint(update_id="second", accepted_event_id=accepted, reset_to=carrier)

        new_run = await reset(client, handle.id, run_id, point)
        again = await reset(client, handle.id, run_id, point)  # a second worker, too late
        after = client.get_workflow_handle_for(Agreement.run, handle.id, run_id=new_run)
        # The reapplied update runs its handler again in the new run.
        decided = await after.query(Agreement.state)
        healed = await heal_once(client)  # nothing flagged: nothing done

    assert new_run is not None
    assert again is None
    assert decided == [2, 4]
    assert healed == []
