"""ZoneWorkflow: one durable workflow per zone (id ``zone-<code>``), the single writer of the
zone's configuration stream ``zone-<code>``.

* On its first start, with an empty stream, it establishes the zone (Decree 1166 for ``pit``);
  on a restart it folds the stream back (an activity), so it is resumable.
* Administrators change the zone through Workflow Updates (a regulation amendment, new zone
  terms, an indicator level); staff record the zone's annual report [Reg. §9.4]. The validator
  refuses an actor whose role may not act; the handler decides with the pure domain, appends
  the events through an activity (deterministic event ids), folds them in and returns the
  zone's state. A refusal of the domain fails the update with the rule and its legal basis.
* After every change of the rule book it tells every agreement (``zone_rules_changed``), page by
  page of the event store's agreement streams, resumably: the cursor is workflow state, carried
  across continue-as-new. A newer change restarts the telling with the newer book.
* It keeps the zone's annual report on durable timers: staff reminders before it is due and an
  escalation when it is overdue, each recorded as an event, until staff record the report.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field
from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError, FailureError

with workflow.unsafe.imports_passed_through():
    # Pure, deterministic modules (and pydantic models): imported once, outside the sandbox.
    import email_validator  # noqa: F401
    import holidays.countries.kazakhstan  # noqa: F401
    import idna  # noqa: F401

    from activities.mail import (
        DELIVERY_HEARTBEAT_TIMEOUT,
        EmailAddress,
        MailDelivery,
        OutgoingMail,
    )
    from activities.zone_log import (
        AgreementPageRequest,
        AppendZoneEvents,
        ZoneLogActivities,
    )
    from activities.zone_rules import ZoneRules
    from domain.actors import SYSTEM_ACTOR, Actor, Role
    from domain.calendar import ALMATY, almaty_date
    from domain.errors import DomainError
    from domain.rules import RuleBook
    from domain.zone import (
        PIT_CODE,
        AdoptRegulationAmendment,
        ChangeZoneTerms,
        EstablishZone,
        RecordZoneReminderSent,
        RecordZoneReportSubmitted,
        RuleSetAdopted,
        SetIndicatorLevel,
        ZoneCode,
        ZoneCommand,
        ZoneEstablished,
        ZoneEvent,
        ZoneState,
        check_zone_actor,
        decide_zone,
        evolve_zone,
        initial_zone_state,
        pit_establishment,
        zone_stream_id,
    )
    from domain.zone_report import ZoneReportReminder

from workflows.agreement import AgreementWorkflow
from workflows.store_calls import store_call

READ_TIMEOUT = timedelta(minutes=1)
SIGNAL_CONCURRENCY = 20  # signals in flight at once while telling agreements of new rules
MAX_PAGE_SIZE = 100
MAIL_ACTIVITY = "deliver_mail"  # MailActivities.deliver_mail (activities/mail.py), by name
MAIL_TIMEOUT = timedelta(minutes=2)  # one attempt: above the SMTP timeout
MAIL_GIVE_UP_AFTER = timedelta(days=3)  # a reminder older than that is no use to anyone
MAIL_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=10),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=10),
)
STAFF_GREETING = "коллеги / colleagues"
ESCALATION_EVENT = "ZoneReportOverdue"  # the event the staff escalation names (mail wording)

SETUP_ADMIN = Actor(id="pit-setup", role=Role.ADMIN)
"""Who establishes the zone when its workflow first starts: pit's setup, as an administrator."""


def workflow_id(zone_code: str) -> str:
    """The workflow id of a zone (also the name of its stream): ``zone-<code>``."""
    return zone_stream_id(zone_code)


# --- Messages ----------------------------------------------------------------------------------


class FanOut(BaseModel):
    """Telling the agreements of the rule book at ``zone_version``: those up to ``after`` were
    told (``told``) or had no running workflow (``skipped``)."""

    model_config = ConfigDict(frozen=True)

    zone_version: int = Field(ge=1)
    after: str | None = None
    told: int = Field(default=0, ge=0)
    skipped: int = Field(default=0, ge=0)
    done: bool = False


