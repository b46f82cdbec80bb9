"""SMTP unreachable for a stretch of simulated days: reminders queue, and all go out once it
returns, once each; the agreements go on meanwhile and end where they would have without it.

On Temporal's time-skipping server, on real Almaty dates: the mail server goes down at the end
of Friday 19 March 2027, the last working day before Nauryz (Saturday 20 to Wednesday 24
March are all days off in Kazakhstan: the weekend, 21-23 March, and 24 March for the holiday
that fell on Sunday), and comes back at 09:30 on Thursday 25 March, the first working day.
While it is down every connection to its port is refused (the port is held bound, not
listening, so nothing else takes it), and every delivery fails and is retried by MAIL_RETRY
(10 s doubling to 1 h: each attempt is a real activity run, the waits between are skipped).

Five agreements go through it:

- A, B, C, concluded and registered in December 2026: their 2026 annual report is due on
  31 March 2027, so each is reminded 7 days before, on 24 March (a day off) at 09:00. A files
  its report during the outage, after that reminder was recorded.
- D, applied on Friday 12 March: the Law's 10 calendar days end on Monday 22 March, a
  holiday; staff are reminded on Saturday 20 March. The approver decides on 22 March (the
  signing term, 10 working days, then skips Nauryz: 7 April) and both parties sign on 23
  March: concluded on a holiday, with its two notices to the authorities mailed at once.
- E, applied on Saturday 13 March: reminded on 21 March, nobody decides over the holidays,
  so the term runs out at midnight after 23 March and staff get an escalation.

D's notices stay open until the authorities acknowledge them (on 25 March), so staff are
reminded of both on 24 March too. That is eight reminders and two notices due while SMTP is
down; the agreements' mail before it and after it (up to 30 March) goes out on its day.

Each agreement has a control twin, driven by the same actions at the same instants on another
worker whose SMTP server never fails: the twin is where the agreement would have been without
the fault.

The invariants of the fault tests: no event lost or doubled (versions 1..n, no event id
twice, each reminder and notice once), every chain verifies, every history replays, each
agreement is its twin (log and state), and every mail the logs record was delivered exactly
once (one copy per mail id in the catcher's Maildir, under its Message-ID, matching its row in
mail_deliveries), the queued ones after the outage and none during it.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from time import time as wall_clock
from uuid import uuid4

import pytest
from temporalio.testing import WorkflowEnvironment

from activities.mail import MailActivities, SmtpSettings, message_id_for
from domain.actors import Actor
from domain.agreement import AgreementCommand, AgreementState, Status, fold
from domain.agreement.commands import (
    AcceptAnnualReport,
    ApproveConclusion,
    RecommendConclusion,
    RecordAuthorityNotified,
    RecordRegisterEntry,
    SignAsParticipant,
    SignForManagementCompany,
    SubmitAnnualReport,
    SubmitApplication,
)
from domain.agreement.events import AuthorityNoticeIssued, ReminderSent
from domain.agreement.reminders import ReminderPolicy
from domain.agreement.vocabulary import Authority, DeadlineKind, ReminderStage, ReportStatus
from domain.calendar import ALMATY, almaty_date, is_working_day
from eventstore import PostgresEventStore, RecordedEvent
from tests.domain.agreement.agreement_scenarios import (
    ADMIN,
    APPROVER,
    PARTICIPANT,
    REVIEWER,
    form,
    obligations,
)
from tests.faults.agreement_checks import (
    assert_histories_replay,
    decode,
    mail_ids,
    until_mailed,
)
from tests.faults.mailed_copies import Copy, copies, deliveries
from tests.time_skipping import at, sleep_until
from tests.workflows.test_agreement_life import Agreement, reminders
from workers.agreement_worker import agreement_worker
from workers.mail_catcher import LOOPBACK, mail_catcher
from workflows.agreement import MAIL_RETRY, AgreementStart, AgreementWorkflow, workflow_id

pytestmark = pytest.mark.timeout(180)

SEED = "smtp-outage"  # what the shared checks name in their messages
DECEMBER = date(2026, 12, 21)  # a Monday: A, B and C apply, are concluded, notified
REGISTERED = date(2026, 12, 24)  # a Thursday
D_APPLIES = date(2027, 3, 12)  # a Friday
E_APPLIES = date(2027, 3, 13)  # a Saturday
OUTAGE_FROM = at(date(2027, 3, 19), 18)  # Friday evening, before the Nauryz days off
# The twins are compared instant by instant: their reminders go out at the policy's time itself,
# not each at its own moment in the spread (an agreement's, from its id: test_reminder_spread).
SAME_MOMENT = ReminderPolicy(spread=timedelta(0))
OUTAGE_UNTIL = datetime.combine(date(2027, 3, 25), time(9, 30), tzinfo=ALMATY)  # it returns
RETRIED_BY = at(date(2027, 3, 25), 12)  # over MAIL_RETRY's longest wait after it returned
LAST_DAY = at(date(2027, 3, 30), 12)  # the 1-day reminders of 30 March, mailed at once
MAIL_POLLS = 100  # x POLL_S: for copies the catcher is still writing


# --- the SMTP server that fails ------------------------------------------------------------


class FailingSmtp:
    """A mail catcher on a fixed 127.0.0.1 port that can go down and come back.

    Down, the port is held by a socket bound without listening: the kernel answers every
    connection with a reset (ECONNREFUSED, as from a host whose mail server stopped), and no
    other process can take the port before the catcher comes back on it.
    """

    def __init__(self, home: Path) -> None:
        self._home = home
        self._running = contextlib.ExitStack()
        self._held: socket.socket | None = None
        catcher = self._running.enter_context(mail_catcher(home, 0))
        self.url, self.maildir = catcher.url, catcher.maildir
        self.port = SmtpSettings.from_url(catcher.url).port

    def stop(self) -> None:
        self._running.close()
        held = socket.socket()
        held.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # past TIME_WAIT
        held.bind((LOOPBACK, self.port))
        self._held = held

    def start(self) -> None:
        assert self._held is not None
        self._held.close()
        self._held = None
        self._running.enter_context(mail_catcher(self._home, self.port))

    def close(self) -> None:
        self._running.close()
        if self._held is not None:
            self._held.close()

    def refuses(self) -> bool:
        try:
            with socket.create_connection((LOOPBACK, self.port), timeout=2):
                return False
        except ConnectionRefusedError:
            return True


@contextlib.contextmanager
def failing_smtp(home: Path) -> Iterator[FailingSmtp]:
    smtp = FailingSmtp(home)
    try:
        yield smtp
    finally:
        smtp.close()


# --- agreements and their twins ----------------------------------------------------------


@dataclass(frozen=True)
class Twins:
    """One agreement on the failing SMTP server, and its control on one that never fails."""

    faulty: Agreement
    control: Agreement

    async def act(
        self, command: AgreementCommand | Callable[[str], AgreementCommand], actor: Actor
    ) -> AgreementState:
        """The same action on both, at the same instant; the faulty agreement's new state."""
        states = []
        for agreement in (self.faulty, self.control):
            made = command(agreement.id) if callable(command) else command
            states.append(await agreement.act(made, actor))
        assert states[0].status is states[1].status
        return states[0]


