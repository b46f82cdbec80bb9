"""Acting on an agreement: every action is an Update of the agreement's workflow, the single
writer of its stream, and the workflow's answer becomes the API's.

A refusal by the domain comes back as an ``ApplicationError`` whose type is the rule's code and
whose details carry ``{code, field, legal_basis}``; the workflow has recorded it
(``ActionRefused``) before failing the update. It is answered 409, or 403 when the rule is one of
permission (the API checks roles first, so a 403 from the domain means a crafted path round it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import timedelta

from temporalio.client import WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from api.accounts import User
from api.correlation import correlation_id
from api.errors import ApiError
from api.services import ApiServices
from domain.agreement import AgreementCommand, AgreementState
from domain.application import ApplicationForm
from workers.agreement_client import act_starting_if_closed, submit_application
from workflows.agreement import AgreementAction, AgreementWorkflow, workflow_id

ACTION_TIMEOUT = timedelta(seconds=60)
"""How long a request waits for the workflow's answer before saying it may still come."""

PERMISSION_CODES = frozenset({"role_not_permitted", "not_own_agreement"})


RUN_ENDED_FIRST = "AcceptedUpdateCompletedWorkflow"  # the server's type for that failure


def _refusal(failed: WorkflowUpdateFailedError, agreement_id: str) -> ApiError:
    cause = failed.cause
    if isinstance(cause, ApplicationError) and cause.type == RUN_ENDED_FIRST:
        # The run that accepted the action ended before answering it: reset (workers/healer.py)
        # or closed; a reset gives the action to the new run, which may take it.
        return ApiError(
            503,
            "action_pending",
            "the agreement's workflow was restarted while it took the action; the action may "
            f"still be recorded: see GET /api/agreements/{agreement_id} before trying again "
            "(with the same Idempotency-Key it cannot be taken twice)",
        )
    details = cause.details[0] if isinstance(cause, ApplicationError) and cause.details else None
    if isinstance(cause, ApplicationError) and isinstance(details, dict):
        code = str(details.get("code") or cause.type or "refused")
        field = details.get("field")
        basis = details.get("legal_basis") or []
        return ApiError(
            403 if code in PERMISSION_CODES else 409,
            code,
            cause.message,
            field=str(field) if field else None,
            legal_basis=[str(tag) for tag in basis],
        )
    return ApiError(
        503,
        "action_failed",
        f"the agreement's workflow could not take the action now ({cause}); nothing was "
        "decided: try again",
    )


UPDATE_ABORTED = "workflow update was aborted"  # the server's message (Unavailable)


async def _answer(call: Awaitable[AgreementState], agreement_id: str) -> AgreementState:
    try:
        async with asyncio.timeout(ACTION_TIMEOUT.total_seconds()):
            return await call
    except WorkflowUpdateFailedError as failed:
        raise _refusal(failed, agreement_id) from None
    except RPCError as failed:
        if failed.status is RPCStatusCode.NOT_FOUND:
            raise ApiError(
                409,
                "agreement_closed",
                f"agreement {agreement_id!r} is final: its workflow has completed and takes no "
                "more actions",
                field="agreement_id",
            ) from None
        if failed.status is RPCStatusCode.UNAVAILABLE and UPDATE_ABORTED in failed.message:
            # The server dropped the update before the workflow accepted it (its history cache
            # evicted the workflow under load: docs/deploy.md, "The history cache").
            raise ApiError(
                503,
                "action_not_taken",
                "the Temporal server dropped the action before the agreement's workflow took "
                "it; nothing was decided: try again (with the same Idempotency-Key it cannot "
                "be taken twice)",
            ) from None
        raise ApiError(
            503, "unavailable", f"Temporal cannot be reached now: {failed.message}"
        ) from None
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError):
        raise ApiError(
            503,
            "action_pending",
            "the agreement's workflow did not answer in time; the action may still be "
            f"recorded: see GET /api/agreements/{agreement_id} before trying again",
        ) from None


async def act(
    services: ApiServices,
    agreement_id: str,
    command: AgreementCommand,
    user: User,
    *,
    idempotency_key: str | None = None,
) -> AgreementState:
    """Send ``command`` as ``user`` to the agreement's workflow; return the state after it.

    ``idempotency_key`` makes the Update's id (per user): a retry with the same key gets the
    first attempt's answer instead of acting twice.

    Raises:
        ApiError: 409 or 403 with the domain's refusal; 409 ``agreement_closed``; 503.
    """
    handle = services.temporal.get_workflow_handle_for(
        AgreementWorkflow.run, workflow_id(agreement_id)
    )
    action = AgreementAction(command=command, actor=user.actor(), correlation_id=correlation_id())
    update_id = f"api:{user.id}:{idempotency_key}" if idempotency_key else None
    try:
        return await _answer(
            handle.execute_update(AgreementWorkflow.act, action, id=update_id), agreement_id
        )
    except ApiError as closed:
        # A final agreement's workflow has completed; its record still takes annotations:
        # start the workflow again (it folds the log first) and let the domain decide.
        if closed.body.code != "agreement_closed":
            raise
        if await services.store.stream_version(workflow_id(agreement_id)) == 0:
            raise
        return await _answer(
            act_starting_if_closed(
                services.temporal,
                agreement_id=agreement_id,
                action=action,
                task_queue=services.task_queue,
                writes_to=services.correspondents,
                reminding_by=services.reminder_policy,
            ),
            agreement_id,
        )


async def submit(
    services: ApiServices, agreement_id: str, form: ApplicationForm, user: User
) -> AgreementState:
    """Start the agreement's workflow and submit the application in one request.

    Raises:
        ApiError: 409 or 403 with the domain's refusal; 503.
    """
    return await _answer(
        submit_application(
            services.temporal,
            agreement_id=agreement_id,
            form=form,
            actor=user.actor(),
            correlation_id=correlation_id(),
            task_queue=services.task_queue,
            writes_to=services.correspondents,
            reminding_by=services.reminder_policy,
        ),
        agreement_id,
    )
