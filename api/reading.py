"""Reading one agreement: its stream folded now (always current, unlike the lists), seen only by
those who may: staff and auditors any, a participant the agreements of its own BIN."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from temporalio.client import WorkflowQueryFailedError, WorkflowQueryRejectedError
from temporalio.service import RPCError

from api.accounts import User
from api.errors import agreement_not_found
from api.schemas import AgreementView
from api.services import ApiServices
from domain.actors import Role
from domain.agreement import AgreementEvent, AgreementState, is_terminal
from domain.agreement.reminders import Reminder
from domain.agreement.vocabulary import Audience
from eventstore import RecordedEvent
from projections import open_deadlines_of
from projections.projector import decode_agreement_event
from projections.summary import Folded, fold_events
from workflows.agreement import AgreementWorkflow, workflow_id

QUERY_TIMEOUT = timedelta(seconds=5)


@dataclass(frozen=True)
class ReadAgreement:
    """An agreement's recorded events, the same decoded, and their fold."""

    agreement_id: str
    recorded: list[RecordedEvent]
    events: list[AgreementEvent]
    folded: Folded

    @property
    def state(self) -> AgreementState:
        return self.folded.state


def may_see(user: User, agreement_bin: str | None) -> bool:
    """Staff and auditors see every agreement; a participant those of its BIN only."""
    actor = user.actor()
    return actor.role is not Role.APPLICANT or (
        actor.bin is not None and actor.bin == agreement_bin
    )


async def read_agreement(services: ApiServices, agreement_id: str, user: User) -> ReadAgreement:
    """The agreement's stream, decoded and folded.

    Raises:
        ApiError: 404 ``agreement_not_found`` when it has no events, or when a participant
            asks for another BIN's (pit does not say whether that one exists).
    """
    recorded = await services.store.read_stream(workflow_id(agreement_id))
    events = [decode_agreement_event(event) for event in recorded]
    folded = fold_events(events)
    if folded is None or not may_see(user, folded.state.bin):
        raise agreement_not_found(agreement_id)
    return ReadAgreement(agreement_id, recorded, events, folded)


async def require_agreement(services: ApiServices, agreement_id: str, user: User) -> None:
    """Refuse an action on an agreement that does not exist or that the user may not see.

    Staff need only know that the stream exists; a participant's BIN is checked on the fold.

    Raises:
        ApiError: 404 ``agreement_not_found``.
    """
    if user.actor().role is Role.APPLICANT:
        await read_agreement(services, agreement_id, user)
    elif await services.store.stream_version(workflow_id(agreement_id)) == 0:
        raise agreement_not_found(agreement_id)


def agreement_view(agreement_id: str, state: AgreementState) -> AgreementView:
    """What every answer about one agreement shows: its state and open deadlines."""
    form = state.form
    number = state.agreement_number or (state.approved.agreement_number if state.approved else None)
    return AgreementView(
        agreement_id=agreement_id,
        status=state.status,
        version=state.version,
        bin=state.bin,
        name=form.name if form else None,
        agreement_number=number,
        state=state,
        deadlines=open_deadlines_of(state),
    )


async def upcoming_reminders(
    services: ApiServices, agreement_id: str, state: AgreementState
) -> list[Reminder] | None:
    """The reminders the agreement's workflow still plans; [] for a final record, None when the
    workflow cannot be asked now (no worker, Temporal unreachable): the detail still answers."""
    if is_terminal(state):
        return []
    handle = services.temporal.get_workflow_handle_for(
        AgreementWorkflow.run, workflow_id(agreement_id)
    )
    try:
        reminders = await handle.query(
            AgreementWorkflow.upcoming_reminders, rpc_timeout=QUERY_TIMEOUT
        )
    except (RPCError, WorkflowQueryFailedError, WorkflowQueryRejectedError):
        return None
    return list(reminders)


def reminders_for(user: User, reminders: list[Reminder] | None) -> list[Reminder] | None:
    """What ``user`` is shown of the reminders planned: a participant those pit will write to
    it; staff and auditors every one (the management company's own follow-ups, on its notices
    to the authorities and the register, are not the participant's to read)."""
    if reminders is None or user.actor().role is not Role.APPLICANT:
        return reminders
    return [reminder for reminder in reminders if reminder.audience is Audience.PARTICIPANT]