async def started(
    env: WorkflowEnvironment, faulty_queue: str, control_queue: str, label: str
) -> Twins:
    pair = []
    for queue in (faulty_queue, control_queue):
        agreement_id = f"{label}-{uuid4().hex}"  # as long as the API's
        await env.client.start_workflow(
            AgreementWorkflow.run,
            AgreementStart(agreement_id=agreement_id, reminder_policy=SAME_MOMENT),
            id=workflow_id(agreement_id),
            task_queue=queue,
        )
        pair.append(Agreement(env.client, agreement_id))
    return Twins(*pair)


def application(day: date) -> Callable[[str], SubmitApplication]:
    years = range(day.year, 2028)  # to the zone's end, 1 January 2028
    filed = form(requested_start=day, planned_obligations=tuple(obligations(y) for y in years))
    return lambda agreement_id: SubmitApplication(agreement_id=agreement_id, form=filed)


async def conclude(twins: Twins, number: str) -> None:
    """December 2026: applied, reviewed, approved (four-eyes), signed by both parties."""
    await twins.act(application(DECEMBER), PARTICIPANT)
    await twins.act(RecommendConclusion(note="fits the ICT priority"), REVIEWER)
    await twins.act(ApproveConclusion(agreement_number=number), APPROVER)
    await twins.act(SignAsParticipant(), PARTICIPANT)
    concluded = await twins.act(SignForManagementCompany(), APPROVER)
    assert concluded.status is Status.ACTIVE


