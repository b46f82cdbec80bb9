"""What a person is told when Temporal does not take an action: the answer names what happened
and whether it is safe to try again."""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from api.acting import UPDATE_ABORTED, _answer
from api.errors import ApiError
from domain.agreement import AgreementState


async def _failing(error: Exception) -> AgreementState:
    raise error


async def test_an_update_the_server_aborted_is_503_not_taken_and_safe_to_try_again() -> None:
    # The server's own words when its history cache evicted the workflow with the update.
    aborted = RPCError(UPDATE_ABORTED, RPCStatusCode.UNAVAILABLE, b"")

    with pytest.raises(ApiError) as refused:
        await _answer(_failing(aborted), "ag-2026-0001")

    assert refused.value.status == 503
    assert refused.value.body.code == "action_not_taken"
    assert "nothing was decided" in refused.value.body.message
    assert "Idempotency-Key" in refused.value.body.message


async def test_a_temporal_that_cannot_be_reached_is_503_unavailable() -> None:
    down = RPCError("tcp connect error", RPCStatusCode.UNAVAILABLE, b"")

    with pytest.raises(ApiError) as refused:
        await _answer(_failing(down), "ag-2026-0001")

    assert (refused.value.status, refused.value.body.code) == (503, "unavailable")
    assert "tcp connect error" in refused.value.body.message


async def test_an_action_whose_run_was_reset_before_it_answered_is_503_pending_not_refused() -> (
    None
):
    # The server's failure when the run that accepted the update ended first (the healer's
    # reset, which gives the update to the new run): not the domain's refusal.
    ended = WorkflowUpdateFailedError(
        ApplicationError(
            "Workflow Update failed because the Workflow completed before the Update completed.",
            type="AcceptedUpdateCompletedWorkflow",
            non_retryable=True,
        )
    )

    with pytest.raises(ApiError) as refused:
        await _answer(_failing(ended), "ag-2026-0001")

    assert (refused.value.status, refused.value.body.code) == (503, "action_pending")
    assert "GET /api/agreements/ag-2026-0001" in refused.value.body.message
    assert "Idempotency-Key" in refused.value.body.message
