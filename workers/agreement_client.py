"""How pit's front doors (API, CLI) reach agreements: through their workflows, never the store."""

from __future__ import annotations

from temporalio.client import Client, WithStartWorkflowOperation
from temporalio.common import WorkflowIDConflictPolicy

from domain.actors import Actor
from domain.agreement import AgreementState
from domain.agreement.commands import SubmitApplication
from domain.agreement.reminders import ReminderPolicy
from domain.application import ApplicationForm
from workers.settings import PitSettings
from workflows.agreement import AgreementAction, AgreementStart, AgreementWorkflow, workflow_id
from workflows.correspondence import Correspondents


def correspondents(settings: PitSettings) -> Correspondents:
    """Who an agreement's workflow writes to besides the participant, from pit's settings."""
    return Correspondents(
        staff_email=settings.staff_email,
        authorized_body_email=settings.authorized_body_email,
        tax_authority_email=settings.tax_authority_email,
    )


def _start(
    agreement_id: str, writes_to: Correspondents | None, reminding_by: ReminderPolicy | None
) -> AgreementStart:
    """A run's start: whom it writes to and its reminder policy (pit's settings), else the
    defaults."""
    return AgreementStart(
        agreement_id=agreement_id,
        correspondents=writes_to or Correspondents(),
        reminder_policy=reminding_by or ReminderPolicy(),
    )


async def act_starting_if_closed(
    client: Client,
    *,
    agreement_id: str,
    action: AgreementAction,
    task_queue: str,
    writes_to: Correspondents | None = None,
    reminding_by: ReminderPolicy | None = None,
) -> AgreementState:
    """Send an action to the agreement's workflow, starting it again if its runs completed.

    A final agreement's workflow has completed; it still takes auditors' annotations. The new
    run folds the agreement's stream before it decides, so it acts on the whole record. Callers
    check that the agreement exists first: for an unknown id this would start one.
    """
    start = WithStartWorkflowOperation(
        AgreementWorkflow.run,
        _start(agreement_id, writes_to, reminding_by),
        id=workflow_id(agreement_id),
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    return await client.execute_update_with_start_workflow(
        AgreementWorkflow.act, action, start_workflow_operation=start
    )


async def submit_application(
    client: Client,
    *,
    agreement_id: str,
    form: ApplicationForm,
    actor: Actor,
    correlation_id: str,
    task_queue: str,
    writes_to: Correspondents | None = None,
    reminding_by: ReminderPolicy | None = None,
) -> AgreementState:
    """Start the agreement's workflow (or join the running one) and submit the application.

    One request, update-with-start: a double submit finds the same workflow
    (``USE_EXISTING``), and the domain refuses, and records, the second submission.

    Raises:
        temporalio.client.WorkflowUpdateFailedError: the submission was refused; the cause is
            an ApplicationError whose type is the rule's code.
    """
    start = WithStartWorkflowOperation(
        AgreementWorkflow.run,
        _start(agreement_id, writes_to, reminding_by),
        id=workflow_id(agreement_id),
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    action = AgreementAction(
        command=SubmitApplication(agreement_id=agreement_id, form=form),
        actor=actor,
        correlation_id=correlation_id,
    )
    return await client.execute_update_with_start_workflow(
        AgreementWorkflow.act, action, start_workflow_operation=start
    )