# --- what the logs and the mail show -----------------------------------------------------


def reminded(events: list[RecordedEvent]) -> list[tuple[DeadlineKind, ReminderStage, date]]:
    return [(r.deadline_kind, r.stage, almaty_date(r.occurred_at)) for r in reminders(events)]


def recorded_between(
    events: list[RecordedEvent], start: datetime, end: datetime
) -> list[RecordedEvent]:
    return [e for e in events if start <= e.metadata.occurred_at < end]


SECONDS = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d):\d\d(\.\d+)?")


def as_twin(text: str, faulty: Agreement, control: Agreement) -> str:
    """A JSON text of the faulty agreement's as its twin's would read: its id, and every
    instant to the minute (the twins' actions are taken one after the other)."""
    return SECONDS.sub(r"\1", text.replace(faulty.id, control.id))


def minute(instant: datetime) -> datetime:
    """An instant to the minute: the twins' actions are taken one after the other."""
    return instant.replace(second=0, microsecond=0)


def assert_twin(
    faulty: Agreement,
    control: Agreement,
    logs: dict[str, list[RecordedEvent]],
    states: dict[str, AgreementState],
) -> None:
    """The faulty agreement's log and state are its control twin's (ids aside)."""
    mine, twin = logs[faulty.id], logs[control.id]
    assert [(e.type, minute(e.metadata.occurred_at)) for e in mine] == [
        (e.type, minute(e.metadata.occurred_at)) for e in twin
    ], faulty.id
    assert [as_twin(json.dumps(e.data, sort_keys=True), faulty, control) for e in mine] == [
        as_twin(json.dumps(e.data, sort_keys=True), control, control) for e in twin
    ], faulty.id
    mine_now, twin_now = states[faulty.id], states[control.id]
    assert AgreementState.model_validate_json(
        as_twin(mine_now.model_dump_json(), faulty, control)
    ) == AgreementState.model_validate_json(
        as_twin(twin_now.model_dump_json(), control, control)
    ), faulty.id


def assert_log_whole(events: list[RecordedEvent], state: AgreementState, where: str) -> None:
    """Versions 1..n, each reminder and notice once, and the workflow's state is the fold."""
    assert [e.stream_version for e in events] == list(range(1, len(events) + 1)), where
    decoded = [decode(e) for e in events]
    reminder_ids = [e.reminder_id for e in decoded if isinstance(e, ReminderSent)]
    assert len(reminder_ids) == len(set(reminder_ids)), where
    notices = [(e.authority, e.of) for e in decoded if isinstance(e, AuthorityNoticeIssued)]
    assert len(notices) == len(set(notices)), where
    assert fold(decoded) == state, where


def assert_each_mailed_once(maildir: Path, expected: set[str], where: str) -> dict[str, Copy]:
    """One copy of every expected mail in the Maildir, under its own Message-ID; no other."""
    caught = copies(maildir)
    doubled = {m: n for m, n in Counter(c.mail_id for c in caught).items() if n > 1}
    assert not doubled, (where, doubled)
    by_id = {c.mail_id: c for c in caught}
    assert set(by_id) == expected, (where, set(by_id) ^ expected)
    for mail_id, copy in by_id.items():
        assert copy.message_id == message_id_for(mail_id), (where, mail_id)
    return by_id


