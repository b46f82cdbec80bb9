"""Histories the fault tests kept (tests/faults/histories/), and what the checks and the healer
make of them.

A half-done workflow task, as temporalio 1.35 leaves one when it evicts a workflow while a
local activity finishes: the task records the results and nothing else, and the next task does
what the workflow made of them. evicted_while_its_store_calls_finished.json is such a history,
kept from tests/faults/test_cache_pressure.py on the code before PATCHES_AT_START_PATCH
(22e9db3). Its third task (events 16 to 20) records two store calls' results and nothing else;
the fourth (21 to 27) asks reminders-spread-v1, answers the submission and starts the main
loop's timer. A replay does the fourth task's work in the third, where the patch marker is not
visible, and refuses the history: the agreement stopped.
"""

from __future__ import annotations

from pathlib import Path

from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory

from audit.workflow_replay import replay_history
from tests.faults.agreement_checks import (
    assert_histories_replay,
    task_failure,
    tolerated_failures,
)
from tests.faults.test_temporal_restart import AFTER_A_KILL
from workers.healer import half_done_before, half_done_tasks

HERE = Path(__file__).resolve().parent
EVICTED = HERE / "histories" / "evicted_while_its_store_calls_finished.json"
RECORDED = sorted((HERE.parent / "histories").glob("*.json"))


def _history(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(path.stem, path.read_text("utf-8"))


def test_the_evicted_agreements_history_has_its_half_done_tasks_found() -> None:
    # The first task (4) is half done as a fresh agreement's often is; the third (18) too.
    assert half_done_tasks(_history(EVICTED)) == [4, 18]


def test_healthy_recorded_histories_are_half_done_at_most_in_their_first_task() -> None:
    assert RECORDED
    for path in RECORDED:
        history = _history(path)
        first_task = next(
            e.event_id
            for e in history.events
            if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
        )
        assert set(half_done_tasks(history)) <= {first_task}, path.stem


async def test_a_patch_first_asked_after_a_half_done_task_does_not_replay() -> None:
    replayed = await replay_history(_history(EVICTED), workflow_type="AgreementWorkflow")

    assert not replayed.ok
    assert "patch marker encountered for change reminders-spread-v1" in str(replayed.failure)


# A run the Temporal-restart test kept (eight kills, 2026-12-07): after a kill the worker
# accepted again an update the server had completed (events 88 to 90); the server refused that
# task (95), the next one completed (98), and the agreement lived on to its end.
ACCEPTED_AGAIN = HERE / "histories" / "accepted_again_after_a_server_kill.json"


def test_an_update_accepted_again_after_a_kill_is_let_pass_once_the_run_got_past_it() -> None:
    history = _history(ACCEPTED_AGAIN)

    assert task_failure(history) is not None
    assert task_failure(history, AFTER_A_KILL) is None
    assert tolerated_failures(history, AFTER_A_KILL) == 1
    # Not while the run is stuck on it: the same failure with no task completed after it.
    stuck = WorkflowHistory(history.workflow_id, list(history.events)[:95])
    assert task_failure(stuck, AFTER_A_KILL) is not None
    # Nor any other failure.
    assert task_failure(_history(EVICTED), AFTER_A_KILL) is not None


async def test_the_run_that_got_past_an_update_accepted_again_replays() -> None:
    replayed = await replay_history(_history(ACCEPTED_AGAIN), workflow_type="AgreementWorkflow")

    assert replayed.ok, replayed.failure


# The crash test's agreement stopped in CI on 2026-12-07 (PIT_CRASH_SEED=1206652708): the task
# completed at event 35 accepted the update `recommend`, restarted the loop's timer (37, 38) and
# recorded its append (39), leaving the update's answer to the next task (43); after the next
# kill the replay met "Update machine does not handle this event: HistoryEvent(id: 38,
# TimerStarted)", the Temporal-restart test's xfail, and every task failed.
ANSWERED_LATE = HERE / "histories" / "answered_a_task_late_after_a_worker_crash.json"


def test_the_update_machine_failure_follows_a_half_done_task() -> None:
    history = _history(ANSWERED_LATE)

    assert half_done_tasks(history) == [35]
    assert "Update machine does not handle this event: HistoryEvent(id: 38, TimerStarted)" in str(
        task_failure(history)
    )


async def test_a_cached_run_that_fails_replay_after_a_half_done_task_is_the_healers_case() -> None:
    # What the Temporal-restart test can meet: a run the live worker kept in its cache, whose
    # history does not replay offline. Here, the run as it stood before the next kill.
    history = _history(ANSWERED_LATE)
    before = WorkflowHistory(history.workflow_id, list(history.events)[:79])
    assert task_failure(before) is None

    replayed = await replay_history(before, workflow_type="AgreementWorkflow")

    assert "Update machine does not handle this event" in str(replayed.failure)
    assert half_done_before(before, str(replayed.failure)) == 35
    assert await assert_histories_replay([before], "kept", healer_resets=True) == [
        history.workflow_id
    ]
