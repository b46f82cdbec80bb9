"""AgreementWorkflow: one durable workflow per agreement, the single writer of its stream.

Every action of a person is a Workflow Update: the validator refuses what is malformed before
anything is written; the handler decides with the pure domain, appends the decision's events
through a local activity (deterministic event ids), then folds them into its state. An action
the domain refuses for a real actor is itself recorded (``ActionRefused``) before the update
fails with the reason and its legal basis, so auditors see refused attempts too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field
from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    # Pure, deterministic modules (and pydantic models): imported once, outside the sandbox.
    # Imported lazily by the calendar and by pydantic's e-mail check: load them here, once.
    import email_validator  # noqa: F401
    import holidays.countries.kazakhstan  # noqa: F401
    import idna  # noqa: F401

    from activities.append import AppendAgreementEvents, EventLogActivities
    from activities.zone_rules import ZoneRules
    from domain.actors import SYSTEM_ACTOR, Actor, Role
    from domain.agreement import (
        PERMISSIONS,
        AgreementCommand,
        AgreementEvent,
        AgreementState,
        Deadline,
        DeadlineKind,
        DecisionContext,
        decide,
        evolve,
        initial_state,
        is_terminal,
        refusal_event,
    )
    from domain.errors import DomainError
    from domain.rules import decree_1166_rulebook

APPEND_TIMEOUT = timedelta(seconds=30)


class AgreementStart(BaseModel):
    """The workflow's input: which agreement it is."""

    model_config = ConfigDict(frozen=True)

    agreement_id: str = Field(pattern=r"^[A-Za-z0-9_.:-]{1,128}$")


class AgreementAction(BaseModel):
    """A person's action: the command, the authenticated actor, and the request's id."""

    model_config = ConfigDict(frozen=True)

    command: AgreementCommand
    actor: Actor
    correlation_id: str = Field(min_length=1, max_length=200)


def workflow_id(agreement_id: str) -> str:
    """The workflow id of an agreement (also the name of its stream)."""
    return f"agreement-{agreement_id}"


@workflow.defn
class AgreementWorkflow:
    """The life of one agreement, from application to termination."""

    @workflow.init
    def __init__(self, start: AgreementStart) -> None:
        # State the validator reads is set here, before any handler can run.
        self._stream_id = workflow_id(start.agreement_id)
        self._state = initial_state()
        self._version = 0
        self._rules = decree_1166_rulebook()
        self._zone_version = 0  # the zone stream's version the rules come from
        # Handlers await the append: one decision at a time, in arrival order.
        self._deciding = asyncio.Lock()
        # Deadlines whose command was sent (kind, matter, due instant): each fires once.
        self._fired: set[tuple[DeadlineKind, str, datetime]] = set()

    @workflow.run
    async def run(self, start: AgreementStart) -> AgreementState:
        """Keep every deadline as a durable timer until the agreement is final.

        Each round waits for the earliest open deadline that has a consequence, or for the
        state to change (an action may open, move or close deadlines); a deadline that passes
        sends the domain's own system command (lapse, overdue, expiry...).
        """
        while not is_terminal(self._state):  # each round ends on a new event or a deadline
            changed = self._changed_since(self._version)
            deadline = self._next_deadline()
            if deadline is None:
                await workflow.wait_condition(changed)
                continue
            wait = max(deadline.due - workflow.now(), timedelta(0))
            try:
                await workflow.wait_condition(changed, timeout=wait)
            except TimeoutError:
                await self._deadline_passed(deadline)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._state

    def _changed_since(self, version: int) -> Callable[[], bool]:
        return lambda: self._version != version

    def _next_deadline(self) -> Deadline | None:
        timed = [
            d
            for d in self._state.deadlines
            if d.on_due is not None and (d.kind, d.related_id, d.due) not in self._fired
        ]
        return min(timed, key=lambda d: d.due, default=None)

    async def _deadline_passed(self, deadline: Deadline) -> None:
        """Send the deadline's system command; never the same deadline twice."""
        self._fired.add((deadline.kind, deadline.related_id, deadline.due))
        command = deadline.on_due
        async with self._deciding:
            if command is None or deadline not in self._state.deadlines:
                return  # nothing to do, or an action that arrived meanwhile settled it
            context = DecisionContext(actor=SYSTEM_ACTOR, now=workflow.now(), rules=self._rules)
            try:
                events = decide(command, self._state, context)
            except DomainError as refused:
                # A timer the domain itself refuses is a defect to see, not a reason to stop.
                workflow.logger.error(
                    "deadline refused by the domain",
                    extra={"kind": deadline.kind, "code": refused.code, "reason": refused.message},
                )
                return
            await self._record(
                events, f"deadline:{deadline.kind}:{deadline.related_id}:{deadline.due_date}"
            )

    @workflow.signal
    def zone_rules_changed(self, rules: ZoneRules) -> None:
        """The zone adopted new rules (an amendment of the regulation, new terms): decide with
        them from now on. News older than what the agreement has is ignored, so the zone may
        resend a change safely."""
        if rules.zone_version > self._zone_version:
            self._rules = rules.rule_book
            self._zone_version = rules.zone_version

    @workflow.query
    def state(self) -> AgreementState:
        """The agreement as of now."""
        return self._state

    @workflow.update
    async def act(self, action: AgreementAction) -> AgreementState:
        """Decide a person's action, record its events, and return the new state.

        Raises:
            ApplicationError: the domain refused the action (``type`` is the rule's code;
                details carry the message, field and legal basis); the refusal is recorded.
        """
        async with self._deciding:
            context = DecisionContext(actor=action.actor, now=workflow.now(), rules=self._rules)
            try:
                events = decide(action.command, self._state, context)
            except DomainError as refused:
                await self._record(
                    [refusal_event(action.command, refused, context)], action.correlation_id
                )
                raise ApplicationError(
                    refused.message,
                    {
                        "code": refused.code,
                        "field": refused.field,
                        "legal_basis": list(refused.legal_basis),
                    },
                    type=refused.code,
                    non_retryable=True,
                ) from refused
            await self._record(events, action.correlation_id)
            return self._state

    @act.validator
    def _validate_act(self, action: AgreementAction) -> None:
        # The input's shape was validated when it was decoded; what remains is who may send it.
        if action.actor.role is Role.SYSTEM:
            raise ValueError("the system acts through the workflow's own timers, not updates")
        if action.command.type not in PERMISSIONS:
            raise ValueError(f"unknown action {action.command.type!r}")

    async def _record(self, events: list[AgreementEvent], correlation_id: str) -> None:
        """Append the events at the stream's version, then fold them into the state."""
        info = workflow.info()
        await workflow.execute_local_activity_method(
            EventLogActivities.append_agreement_events,
            AppendAgreementEvents(
                stream_id=self._stream_id,
                expected_version=self._version,
                events=tuple(events),
                event_ids=tuple(workflow.uuid4() for _ in events),
                correlation_id=correlation_id,
                workflow_id=info.workflow_id,
                run_id=info.run_id,
            ),
            start_to_close_timeout=APPEND_TIMEOUT,
        )
        for event in events:
            self._state = evolve(self._state, event)
        self._version += len(events)