async def pending_deliveries(agreement: Agreement) -> list[tuple[int, str]]:
    """The agreement's mail deliveries Temporal is retrying: attempt and last failure."""
    description = await agreement.handle.describe()
    return [
        (pending.attempt, pending.last_failure.message)
        for pending in description.raw_description.pending_activities
        if pending.activity_type.name in {"deliver_mail", "deliver_mails"}
    ]


# --- the test ----------------------------------------------------------------------------


async def test_reminders_queue_through_an_smtp_outage_over_nauryz_and_all_go_out_once(
    time_skipping: WorkflowEnvironment,
    fresh_store: PostgresEventStore,
    fresh_dsn: str,
    tmp_path: Path,
) -> None:
    env = time_skipping
    faulty_queue, control_queue = f"faulty-{uuid4()}", f"control-{uuid4()}"
    sender = "pit@sez-pit.localhost"
    async with contextlib.AsyncExitStack() as stack:
        smtp = stack.enter_context(failing_smtp(tmp_path / "failing"))
        steady = stack.enter_context(mail_catcher(tmp_path / "steady", 0))
        faulty_mail = await MailActivities.open(fresh_dsn, SmtpSettings.from_url(smtp.url), sender)
        stack.push_async_callback(faulty_mail.close)
        control_mail = await MailActivities.open(
            fresh_dsn, SmtpSettings.from_url(steady.url), sender
        )
        stack.push_async_callback(control_mail.close)
        await stack.enter_async_context(
            agreement_worker(env.client, fresh_store, faulty_queue, mail=faulty_mail)
        )
        await stack.enter_async_context(
            agreement_worker(env.client, fresh_store, control_queue, mail=control_mail)
        )

        # December 2026: A, B and C concluded, the authorities notified, the register entered.
        await sleep_until(env, at(DECEMBER))
        registered: list[Twins] = []
        for label in ("a", "b", "c"):
            twins = await started(env, faulty_queue, control_queue, label)
            await conclude(twins, f"PIT-2026-0{len(registered) + 40}")
            registered.append(twins)
        await sleep_until(env, at(DECEMBER, 11))
        for twins in registered:
            for authority in Authority:
                await twins.act(
                    RecordAuthorityNotified(authority=authority, reference=f"ack-{authority}"),
                    ADMIN,
                )
        await sleep_until(env, at(REGISTERED, 11))
        for number, twins in enumerate(registered, start=140):
            await twins.act(
                RecordRegisterEntry(register_number=f"SEZ-PIT-0{number}", entered_on=REGISTERED),
                REVIEWER,
            )
        a, b, c = registered

        # March 2027: D and E apply; both recommended, neither decided before the holidays.
        await sleep_until(env, at(D_APPLIES))
        d = await started(env, faulty_queue, control_queue, "d")
        await d.act(application(D_APPLIES), PARTICIPANT)
        await d.act(RecommendConclusion(note="fits the ICT priority"), REVIEWER)
        await sleep_until(env, at(E_APPLIES))
        e = await started(env, faulty_queue, control_queue, "e")
        await e.act(application(E_APPLIES), PARTICIPANT)
        await sleep_until(env, at(date(2027, 3, 16)))
        await e.act(RecommendConclusion(note="fits the ICT priority"), REVIEWER)
        everyone = (a, b, c, d, e)

        # Friday evening, 19 March: the SMTP server goes down. What went before went out.
        await sleep_until(env, OUTAGE_FROM)
        before = {
            t.faulty.id: await fresh_store.read_stream(workflow_id(t.faulty.id)) for t in everyone
        }
        mailed_before = {m for events in before.values() for m in mail_ids(events)}
        await until_mailed(smtp.maildir, mailed_before, MAIL_POLLS, "smtp outage")
        smtp.stop()
        went_down = wall_clock()
        assert smtp.refuses()

        # Over the holidays the agreements go on: D decided on Nauryz Monday, signed on
        # Tuesday, concluded; A files its report on Wednesday. No action waits for mail.
        await sleep_until(env, at(date(2027, 3, 22), 11))
        approved = await d.act(ApproveConclusion(agreement_number="PIT-2027-007"), APPROVER)
        assert approved.status is Status.AWAITING_SIGNATURES
        assert approved.signing_due is not None
        assert approved.signing_due.on == date(2027, 4, 7)  # 10 working days, Nauryz skipped
        await sleep_until(env, at(date(2027, 3, 23)))
        await d.act(SignAsParticipant(), PARTICIPANT)
        concluded = await d.act(SignForManagementCompany(), APPROVER)
        assert (concluded.status, concluded.concluded_on) == (Status.ACTIVE, date(2027, 3, 23))
        await sleep_until(env, at(date(2027, 3, 24), 12))
        filed = await a.act(
            SubmitAnnualReport(
                report_id="report-2026",
                year=2026,
                actuals=obligations(2026),
                imported_goods_consumed_kzt=Decimal("0.00"),
            ),
            PARTICIPANT,
        )
        assert filed.reports[2026].status is ReportStatus.SUBMITTED

        # Still down on Thursday morning: every mail of the outage is recorded, none
        # delivered, each retried for as long as SMTP has been down.
        await sleep_until(env, OUTAGE_UNTIL)
        assert smtp.refuses()
        during = {
            t.faulty.id: recorded_between(
                await fresh_store.read_stream(workflow_id(t.faulty.id)), OUTAGE_FROM, OUTAGE_UNTIL
            )
            for t in everyone
        }
        queued = {m for events in during.values() for m in mail_ids(events)}
        assert {c.mail_id for c in copies(smtp.maildir)} == mailed_before
        recorded_deliveries = await deliveries(fresh_dsn)
        assert not queued & set(recorded_deliveries)
        assert mailed_before <= set(recorded_deliveries)
        retrying = {t.faulty.id: await pending_deliveries(t.faulty) for t in everyone}
        control_retrying = [await pending_deliveries(t.control) for t in everyone]

        # 09:30, Thursday 25 March: SMTP is back on the same port.
        smtp.start()
        came_back = wall_clock()
        assert not smtp.refuses()
        await sleep_until(env, RETRIED_BY)
        await until_mailed(smtp.maildir, mailed_before | queued, MAIL_POLLS, "smtp outage")
        await a.act(AcceptAnnualReport(report_id="report-2026"), REVIEWER)
        for authority in Authority:  # the authorities answered on the first working day
            await d.act(
                RecordAuthorityNotified(authority=authority, reference=f"ack-{authority}"), ADMIN
            )
        await sleep_until(env, LAST_DAY)

        pairs = [(t.faulty, t.control) for t in everyone]
        agreements = [agreement for pair in pairs for agreement in pair]
        logs = {x.id: await fresh_store.read_stream(workflow_id(x.id)) for x in agreements}
        faulty_mail_ids = {m for f, _ in pairs for m in mail_ids(logs[f.id])}
        control_mail_ids = {m for _, c in pairs for m in mail_ids(logs[c.id])}
        await until_mailed(smtp.maildir, faulty_mail_ids, MAIL_POLLS, "smtp outage")
        await until_mailed(steady.maildir, control_mail_ids, MAIL_POLLS, "smtp outage")
        states = {x.id: await x.handle.query(AgreementWorkflow.state) for x in agreements}
        histories = [await x.handle.fetch_history() for x in agreements]
        still_pending = [await pending_deliveries(x) for x in agreements]

    # The calendar the test stands on.
    assert not any(is_working_day(date(2027, 3, day)) for day in range(20, 25))
    assert is_working_day(date(2027, 3, 19))
    assert is_working_day(date(2027, 3, 25))

    # The outage's mail: eight reminders and D's two notices, recorded on their days.
    a_, b_, c_, d_, e_ = (t.faulty.id for t in everyone)
    assert {x: reminded(events) for x, events in during.items()} == {
        a_: [(DeadlineKind.ANNUAL_REPORT, ReminderStage.BEFORE, date(2027, 3, 24))],
        b_: [(DeadlineKind.ANNUAL_REPORT, ReminderStage.BEFORE, date(2027, 3, 24))],
        c_: [(DeadlineKind.ANNUAL_REPORT, ReminderStage.BEFORE, date(2027, 3, 24))],
        d_: [
            (DeadlineKind.DECISION, ReminderStage.BEFORE, date(2027, 3, 20)),
            # Staff: the notices' acknowledgments, that the authorities send after the holidays.
            (DeadlineKind.AUTHORIZED_BODY_NOTICE, ReminderStage.OVERDUE, date(2027, 3, 24)),
            (DeadlineKind.TAX_AUTHORITY_NOTICE, ReminderStage.BEFORE, date(2027, 3, 24)),
        ],
        e_: [
            (DeadlineKind.DECISION, ReminderStage.BEFORE, date(2027, 3, 21)),
            (DeadlineKind.DECISION, ReminderStage.ESCALATION, date(2027, 3, 24)),
        ],
    }
    assert [event.type for event in during[d_]].count("AuthorityNoticeIssued") == 2
    assert len(queued) == 10

    # Each was being retried while SMTP was down, refused, since the day it was recorded; D's
    # two reminders of 24 March fell due at one instant and are one delivery.
    assert sorted(len(found) for found in retrying.values()) == [1, 1, 1, 2, 4]
    attempts = {x: sorted(n for n, _ in found) for x, found in retrying.items()}
    assert all(n >= 10 for found in attempts.values() for n in found), attempts
    # Refused since Saturday 09:00: backing off to one attempt an hour, over five days.
    assert max(attempts[d_]) > 5 * 24, attempts
    failures = {failure for found in retrying.values() for _, failure in found}
    assert all("SMTPConnectError" in f and "[Errno 111]" in f for f in failures), failures
    assert not any(control_retrying)  # the controls' mail went out on its day
    assert not any(still_pending)  # after it: nothing left to deliver
    assert MAIL_RETRY.maximum_interval is not None
    assert MAIL_RETRY.maximum_interval < RETRIED_BY - OUTAGE_UNTIL

    # Every mail of the faulty agreements once, the queued ones after SMTP came back.
    caught = assert_each_mailed_once(smtp.maildir, faulty_mail_ids, "faulty")
    assert_each_mailed_once(steady.maildir, control_mail_ids, "control")
    assert queued <= faulty_mail_ids
    assert len(faulty_mail_ids) == len(control_mail_ids)
    recorded = await deliveries(fresh_dsn)
    assert set(recorded) == faulty_mail_ids | control_mail_ids
    for mail_id, copy in caught.items():
        delivery = recorded[mail_id]
        assert delivery.message_id == copy.message_id, mail_id
        if mail_id in mailed_before:
            assert delivery.sent_at < went_down, mail_id
        else:  # the queued ones, and those of the days after
            assert delivery.sent_at >= came_back, mail_id

    # The logs: whole, each decision once, chained; the histories replay.
    for x in agreements:
        assert_log_whole(logs[x.id], states[x.id], x.id)
    all_events = [event for events in logs.values() for event in events]
    assert len({event.event_id for event in all_events}) == len(all_events)
    assert (await fresh_store.verify()).ok
    await assert_histories_replay(histories, SEED)

    # Each agreement is where its twin is, and where the script takes it.
    for faulty, control in pairs:
        assert_twin(faulty, control, logs, states)
    assert states[a_].reports[2026].status is ReportStatus.ACCEPTED
    for one in (a_, b_, c_):
        assert states[one].status is Status.ACTIVE
        assert states[one].register_number is not None
    for one in (b_, c_):
        assert states[one].reports[2026].status is ReportStatus.DUE
        assert reminded(logs[one])[-2:] == [
            (DeadlineKind.ANNUAL_REPORT, ReminderStage.BEFORE, date(2027, 3, 24)),
            (DeadlineKind.ANNUAL_REPORT, ReminderStage.BEFORE, date(2027, 3, 30)),
        ]
    assert states[d_].status is Status.ACTIVE
    assert states[d_].concluded_on == date(2027, 3, 23)
    assert states[e_].status is Status.RECOMMENDED
    assert states[e_].decision_overdue