class ZoneCarry(BaseModel):
    """What a run hands to the next one when it continues as new."""

    model_config = ConfigDict(frozen=True)

    state: ZoneState
    version: int = Field(ge=1)
    rules_version: int = Field(ge=1)
    fan_out: FanOut | None = None
    mail_in_flight: tuple[OutgoingMail, ...] = ()  # started again by the next run


class ZoneStart(BaseModel):
    """The workflow's input: which zone, who receives staff mail, and (after continue-as-new)
    the state carried over.

    ``page_size`` and ``pages_per_run`` bound the telling of agreements: ids per page, and pages
    per run before it continues as new (Temporal also suggests when, by history size). Each
    signal records the whole rule book (about 6 KB) in the history, so a page of 100 adds
    about 0.6 MB: 5 pages keep a run near 3 MB.
    """

    model_config = ConfigDict(frozen=True)

    zone_code: ZoneCode = PIT_CODE
    staff_email: EmailAddress
    established_by: Actor = SETUP_ADMIN
    establishment: EstablishZone | None = Field(
        default=None, description="How to establish the zone; None: Decree 1166 for pit"
    )
    page_size: int = Field(default=MAX_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    pages_per_run: int = Field(default=5, ge=1, le=1000)
    carried: ZoneCarry | None = None


class _ZoneAction(BaseModel):
    model_config = ConfigDict(frozen=True)

    actor: Actor
    correlation_id: str = Field(min_length=1, max_length=200)


class AmendmentAction(_ZoneAction):
    """An administrator records a Decree amending the Regulation: a complete new rule set."""

    command: AdoptRegulationAmendment


class TermsAction(_ZoneAction):
    """An administrator changes the zone's own terms (deadlines) from a date on."""

    command: ChangeZoneTerms


class IndicatorAction(_ZoneAction):
    """An administrator sets an indicator's target and critical level for a year."""

    command: SetIndicatorLevel


class ZoneReportAction(_ZoneAction):
    """Staff record the zone's annual report as submitted to the authorized body."""

    command: RecordZoneReportSubmitted


def _refusal(refused: DomainError) -> ApplicationError:
    """A domain refusal as Temporal carries it: the rule's code as type, reason and basis."""
    return ApplicationError(
        refused.message,
        {"code": refused.code, "field": refused.field, "legal_basis": list(refused.legal_basis)},
        type=refused.code,
        non_retryable=True,
    )


def _chunks(ids: Sequence[str], size: int) -> list[Sequence[str]]:
    return [ids[n : n + size] for n in range(0, len(ids), size)]


# --- The workflow ------------------------------------------------------------------------------


@workflow.defn
class ZoneWorkflow:
    """The zone's configuration, its news to agreements, and its annual report's reminders."""

    @workflow.init
    def __init__(self, start: ZoneStart) -> None:
        # State the validators read is set here, before any handler can run.
        self._start = start
        carried = start.carried
        self._zone = carried.state if carried else initial_zone_state()
        self._version = carried.version if carried else 0
        self._rules_version = carried.rules_version if carried else 0
        self._fan_out = carried.fan_out if carried else None
        self._ready = carried is not None  # the zone is established and its state known
        self._pages_this_run = 0
        # Handlers await the append: one decision at a time, in arrival order.
        self._deciding = asyncio.Lock()
        # Reminders the domain refused (a defect): skipped rather than retried in a loop.
        self._refused_reminders: set[str] = set()
        # Mail handed to the mail activity and not yet delivered, by mail id.
        self._mail_in_flight: dict[str, OutgoingMail] = {}
        self._mail_tasks: set[asyncio.Task[None]] = set()

    @workflow.run
    async def run(self, start: ZoneStart) -> ZoneState:
        """Establish or resume the zone, then tell agreements of new rules and keep the zone
        report's reminders, continuing as new when the history grows long."""
        if not self._ready:
            await self._open(start)
        for mail in start.carried.mail_in_flight if start.carried else ():
            self._deliver_in_background(mail)
        while True:  # each round is one page of agreements, one reminder, or one change
            if self._continue_as_new_due():
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(self._carried(start))
            if self._fan_out is not None and not self._fan_out.done:
                await self._tell_one_page()
            else:
                await self._remind_or_wait()

    # --- Queries and updates ---------------------------------------------------------------

    @workflow.query
    def state(self) -> ZoneState:
        """The zone as of now."""
        return self._zone

    @workflow.query
    def fan_out(self) -> FanOut | None:
        """How far the agreements were told of the latest rule book (None: never, this run)."""
        return self._fan_out

    @workflow.update
    async def adopt_regulation_amendment(self, action: AmendmentAction) -> ZoneState:
        """Record a regulation amendment [Reg. §15]; every agreement is then told of it.

        Raises:
            ApplicationError: the domain refused it (``type`` is the rule's code; details carry
                the message, field and legal basis).
        """
        return await self._decide(action.command, action.actor, action.correlation_id)

    @adopt_regulation_amendment.validator
    def _validate_amendment(self, action: AmendmentAction) -> None:
        self._validate(action.command, action.actor)

    @workflow.update
    async def change_zone_terms(self, action: TermsAction) -> ZoneState:
        """Change the zone's own terms from a date on; every agreement is then told of it.

        Raises:
            ApplicationError: the domain refused it, as for an amendment.
        """
        return await self._decide(action.command, action.actor, action.correlation_id)

    @change_zone_terms.validator
    def _validate_terms(self, action: TermsAction) -> None:
        self._validate(action.command, action.actor)

    @workflow.update
    async def set_indicator_level(self, action: IndicatorAction) -> ZoneState:
        """Set an indicator's levels for a year [Decree annex].

        Raises:
            ApplicationError: the domain refused it, as for an amendment.
        """
        return await self._decide(action.command, action.actor, action.correlation_id)

    @set_indicator_level.validator
    def _validate_indicator(self, action: IndicatorAction) -> None:
        self._validate(action.command, action.actor)

    @workflow.update
    async def record_zone_report_submitted(self, action: ZoneReportAction) -> ZoneState:
        """Record the zone's report on a year as submitted [Reg. §9.4]: its reminders stop.

        Raises:
            ApplicationError: the domain refused it, as for an amendment.
        """
        return await self._decide(action.command, action.actor, action.correlation_id)

    @record_zone_report_submitted.validator
    def _validate_zone_report(self, action: ZoneReportAction) -> None:
        self._validate(action.command, action.actor)

    def _validate(self, command: ZoneCommand, actor: Actor) -> None:
        # The input's shape was validated when it was decoded; what remains is who may send it.
        try:
            check_zone_actor(command, actor)
        except DomainError as refused:
            raise _refusal(refused) from refused

    async def _decide(self, command: ZoneCommand, actor: Actor, correlation_id: str) -> ZoneState:
        await workflow.wait_condition(lambda: self._ready)
        async with self._deciding:
            try:
                events = decide_zone(command, self._zone, actor=actor, now=workflow.now())
            except DomainError as refused:
                raise _refusal(refused) from refused
            await self._record(events, correlation_id)
            return self._zone

    # --- The stream ----------------------------------------------------------------------

    async def _open(self, start: ZoneStart) -> None:
        """Fold the zone's stream; establish the zone if the stream is empty."""
        snapshot = await workflow.execute_activity_method(
            ZoneLogActivities.fold_zone_stream,
            start.zone_code,
            start_to_close_timeout=READ_TIMEOUT,
        )
        self._zone = snapshot.state
        self._version = snapshot.version
        self._rules_version = snapshot.rules_version
        if snapshot.version == 0:
            await self._establish(start)
        elif snapshot.rules_version > 0:
            # A restart: whether the last run finished telling agreements is unknown, so tell
            # them again (an agreement ignores a version it has).
            self._fan_out = FanOut(zone_version=snapshot.rules_version)
        self._ready = True

    async def _establish(self, start: ZoneStart) -> None:
        establishment = start.establishment
        if establishment is None:
            if start.zone_code != PIT_CODE:
                raise ApplicationError(
                    f"no establishment given for zone {start.zone_code!r}",
                    type="zone_establishment_missing",
                    non_retryable=True,
                )
            establishment = pit_establishment()
        if establishment.code != start.zone_code:
            raise ApplicationError(
                f"the establishment is of zone {establishment.code!r}, not {start.zone_code!r}",
                type="zone_establishment_mismatch",
                non_retryable=True,
            )
        try:
            events = decide_zone(
                establishment, self._zone, actor=start.established_by, now=workflow.now()
            )
        except DomainError as refused:
            raise _refusal(refused) from refused
        await self._record(events, f"establish:{start.zone_code}")

    async def _record(self, events: list[ZoneEvent], correlation_id: str) -> None:
        """Append the events at the stream's version, then fold them into the state."""
        info = workflow.info()
        await store_call(
            ZoneLogActivities.append_zone_events,
            AppendZoneEvents(
                zone_code=self._start.zone_code,
                expected_version=self._version,
                events=tuple(events),
                event_ids=tuple(workflow.uuid4() for _ in events),
                correlation_id=correlation_id,
                workflow_id=info.workflow_id,
                run_id=info.run_id,
            ),
        )
        for event in events:
            self._zone = evolve_zone(self._zone, event)
        self._version += len(events)
        if any(isinstance(e, ZoneEstablished | RuleSetAdopted) for e in events):
            self._rules_version = self._version
        if any(isinstance(e, RuleSetAdopted) for e in events):
            # A newer book: tell every agreement again, from the first.
            self._fan_out = FanOut(zone_version=self._version)

    def _book(self) -> RuleBook:
        book = self._zone.rule_book
        if book is None:  # never: the zone is established before anything is told
            raise ApplicationError("the zone has no rule book", non_retryable=True)
        return book

    # --- Telling agreements of new rules ------------------------------------------------------

    async def _tell_one_page(self) -> None:
        """Tell one page of agreements of the rule book; then move the cursor, unless a newer
        change restarted the telling meanwhile."""
        fan_out = self._fan_out
        if fan_out is None:
            return
        rules = ZoneRules(
            zone_code=self._start.zone_code,
            zone_version=fan_out.zone_version,
            rule_book=self._book(),
        )
        page = await workflow.execute_activity_method(
            ZoneLogActivities.list_agreement_streams,
            AgreementPageRequest(after=fan_out.after, limit=self._start.page_size),
            start_to_close_timeout=READ_TIMEOUT,
        )
        told = 0
        for chunk in _chunks(page.workflow_ids, SIGNAL_CONCURRENCY):
            outcomes = await asyncio.gather(*(self._tell(wid, rules) for wid in chunk))
            told += sum(outcomes)
        self._pages_this_run += 1
        if self._fan_out is not fan_out:
            return  # a newer book is being told from the first agreement
        ids = page.workflow_ids
        self._fan_out = fan_out.model_copy(
            update={
                "after": ids[-1] if ids else fan_out.after,
                "told": fan_out.told + told,
                "skipped": fan_out.skipped + len(ids) - told,
                "done": len(ids) < self._start.page_size,
            }
        )

    async def _tell(self, agreement_workflow_id: str, rules: ZoneRules) -> bool:
        """Signal one agreement; False if its workflow is closed or missing (it reads the
        zone's rules when it starts anyway)."""
        handle = workflow.get_external_workflow_handle_for(
            AgreementWorkflow.run, agreement_workflow_id
        )
        try:
            await handle.signal(AgreementWorkflow.zone_rules_changed, rules)
        except FailureError as failed:
            workflow.logger.info(
                "agreement not told of new rules",
                extra={"agreement_workflow_id": agreement_workflow_id, "reason": str(failed)},
            )
            return False
        return True

    # --- The zone's annual report ------------------------------------------------------

    async def _remind_or_wait(self) -> None:
        """Wait for the next reminder of the zone's report, or for a change; send it when due."""
        reminder = self._zone.next_report_reminder(
            self._today(), skip=frozenset(self._refused_reminders)
        )
        changed = self._changed_since(self._version)
        if reminder is None:
            await workflow.wait_condition(changed)
            return
        wait = self._reminder_at(reminder) - workflow.now()
        if wait > timedelta(0):
            try:
                await workflow.wait_condition(changed, timeout=wait)
                return
            except TimeoutError:
                pass
        await self._send_reminder(reminder)

    async def _send_reminder(self, reminder: ZoneReportReminder) -> None:
        """Record the reminder as sent, then mail it in the background."""
        async with self._deciding:
            skip = frozenset(self._refused_reminders)
            if self._zone.next_report_reminder(self._today(), skip=skip) != reminder:
                return  # an update meanwhile (the report recorded...) settled or moved it
            try:
                events = decide_zone(
                    RecordZoneReminderSent(reminder=reminder),
                    self._zone,
                    actor=SYSTEM_ACTOR,
                    now=workflow.now(),
                )
            except DomainError as refused:
                # A reminder the domain itself refuses is a defect to see, not a reason to stop.
                workflow.logger.error(
                    "zone reminder refused by the domain",
                    extra={"reminder_id": reminder.reminder_id, "code": refused.code},
                )
                self._refused_reminders.add(reminder.reminder_id)
                return
            correlation_id = f"zone-reminder:{reminder.reminder_id}"
            await self._record(events, correlation_id)
        self._deliver_in_background(self._staff_mail(reminder, events[0], correlation_id))

    def _staff_mail(
        self, reminder: ZoneReportReminder, recorded: ZoneEvent, correlation_id: str
    ) -> OutgoingMail:
        """The mail of a recorded reminder: before the due date, or the escalation after it.

        The templates are written for agreements; for the zone's own report the "agreement" is
        the zone's stream, and there is no participant or BIN to name.
        """
        stream_id = zone_stream_id(self._start.zone_code)
        context = {
            "recipient_name": STAFF_GREETING,
            "agreement_id": stream_id,
            "participant_name": "",
            "bin": "",
            "deadline": "zone_report",
            "related_id": str(reminder.year),
            "due_on": reminder.due_on.isoformat(),
            "days": str(reminder.days),
            "basis": "; ".join(recorded.legal_basis),
        }
        if reminder.kind == "overdue":
            context["event"] = ESCALATION_EVENT
        return OutgoingMail(
            mail_id=f"{stream_id}/{reminder.reminder_id}",
            to=(self._start.staff_email,),
            template="reminder_before" if reminder.kind == "before" else "staff_escalation",
            context=context,
            stream_id=stream_id,
            correlation_id=correlation_id,
        )

    def _deliver_in_background(self, mail: OutgoingMail) -> None:
        """Start delivering ``mail`` and go on: mail never holds up the zone's other work."""
        self._mail_in_flight[mail.mail_id] = mail
        task = asyncio.create_task(self._deliver(mail))
        self._mail_tasks.add(task)  # a reference, so that the task is not collected mid-way
        task.add_done_callback(self._mail_tasks.discard)

    async def _deliver(self, mail: OutgoingMail) -> None:
        try:
            await workflow.execute_activity(
                MAIL_ACTIVITY,
                mail,
                result_type=MailDelivery,
                start_to_close_timeout=MAIL_TIMEOUT,
                heartbeat_timeout=DELIVERY_HEARTBEAT_TIMEOUT,  # a dead worker noticed in seconds
                schedule_to_close_timeout=MAIL_GIVE_UP_AFTER,
                retry_policy=MAIL_RETRY,
            )
        except ActivityError as failed:
            # Given up after MAIL_GIVE_UP_AFTER: the reminder stays recorded as sent by pit.
            workflow.logger.error(
                "staff mail not delivered",
                extra={"mail_id": mail.mail_id, "reason": str(failed.cause or failed)},
            )
        finally:
            self._mail_in_flight.pop(mail.mail_id, None)

    def _reminder_at(self, reminder: ZoneReportReminder) -> datetime:
        send_at = self._zone.report_policy.send_at
        return datetime.combine(reminder.send_on, send_at, tzinfo=ALMATY)

    # --- Helpers -------------------------------------------------------------------------

    def _today(self) -> date:
        return almaty_date(workflow.now())

    def _changed_since(self, version: int) -> Callable[[], bool]:
        fan_out = self._fan_out
        return lambda: (
            self._version != version
            or self._fan_out is not fan_out
            or workflow.info().is_continue_as_new_suggested()
        )

    def _continue_as_new_due(self) -> bool:
        return (
            workflow.info().is_continue_as_new_suggested()
            or self._pages_this_run >= self._start.pages_per_run
        )

    def _carried(self, start: ZoneStart) -> ZoneStart:
        return start.model_copy(
            update={
                "carried": ZoneCarry(
                    state=self._zone,
                    version=self._version,
                    rules_version=self._rules_version,
                    fan_out=self._fan_out,
                    mail_in_flight=tuple(self._mail_in_flight.values()),
                )
            }
        )
