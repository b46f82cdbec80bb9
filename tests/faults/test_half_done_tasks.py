"""A half-done workflow task, as temporalio 1.35 leaves one when it evicts a workflow while a
local activity finishes: the task records the results and nothing else, and the next task does
what the workflow made of them. tests/faults/histories/evicted_while_its_store_calls_finished.json
is such a history, kept from tests/faults/test_cache_pressure.py on the code before
PATCHES_AT_START_PATCH (22e9db3). Its third task (events 16 to 20) records two store calls'
results and nothing else; the fourth (21 to 27) asks reminders-spread-v1, answers the
submission and starts the main loop's timer. A replay does the fourth task's work in the third,
where the patch marker is not visible, and refuses the history: the agreement stopped.
"""

from __future__ import annotations

from pathlib import Path

from temporalio.client import WorkflowHistory

from audit.workflow_replay import replay_history
from tests.faults.agreement_checks import tasks_left_half_done

HERE = Path(__file__).resolve().parent
EVICTED = HERE / "histories" / "evicted_while_its_store_calls_finished.json"
RECORDED = sorted((HERE.parent / "histories").glob("*.json"))


def _history(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(path.stem, path.read_text("utf-8"))


def test_the_evicted_agreements_history_has_one_half_done_task() -> None:
    assert tasks_left_half_done(_history(EVICTED)) == 1


def test_recorded_histories_of_healthy_runs_have_no_half_done_task() -> None:
    assert RECORDED
    assert {path.stem: tasks_left_half_done(_history(path)) for path in RECORDED} == {
        path.stem: 0 for path in RECORDED
    }


async def test_a_patch_first_asked_after_a_half_done_task_does_not_replay() -> None:
    replayed = await replay_history(_history(EVICTED), workflow_type="AgreementWorkflow")

    assert not replayed.ok
    assert "patch marker encountered for change reminders-spread-v1" in str(replayed.failure)
