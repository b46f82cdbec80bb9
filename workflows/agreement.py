"""AgreementWorkflow: one durable workflow per agreement, the single writer of its stream.

Every action of a person is a Workflow Update: the validator refuses what is malformed before
anything is written; the handler decides with the pure domain, appends the decision's events
through an activity (deterministic event ids; workflows/store_calls.py), then folds them into
its state. An action the domain refuses for a real actor is itself recorded (``ActionRefused``)
before the update fails with the reason and its legal basis, so auditors see refused attempts
too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from uuid import UUID, uuid5

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    # Pure, deterministic modules (and pydantic models): imported once, outside the sandbox.
    # Imported lazily by the calendar and by pydantic's e-mail check: load them here, once.
    import email_validator  # noqa: F401
    import holidays.countries.kazakhstan  # noqa: F401
    import idna  # noqa: F401

    from activities.append import AppendAgreementEvents, EventLogActivities, LoggedEvent
    from activities.documents import RenderRequest, render_document
    from activities.mail import (
        DELIVERY_HEARTBEAT_TIMEOUT,
        MAILS_PER_BATCH,
        MailBatch,
        OutgoingMail,
        RenderedMail,
    )
    from activities.zone_rules import ZoneRules, ZoneRulesActivities
    from domain.actors import SYSTEM_ACTOR, Role
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
    from domain.agreement.commands import (
        IssueAuthorityNotice,
        RecordReminderSent,
        TerminateForZoneEnd,
    )
    from domain.agreement.events import ActionRefused, AuthorityNoticeIssued, ReminderSent
    from domain.agreement.reminders import (
        Reminder,
        escalation_for,
        planned_reminders,
        spread_offset,
    )
    from domain.agreement.vocabulary import (
        BEFORE_CONCLUSION,
        IN_FORCE,
        Audience,
        Authority,
        Status,
    )
    from domain.calendar import almaty_date, start_of_day
    from domain.errors import DomainError
    from domain.rules import decree_1166_rulebook
    from workflows.correspondence import (
        notice_context,
        notice_mail,
        reminder_mail,
    )

    # The messages are built once here, not each time the sandbox loads this module.
    from workflows.messages import AgreementAction, AgreementStart, Carried, workflow_id
    from workflows.store_calls import store_call

__all__ = ["AgreementAction", "AgreementStart", "AgreementWorkflow", "Carried", "workflow_id"]

# Mail retries with backoff through an SMTP outage, for as long as a month, and never holds up
# the agreement: deliveries run beside the workflow's own work.
MAIL_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=10),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(hours=1),
)
MAIL_ATTEMPT_TIMEOUT = timedelta(minutes=2)
MAIL_GIVE_UP_AFTER = timedelta(days=30)
MAIL_HANDOVER = timedelta(minutes=1)  # how long a continue-as-new waits for mail in flight
# Event ids are made from the decision (an update's id, a deadline, a reminder) and the index:
# the same on every attempt of the workflow task that made them.
EVENT_IDS = UUID("5b1f3c9e-8f55-4a0b-9a51-7e0b2f6d1c44")
CATCH_UP_ROUNDS = 5  # decisions retried after folding in a lost attempt's events
# The change that brought zone rules, reminders, notices and continue-as-new (workflow.patched):
# histories recorded before it replay on the old path.
CORRESPONDENCE_PATCH = "zone-rules-reminders-notices-v1"
# A run that starts afresh folds its stream first: a final agreement's workflow started again
# (for an auditor's annotation) knows its record.
LOAD_LOG_PATCH = "load-the-log-at-start-v1"
# Reminders of one agreement due at one instant are one decision (one append) and their mails
# one delivery (one SMTP session): histories recorded before it issued them one by one.
REMINDERS_TOGETHER_PATCH = "reminders-due-together-v1"
# Each agreement issues the reminders of an instant at its own moment within the policy's
# spread: histories recorded before it woke at the instant itself.
REMINDER_SPREAD_PATCH = "reminders-spread-v1"
# A run decides at its start whether it has the changes above (the two reminder patches),
# instead of when it first meets each. Histories recorded before it ask each patch where it
# is used. Why (temporalio 1.35): when a worker evicts an agreement from its cache during a
# workflow task (its cache is full, or its task was lost), the task can complete with a local
# activity's result recorded and what the workflow did next left to the following task. A
# replay does that in the earlier task, where the following task's patch markers cannot be
# seen: a patch first asked about there would be refused as nondeterministic and the
# agreement would stop (tests/faults/test_cache_pressure.py). Asked at the start, they are not.
# A later change asks its own patch in run(), next to this one, never in the loop.
PATCHES_AT_START_PATCH = "patches-decided-at-start-v1"
DECIDED_AT_START = frozenset({REMINDERS_TOGETHER_PATCH, REMINDER_SPREAD_PATCH})


@workflow.defn
class AgreementWorkflow:
    """The life of one agreement, from application to termination."""

    @workflow.init
    def __init__(self, start: AgreementStart) -> None:
        # State the validator reads is set here, before any handler can run.
        self._start = start
        self._stream_id = workflow_id(start.agreement_id)
        carried = start.carried
        self._state = carried.state if carried else initial_state()
        self._version = self._state.version
        self._rules = carried.rule_book if carried else decree_1166_rulebook()
        self._zone_version = carried.zone_version if carried else 0  # the zone stream's version
        # Handlers await the append: one decision at a time, in arrival order.
        self._deciding = asyncio.Lock()
        # Deadlines whose command was sent (kind, matter, due instant): each fires once.
        self._fired: set[tuple[DeadlineKind, str, datetime]] = set(carried.fired if carried else ())
        # When each reminded matter was first seen open: a reminder older than that is stale.
        self._seen: dict[str, datetime] = dict(carried.seen if carried else {})
        self._outbox: dict[str, OutgoingMail] = {}
        self._deliveries: set[asyncio.Task[None]] = set()
        self._zone_end_refused = False
        # Events a lost attempt of a workflow task wrote, folded in from the log, by id.
        self._adopted: dict[UUID, AgreementEvent] = {}
        self._correspondence = False  # set by run(): whether this history has the patch
        self._patches_at_start = False  # set by run(): PATCHES_AT_START_PATCH
        # Whether the state is the log's: handlers wait for it (a fresh run reads the log).
        self._loaded = carried is not None

    @workflow.run
    async def run(self, start: AgreementStart) -> AgreementState:
        """Keep every deadline as a durable timer until the agreement is final.

        Each round waits for the earliest open deadline that has a consequence, the next
        reminder or the zone's end, or for the state to change (an action may open, move or
        close deadlines); a deadline that passes sends the domain's own system command (lapse,
        overdue, expiry...). Notices to the authorities go out as soon as they are due.
        """
        self._correspondence = workflow.patched(CORRESPONDENCE_PATCH)
        if not self._correspondence:
            self._loaded = True
            return await self._run_before_correspondence()
        self._patches_at_start = workflow.patched(PATCHES_AT_START_PATCH)
        if start.carried is None and workflow.patched(LOAD_LOG_PATCH):
            loaded = await store_call(EventLogActivities.load_agreement, self._stream_id)
            self._state, self._version = loaded.state, loaded.state.version
        self._loaded = True
        if start.carried is None:
            rules = await store_call(ZoneRulesActivities.zone_rules, start.zone_code)
            self.zone_rules_changed(rules)
        for mail in start.carried.outbox if start.carried else ():
            self._send(mail)
        run_started = workflow.now()
        while not is_terminal(self._state):  # each round ends on a new event or a due instant
            if self._should_continue_as_new(run_started, start):
                await self._continue_as_new(start)
            await self._issue_notices()
            await self._issue_reminders()
            changed = self._changed_since(self._version, self._zone_version)
            deadline = self._next_deadline()
            instants = (
                deadline.due if deadline else None,
                self._next_reminder_at(),
                self._zone_end_at(),
            )
            wake = min((at for at in instants if at is not None), default=None)
            if wake is None:
                await workflow.wait_condition(changed)
                continue
            try:
                await workflow.wait_condition(
                    changed, timeout=max(wake - workflow.now(), timedelta(0))
                )
            except TimeoutError:
                zone_end = self._zone_end_at()
                if deadline is not None and deadline.due <= workflow.now():
                    await self._deadline_passed(deadline)
                elif zone_end is not None and zone_end <= workflow.now():
                    await self._zone_ended()
        # Mail already handed to the outbox still goes out before the workflow completes.
        await workflow.wait_condition(
            lambda: workflow.all_handlers_finished() and not self._deliveries
        )
        return self._state

    async def _run_before_correspondence(self) -> AgreementState:
        """The loop of histories recorded before the patch: deadlines only."""
        while not is_terminal(self._state):
            changed = self._changed_since(self._version, self._zone_version)
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

    def _has(self, patch: str) -> bool:
        """Whether this run has the change ``patch`` (one of DECIDED_AT_START) brought: decided
        at the run's start, or, in a history recorded before PATCHES_AT_START_PATCH, where the
        change is used."""
        if patch not in DECIDED_AT_START:
            raise ValueError(f"{patch} is not decided at the start of a run")
        return self._patches_at_start or workflow.patched(patch)

    def _should_continue_as_new(self, run_started: datetime, start: AgreementStart) -> bool:
        """At a new Almaty year (a reporting year), after enough events, or when suggested."""
        carried_from = start.carried.state.version if start.carried else 0
        return (
            almaty_date(workflow.now()).year != almaty_date(run_started).year
            or self._version - carried_from >= start.events_per_run
            or workflow.info().is_continue_as_new_suggested()
        )

    async def _continue_as_new(self, start: AgreementStart) -> None:
        """Hand the folded state to a new run, once every update in progress has finished.

        Mail being delivered gets a moment to finish; what an SMTP outage holds up is carried
        and delivered by the next run (delivery is at most once per mail id either way).
        """
        await workflow.wait_condition(workflow.all_handlers_finished)
        try:
            await workflow.wait_condition(lambda: not self._deliveries, timeout=MAIL_HANDOVER)
        except TimeoutError:
            workflow.logger.warning(
                "mail carried to the next run", extra={"mails": len(self._outbox)}
            )
        await workflow.wait_condition(workflow.all_handlers_finished)
        workflow.continue_as_new(self._carry(start))

    def _carry(self, start: AgreementStart) -> AgreementStart:
        """The next run's input: this run's folded state and what it must not forget."""
        return start.model_copy(
            update={
                "carried": Carried(
                    state=self._state,
                    zone_version=self._zone_version,
                    rule_book=self._rules,
                    fired=tuple(sorted(self._fired, key=lambda f: (f[2], f[0].value, f[1]))),
                    seen=self._seen,
                    outbox=tuple(self._outbox.values()),
                )
            }
        )

    def _changed_since(self, version: int, zone_version: int) -> Callable[[], bool]:
        return lambda: self._version != version or self._zone_version != zone_version

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
        key = f"deadline/{deadline.kind.value}/{deadline.related_id}/{deadline.due_date}"
        async with self._deciding:
            before = self._state

            def make() -> list[AgreementEvent]:
                if command is None or deadline not in self._state.deadlines:
                    return []  # nothing to do, or an action that arrived meanwhile settled it
                return self._decide_as_system(command)

            events = await self._commit(key, key, make)
            if self._correspondence:
                for event in events:
                    if (escalation := escalation_for(event, before)) is not None:
                        await self._remind_holding_lock(escalation, key)

    async def _zone_ended(self) -> None:
        """The zone's end came (as the rules in force then have it): end the matter."""
        async with self._deciding:
            end = self._zone_end_at()
            if end is None:
                return
            key = f"zone-end/{almaty_date(end)}"
            events = await self._commit(
                key, key, lambda: self._decide_as_system(TerminateForZoneEnd())
            )
            if not events and not is_terminal(self._state):
                # Never expected (the end comes from the same rules): seen in the log, not retried.
                self._zone_end_refused = True

    def _zone_end_at(self) -> datetime | None:
        """When the zone ends for a matter still open (an application, an agreement in force),
        as the rules seen today have it: the start of the zone's end day in Almaty."""
        status = self._state.status
        if self._zone_end_refused or status is Status.NEW:
            return None
        if status not in BEFORE_CONCLUSION and status not in IN_FORCE:
            return None
        return start_of_day(self._rules.zone_end_seen_from(almaty_date(workflow.now())))

    # --- Notices and reminders -----------------------------------------------------------

    async def _issue_notices(self) -> None:
        """Generate and send every notice to an authority that is due and not yet issued."""
        for authority in Authority:
            if authority not in self._state.notices_due or authority in self._state.notices_issued:
                continue
            of = "termination" if self._state.status is Status.CLOSING else "conclusion"
            notice_id = f"notice:{authority.value}:{of}"
            correspondents = self._start.correspondents
            context = notice_context(
                authority,
                notice_id,
                self._state,
                almaty_date(workflow.now()).isoformat(),
                correspondents.management_company,
            )
            rendered: RenderedMail = await store_call(
                render_document, RenderRequest(template="authority_notice", context=context)
            )
            command = IssueAuthorityNotice(
                authority=authority,
                notice_id=notice_id,
                recipient=correspondents.authority_email(authority),
                subject=rendered.subject[:200],
                document=rendered.body,
            )
            async with self._deciding:
                events = await self._commit(
                    notice_id, notice_id, partial(self._decide_as_system, command)
                )
            for event in events:
                if isinstance(event, AuthorityNoticeIssued):
                    agreement_id = self._start.agreement_id
                    self._send(
                        notice_mail(event, context, agreement_id, self._stream_id, notice_id)
                    )

    def _planned(self) -> tuple[Reminder, ...]:
        """The reminders of the open deadlines; notes when each reminded matter opened."""
        if self._state.status is Status.NEW:
            return ()
        now = workflow.now()
        terms = self._rules.in_force(almaty_date(now)).terms
        planned = planned_reminders(self._state, terms, self._start.reminder_policy)
        keys = {_matter(r) for r in planned}
        for key in sorted(keys - self._seen.keys()):
            self._seen[key] = now
        for key in sorted(self._seen.keys() - keys):  # closed matters: forget (bounded carry)
            del self._seen[key]
        return planned

    def _due_reminders(self) -> list[Reminder]:
        """Per matter, the latest reminder whose time came since the matter opened, if it was
        not issued yet: after downtime a person gets one reminder, not a backlog."""
        now = workflow.now()
        latest: dict[str, Reminder] = {}
        for reminder in self._planned():
            if self._seen[_matter(reminder)] <= reminder.send_at <= now:
                latest[_matter(reminder)] = reminder
        return [r for r in latest.values() if r.reminder_id not in self._state.ids]

    def _next_reminder_at(self) -> datetime | None:
        """When to wake for the next reminder not issued yet: its ``send_at``, moved on by the
        agreement's place in the policy's spread (``spread_offset``)."""
        now = workflow.now()
        if not self._has(REMINDER_SPREAD_PATCH):
            return min((r.send_at for r in self._planned() if r.send_at > now), default=None)
        policy = self._start.reminder_policy
        offset = spread_offset(self._start.agreement_id, policy.spread)
        return min(
            (
                r.send_at + offset
                for r in self._planned()
                if r.send_at + offset > now and r.reminder_id not in self._state.ids
            ),
            default=None,
        )

    async def _issue_reminders(self) -> None:
        due = self._due_reminders()
        if len(due) > 1 and self._has(REMINDERS_TOGETHER_PATCH):
            async with self._deciding:
                await self._remind_together(due)
            return
        for reminder in due:
            await self._remind(reminder, f"reminder:{reminder.reminder_id}")

    async def _remind_together(self, due: list[Reminder]) -> None:
        """Record the reminders due now as one decision, then hand their mails to the outbox
        as one delivery; everything the instant caused shares one correlation id, named for
        it (the latest of their times, when downtime held some back)."""
        correlation_id = f"reminders:{max(reminder.send_at for reminder in due).isoformat()}"
        commands = [self._reminder_command(reminder) for reminder in due]

        def make() -> list[AgreementEvent]:
            state, events = self._state, []
            for command in commands:  # each decided on the state the ones before it made
                for event in self._decide_as_system(command, state):
                    state = evolve(state, event)
                    events.append(event)
            return events

        key = "reminders/" + ",".join(reminder.reminder_id for reminder in due)
        events = await self._commit(key, correlation_id, make)
        mails = [
            reminder_mail(event, self._state, self._stream_id, correlation_id)
            for event in events
            if isinstance(event, ReminderSent)
        ]
        for start in range(0, len(mails), MAILS_PER_BATCH):
            self._send_together(mails[start : start + MAILS_PER_BATCH])

    async def _remind(self, reminder: Reminder, correlation_id: str) -> None:
        """Record the reminder (once per id), then hand its mail to the outbox."""
        async with self._deciding:
            await self._remind_holding_lock(reminder, correlation_id)

    def _reminder_command(self, reminder: Reminder) -> RecordReminderSent:
        staff = reminder.audience is Audience.STAFF
        return RecordReminderSent(
            deadline_kind=reminder.deadline_kind,
            related_id=reminder.related_id,
            stage=reminder.stage,
            audience=reminder.audience,
            reminder_id=reminder.reminder_id,
            recipient=self._start.correspondents.staff_email if staff else None,
            due_on=reminder.due_on,
        )

    async def _remind_holding_lock(self, reminder: Reminder, correlation_id: str) -> None:
        command = self._reminder_command(reminder)
        events = await self._commit(
            f"reminder/{reminder.reminder_id}",
            correlation_id,
            lambda: self._decide_as_system(command),
        )
        for event in events:
            if isinstance(event, ReminderSent):
                self._send(reminder_mail(event, self._state, self._stream_id, correlation_id))

    def _decide_as_system(
        self, command: AgreementCommand, state: AgreementState | None = None
    ) -> list[AgreementEvent]:
        """The events of a system command on ``state`` (the agreement's own by default); a
        refusal is logged and nothing is recorded."""
        context = DecisionContext(actor=SYSTEM_ACTOR, now=workflow.now(), rules=self._rules)
        try:
            return decide(command, self._state if state is None else state, context)
        except DomainError as refused:
            workflow.logger.warning(
                "system command refused",
                extra={"command": command.type, "code": refused.code, "reason": refused.message},
            )
            return []

    def _send(self, mail: OutgoingMail) -> None:
        """Deliver a mail beside the workflow's work: retried through outages, never awaited
        by a person's action. The outbox delivers each mail id at most once."""
        self._outbox[mail.mail_id] = mail
        task = asyncio.create_task(self._deliver(mail))
        self._deliveries.add(task)
        task.add_done_callback(self._deliveries.discard)

    def _send_together(self, mails: list[OutgoingMail]) -> None:
        """Deliver mails made by one decision as one batch (see :meth:`_send`)."""
        if len(mails) == 1:
            self._send(mails[0])
            return
        for mail in mails:
            self._outbox[mail.mail_id] = mail
        task = asyncio.create_task(self._deliver_together(mails))
        self._deliveries.add(task)
        task.add_done_callback(self._deliveries.discard)

    async def _deliver_together(self, mails: list[OutgoingMail]) -> None:
        try:
            await workflow.execute_activity(
                "deliver_mails",
                MailBatch(mails=tuple(mails)),
                start_to_close_timeout=MAIL_ATTEMPT_TIMEOUT * len(mails),
                heartbeat_timeout=DELIVERY_HEARTBEAT_TIMEOUT,
                schedule_to_close_timeout=MAIL_GIVE_UP_AFTER,
                retry_policy=MAIL_RETRY,
            )
        except ActivityError as failed:
            workflow.logger.error(
                "mails not delivered",
                extra={"mail_ids": [mail.mail_id for mail in mails], "error": str(failed)},
            )
        finally:
            for mail in mails:
                self._outbox.pop(mail.mail_id, None)

    async def _deliver(self, mail: OutgoingMail) -> None:
        try:
            await workflow.execute_activity(
                "deliver_mail",
                mail,
                start_to_close_timeout=MAIL_ATTEMPT_TIMEOUT,
                # A worker that dies holding the delivery is noticed in seconds, not minutes.
                heartbeat_timeout=DELIVERY_HEARTBEAT_TIMEOUT,
                schedule_to_close_timeout=MAIL_GIVE_UP_AFTER,
                retry_policy=MAIL_RETRY,
            )
        except ActivityError as failed:
            workflow.logger.error(
                "mail not delivered", extra={"mail_id": mail.mail_id, "error": str(failed)}
            )
        finally:
            self._outbox.pop(mail.mail_id, None)

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

    @workflow.query
    def deadlines(self) -> tuple[Deadline, ...]:
        """The open deadlines, soonest first, each with its legal basis."""
        return self._state.deadlines

    @workflow.query
    def upcoming_reminders(self) -> tuple[Reminder, ...]:
        """The reminders the open deadlines still call for, earliest first."""
        if self._state.status is Status.NEW:
            return ()
        now = workflow.now()
        terms = self._rules.in_force(almaty_date(now)).terms
        planned = planned_reminders(self._state, terms, self._start.reminder_policy)
        return tuple(r for r in planned if r.send_at > now)

    @workflow.update
    async def act(self, action: AgreementAction) -> AgreementState:
        """Decide a person's action, record its events, and return the new state.

        Raises:
            ApplicationError: the domain refused the action (``type`` is the rule's code;
                details carry the message, field and legal basis); the refusal is recorded.
        """
        # Only a run that reads its log waits for it. Asked here, in the same order as run()
        # asks: an update delivered with the start (update-with-start) runs before run(), and
        # histories recorded before LOAD_LOG_PATCH scheduled its append first; waiting there
        # would swap the local activities' order on replay.
        if (
            not self._loaded
            and workflow.patched(CORRESPONDENCE_PATCH)
            and workflow.patched(LOAD_LOG_PATCH)
        ):
            await workflow.wait_condition(lambda: self._loaded)
        async with self._deciding:
            refused: list[DomainError] = []

            def make() -> list[AgreementEvent]:
                refused.clear()
                context = DecisionContext(actor=action.actor, now=workflow.now(), rules=self._rules)
                try:
                    return decide(action.command, self._state, context)
                except DomainError as refusal:
                    refused.append(refusal)
                    return [refusal_event(action.command, refusal, context)]

            update = workflow.current_update_info()
            key = f"update/{update.id if update else action.correlation_id}"
            events = await self._commit(key, action.correlation_id, make)
            # The log has the decision: this attempt's, or the one an earlier delivery of the
            # same update recorded (then this attempt's fresh refusal is not the answer).
            recorded_refusal = next((e for e in events if isinstance(e, ActionRefused)), None)
            if recorded_refusal is not None:
                raise _refusal_error(refused[0] if refused else None, recorded_refusal)
            return self._state

    @act.validator
    def _validate_act(self, action: AgreementAction) -> None:
        # The input's shape was validated when it was decoded; what remains is who may send it.
        if action.actor.role is Role.SYSTEM:
            raise ValueError("the system acts through the workflow's own timers, not updates")
        if action.command.type not in PERMISSIONS:
            raise ValueError(f"unknown action {action.command.type!r}")

    async def _commit(
        self, key: str, correlation_id: str, make: Callable[[], list[AgreementEvent]]
    ) -> list[AgreementEvent]:
        """Decide with ``make`` and record the events under the decision's ``key``; the caller
        holds the lock. Returns the events as the log has them ([] if there were none).

        When the log holds events a lost attempt of this workflow task wrote (see
        activities/append.py), they are folded in first and ``make`` decides again on the
        state they make; a decision the lost attempt already recorded is not made twice.
        """
        for _ in range(CATCH_UP_ROUNDS):
            if (done := self._adopted_decision(key)) is not None:
                return done
            events = make()
            if not events:
                return []
            try:
                return await self._record(events, key, correlation_id)
            except _LogMoved:
                continue
        raise ApplicationError(
            f"the log of {self._stream_id} kept moving during a decision",
            type="log_moving",
            non_retryable=True,
        )

    def _event_id(self, key: str, index: int) -> UUID:
        return uuid5(EVENT_IDS, f"{self._stream_id}/{key}/{index}")

    def _adopted_decision(self, key: str) -> list[AgreementEvent] | None:
        found: list[AgreementEvent] = []
        while (event := self._adopted.get(self._event_id(key, len(found)))) is not None:
            found.append(event)
        return found or None

    async def _record(
        self, events: list[AgreementEvent], key: str, correlation_id: str
    ) -> list[AgreementEvent]:
        """Append the events at the stream's version, then fold them into the state.

        Raises:
            _LogMoved: the log had a lost attempt's events after our version: now folded in.
        """
        info = workflow.info()
        result = await store_call(
            EventLogActivities.append_agreement_events,
            AppendAgreementEvents(
                stream_id=self._stream_id,
                expected_version=self._version,
                events=tuple(events),
                event_ids=tuple(self._event_id(key, n) for n in range(len(events))),
                correlation_id=correlation_id,
                workflow_id=info.workflow_id,
                run_id=info.run_id,
            ),
        )
        if result.outcome == "behind":
            for logged in result.logged:
                self._adopt(logged)
            raise _LogMoved
        if result.outcome == "known":
            return [logged.event for logged in result.logged]  # folded in long ago
        recorded = [logged.event for logged in result.logged] if result.logged else events
        for event in recorded:
            self._state = evolve(self._state, event)
        self._version += len(recorded)
        return recorded

    def _adopt(self, logged: LoggedEvent) -> None:
        """Fold in an event a lost attempt wrote (the log is the record)."""
        self._state = evolve(self._state, logged.event)
        self._version = logged.stream_version
        self._adopted[logged.event_id] = logged.event


class _LogMoved(Exception):
    """The log moved past the expected version; the workflow folded the new events in."""


def _refusal_error(refusal: DomainError | None, recorded: ActionRefused) -> ApplicationError:
    """The error a refused update fails with: the rule's code, message, field and basis."""
    if refusal is not None and refusal.code == recorded.code:
        code, message, field = refusal.code, refusal.message, refusal.field
        basis = list(refusal.legal_basis)
    else:
        code, message, field = recorded.code, recorded.message, recorded.field
        basis = list(recorded.legal_basis)
    return ApplicationError(
        message,
        {"code": code, "field": field, "legal_basis": basis},
        type=code,
        non_retryable=True,
    )


def _matter(reminder: Reminder) -> str:
    """The matter a reminder is about: one deadline, at one stage."""
    return (
        f"{reminder.deadline_kind.value}:{reminder.related_id}:"
        f"{reminder.due_on.isoformat()}:{reminder.stage.value}"
    )
