"""Thousands of agreements in flight and their reminders all due at once, through pit's real
stack, against the same system idle, in one run.

Run from the repository root: ``python -m bench.load`` (needs DATABASE_URL; starts its own
Temporal dev server on free loopback ports in a temporary directory, unless TEMPORAL_ADDRESS
is set). It creates a database of its own, migrates it, drops it at the end, and prints one
JSON line with every figure last; progress goes to stderr. Everything listens on 127.0.0.1.

Set-up: `pit worker` runs as a process of its own (as an operator runs it: settings from the
environment, JSON logs at PIT_LOG_LEVEL), mailing to `pit up`'s SMTP catcher, also a process
of its own. The records of ``--agreements`` agreements, made by the real decider and dated the
days before (bench/due_reminders.py: concluded the day before, notices issued, matters open),
are imported into their streams; then one AgreementWorkflow each is started on them, as a
workflow that starts afresh for an agreement does (it folds its log), with a reminder policy
whose time of day is an instant a little later today (``--lead-s``): at that instant
``--reminders-per-agreement`` reminders of every agreement come due (10,000 by default), to
the participants and to staff. Each agreement issues them at its own moment within the
policy's spread after the instant (ReminderPolicy.spread, 100 s; ``--reminder-spread-s``, 0 for
all at the instant itself), as pit does every morning. A few more agreements stay quiet at the
instant: staff act on them. The bench checks, with each workflow's own ``upcoming_reminders``
query, that every agreement awaits exactly its reminders at the instant, and waits for the
worker to go idle.

- reminders_drain_s: from the instant (not from an agreement's moment in the spread) until the
  last of the reminders' mails was received by the catcher (the time its Maildir file was
  written); every reminder's mail id must arrive exactly once (counted by the
  ``X-Pit-Mail-Id`` header of every message received).
- busy_idle_p50_ratio, busy_p99_ms: a staff action's latency (a reviewer's RecordSiteVisit
  update on a quiet agreement, from the moment it was due to its returned state), staff acting
  at a steady two a second in turn over the quiet agreements whether or not earlier actions
  were answered (so a stall counts once for every action it holds up), while the reminders
  drain / the same on the idle system (every agreement open, nothing due) before the
  instant; ``idle_p50_ms``, ``busy_p50_ms``, ``idle_p99_ms``.
- rss_mb_per_1000_open: the worker's resident memory with every agreement's workflow open and
  idle, less its memory before the first agreement, per 1,000 open agreements.
- events_per_s: events appended to the log from the instant to the last reminder's mail, per
  second of it.
- CPU time during the drain, in cores (CPU seconds per second of drain): the worker, the
  Temporal server, PostgreSQL (every ``postgres`` process of the machine), the catcher, this
  bench, and the whole machine (others' work included): where the time went.
"""

from __future__ import annotations

import argparse
import asyncio
import email.parser
import email.policy
import math
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from uuid import NAMESPACE_URL, uuid4, uuid5

import asyncpg
import orjson
from pydantic import ValidationError
from temporalio.client import (
    Client,
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import RPCError

from activities.event_log import to_new_event
from bench.catcher_process import catcher_process
from bench.due_reminders import (
    REVIEWER,
    DueInstant,
    agreement_record,
    due_instant,
    reminders_at,
)
from bench.processes import (
    child_pids,
    cpu_seconds,
    machine_busy_seconds,
    named_pids,
    pit_worker,
    rss_mb,
)
from bench.support import free_port, own_database, percentile
from domain.agreement import AgreementEvent, AgreementState
from domain.agreement.commands import RecordSiteVisit
from domain.agreement.reminders import ReminderPolicy
from domain.agreement.vocabulary import Status
from domain.calendar import ALMATY, almaty_date
from domain.rules import decree_1166_rulebook
from domain.zone import PIT_CODE
from eventstore import PostgresEventStore
from workers.logging import configure_logging
from workers.settings import PitSettings
from workers.temporal_server import temporal
from workflows.agreement import AgreementAction, AgreementStart, AgreementWorkflow, workflow_id
from workflows.correspondence import mail_id
from workflows.zone import ZoneWorkflow
from workflows.zone import workflow_id as zone_workflow_id

AGREEMENTS = 2000
REMINDERS_PER_AGREEMENT = 5
QUIET_AGREEMENTS = 10  # staff act on these, in turn
IDLE_SAMPLES = 120  # staff actions on the idle system, at most (the lead may cut them short)
IMPORT_CONCURRENCY = 8
START_CONCURRENCY = 50
QUERY_CONCURRENCY = 20
DRAIN_TIMEOUT_S = 1800.0
ACTION_TIMEOUT_S = 120.0  # one staff action, however loaded the system
STAFF_EVERY_S = 0.5  # staff act twice a second, on the idle system and during the drain
STAFF_IN_FLIGHT = 200  # staff actions unanswered at once, at most
READY_TIMEOUT_S = 120.0  # the zone workflow established after the worker starts
POLL_S = 0.25
SETTLE_CPU_CORES = 0.15  # the worker counts as idle below this much CPU over a second
MIN_IDLE_S = 10.0  # the idle measurement's least time before the instant
NO_MORE_IDLE_S = 3.0  # idle measurement stops this long before the instant
SETTLE_AFTER_S = 60.0  # at most this long for the worker to go idle after the drain

NOT_ANSWERING = (RPCError, WorkflowQueryFailedError)  # a workflow not started, or not loaded

T = TypeVar("T")


@dataclass(frozen=True)
class Options:
    """How much load to make."""

    agreements: int = AGREEMENTS
    reminders_per_agreement: int = REMINDERS_PER_AGREEMENT
    quiet: int = QUIET_AGREEMENTS
    idle_samples: int = IDLE_SAMPLES
    lead_s: float | None = None  # from the imported records to the instant; None: estimated
    drain_timeout_s: float = DRAIN_TIMEOUT_S
    worker_log_level: str = "INFO"  # `pit worker`'s default
    keep_logs: Path | None = None  # where to copy the worker's, catcher's and server's logs
    reminder_spread_s: float | None = None  # None: the reminder policy's own spread

    @property
    def open_agreements(self) -> int:
        return self.agreements + self.quiet

    @property
    def reminders(self) -> int:
        return self.agreements * self.reminders_per_agreement

    def lead(self) -> float:
        """Seconds from the end of the import to the instant: starting every workflow (three
        workflow tasks and two activities each: 2,010 were started, checked and idle in 78 s
        on 2 cores, with every workflow in the worker's cache), checking it, and the idle
        measurement; about twice what that took."""
        if self.lead_s is not None:
            return self.lead_s
        return 30.0 + 0.08 * self.open_agreements + 1.2 * STAFF_EVERY_S * self.idle_samples


@dataclass(frozen=True)
class Services:
    """Where the agreements live: the bench's database, Temporal and the mail catcher."""

    dsn: str
    temporal_address: str
    namespace: str
    smtp_url: str
    maildir: Path
    home: Path
    catcher_pid: int
    shared_server: bool  # Temporal outlives the bench: terminate its workflows at the end


@dataclass
class Agreement:
    """One agreement of the bench, its state as imported and the mail ids it must send."""

    agreement_id: str
    reminders: int
    state: AgreementState
    mail_ids: set[str] = field(default_factory=set)


@dataclass
class CpuMark:
    """CPU seconds used so far, by process group, at a wall-clock moment."""

    at: float
    used: dict[str, float]


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


async def _bounded(concurrency: int, items: list[T], work: Callable[[T], Awaitable[None]]) -> None:
    gate = asyncio.Semaphore(concurrency)

    async def one(item: T) -> None:
        async with gate:
            await work(item)

    await asyncio.gather(*(one(item) for item in items))


# --- The records and the workflows. ----------------------------------------------------------


def _batches(stream_id: str, decisions: list[list[AgreementEvent]]) -> list[tuple[int, list[Any]]]:
    """Each decision encoded as the workflow appends it, with the version it follows."""
    batches, version = [], 0
    for number, decision in enumerate(decisions, start=1):
        batches.append(
            (
                version,
                [
                    to_new_event(
                        event,
                        event_id=uuid5(NAMESPACE_URL, f"pit-load:{stream_id}/{version + offset}"),
                        correlation_id=f"import:{stream_id}/{number}",
                        workflow_id=stream_id,
                        run_id="imported",
                    )
                    for offset, event in enumerate(decision, start=1)
                ],
            )
        )
        version += len(decision)
    return batches


async def import_records(
    store: PostgresEventStore, run_id: str, options: Options, day: date
) -> list[Agreement]:
    """Make every agreement's record for an instant on ``day`` and append it to its stream."""
    rules = decree_1166_rulebook()
    plan = [
        (f"load-{run_id}-{n:05d}", n, options.reminders_per_agreement)
        for n in range(options.agreements)
    ]
    plan += [(f"quiet-{run_id}-{n:03d}", options.agreements + n, 0) for n in range(options.quiet)]
    agreements: list[Agreement] = []

    async def one(item: tuple[str, int, int]) -> None:
        agreement_id, number, reminders = item
        decisions, state = agreement_record(agreement_id, number, day, reminders, rules)
        stream_id = workflow_id(agreement_id)
        for version, batch in _batches(stream_id, decisions):
            await store.append(stream_id, batch, expected_version=version)
        agreements.append(Agreement(agreement_id, reminders, state))

    await _bounded(IMPORT_CONCURRENCY, plan, one)
    agreements.sort(key=lambda a: a.agreement_id)
    return agreements


def _handle(client: Client, agreement_id: str) -> WorkflowHandle[AgreementWorkflow, AgreementState]:
    return client.get_workflow_handle_for(AgreementWorkflow.run, workflow_id(agreement_id))


async def start_workflows(
    client: Client, queue: str, agreements: list[Agreement], instant: DueInstant
) -> None:
    """Start every agreement's workflow on its imported log, with the instant's policy."""

    async def one(agreement: Agreement) -> None:
        start = AgreementStart(agreement_id=agreement.agreement_id, reminder_policy=instant.policy)
        await client.start_workflow(
            AgreementWorkflow.run, start, id=workflow_id(agreement.agreement_id), task_queue=queue
        )

    await _bounded(START_CONCURRENCY, agreements, one)


async def until_planned(
    client: Client, agreements: list[Agreement], instant: DueInstant, deadline: float
) -> None:
    """Wait until every workflow has folded its log and awaits exactly its reminders at the
    instant (its ``upcoming_reminders`` query; the quiet ones: their state is loaded).

    Raises:
        RuntimeError: one did not by ``deadline`` (monotonic), or awaits other reminders.
    """

    planned = 0

    async def one(agreement: Agreement) -> None:
        nonlocal planned
        handle = _handle(client, agreement.agreement_id)
        while time.monotonic() < deadline:  # bounded by the deadline
            try:
                if agreement.reminders == 0:
                    state = await handle.query(AgreementWorkflow.state)
                    if state.status is not Status.NEW:
                        planned += 1
                        return
                else:
                    upcoming = await handle.query(AgreementWorkflow.upcoming_reminders)
                    at_instant = [r for r in upcoming if r.send_at == instant.at]
                    if len(at_instant) == agreement.reminders:
                        planned += 1
                        return
                    if at_instant:
                        raise RuntimeError(
                            f"{agreement.agreement_id} awaits {len(at_instant)} reminders at the "
                            f"instant, not {agreement.reminders}"
                        )
            except NOT_ANSWERING:
                pass  # its first workflow task is still to come: ask again
            await asyncio.sleep(0.5)
        raise RuntimeError(f"{agreement.agreement_id} did not plan its reminders in time")

    try:
        await _bounded(QUERY_CONCURRENCY, agreements, one)
    finally:
        _progress(f"{planned} of {len(agreements)} workflows planned their reminders")


async def until_zone_ready(client: Client) -> None:
    """Wait until the worker's zone workflow has established the zone and told agreements (none
    yet) of its rules: its work then never meets the bench's.

    Raises:
        RuntimeError: not within READY_TIMEOUT_S.
    """
    handle = client.get_workflow_handle_for(ZoneWorkflow.run, zone_workflow_id(PIT_CODE))
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:  # bounded by the deadline
        try:
            zone = await handle.query(ZoneWorkflow.state)
            fan_out = await handle.query(ZoneWorkflow.fan_out)
            if zone.established and (fan_out is None or fan_out.done):
                return
        except NOT_ANSWERING:
            pass  # not started, or its first workflow task is still to come: ask again
        await asyncio.sleep(0.5)
    raise RuntimeError("the zone's workflow was not established in time")


async def until_settled(pid: int, deadline: float) -> bool:
    """Wait until the worker uses less than SETTLE_CPU_CORES over a second; False if it still
    did at ``deadline`` (monotonic)."""
    while time.monotonic() < deadline:  # bounded by the deadline
        used = cpu_seconds([pid])
        await asyncio.sleep(1.0)
        if cpu_seconds([pid]) - used < SETTLE_CPU_CORES:
            return True
    return False


# --- Staff actions. --------------------------------------------------------------------------


async def staff_action(client: Client, agreement_id: str, visit_id: str) -> tuple[float, bool]:
    """One reviewer's site visit on ``agreement_id``: its round trip in seconds, and whether it
    was answered (False: after that many seconds the client gave up waiting, or the server
    aborted the update)."""
    visit = RecordSiteVisit(
        visit_id=visit_id,
        visited_on=datetime.now(ALMATY).date(),
        findings="equipment in use as declared",
        terms_met=True,
    )
    action = AgreementAction(command=visit, actor=REVIEWER, correlation_id=f"bench-{uuid4()}")
    started = time.perf_counter()
    try:
        await asyncio.wait_for(
            _handle(client, agreement_id).execute_update(AgreementWorkflow.act, action),
            ACTION_TIMEOUT_S,
        )
    except (WorkflowUpdateRPCTimeoutOrCancelledError, TimeoutError, RPCError):
        # Not answered: the client gave up waiting, or the server aborted the update (an
        # overloaded server drops the updates in flight; the client's own retries gave up).
        return time.perf_counter() - started, False
    return time.perf_counter() - started, True


async def staff_actions(
    client: Client, quiet: list[str], phase: str, keep_going: Callable[[int], bool]
) -> list[tuple[float, float, bool]]:
    """Staff act at a steady pace, one action every ``STAFF_EVERY_S`` in turn over the quiet
    agreements, while ``keep_going(n)``, whether or not the earlier ones were answered: a stall
    is felt by every action begun during it (as staff would feel it), not hidden by waiting for
    it before the next. Each as (wall-clock start it was due, seconds from then to its answer,
    answered); at most ``STAFF_IN_FLIGHT`` at once (an action due beyond that waits, and its
    wait counts)."""
    samples: list[tuple[float, float, bool]] = []
    running: set[asyncio.Task[None]] = set()
    began_wall, began = time.time(), time.monotonic()

    async def one(n: int, due: float) -> None:
        agreement_id = quiet[n % len(quiet)]
        _, answered = await staff_action(client, agreement_id, f"visit-{phase}-{n}")
        samples.append((began_wall + (due - began), time.monotonic() - due, answered))

    n = 0
    while keep_going(n):  # bounded by the caller's condition
        due = began + n * STAFF_EVERY_S
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        while len(running) >= STAFF_IN_FLIGHT:  # each ends within ACTION_TIMEOUT_S
            await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
        task = asyncio.create_task(one(n, due))
        running.add(task)
        task.add_done_callback(running.discard)
        n += 1
    if running:
        await asyncio.wait(running)  # each ends within ACTION_TIMEOUT_S
    return sorted(samples)


# --- The drain. ------------------------------------------------------------------------------


class MailWatch:
    """The messages the catcher kept in its Maildir, each read once: how often each mail id
    came (the ``X-Pit-Mail-Id`` header), and when it first came (its file's write time)."""

    def __init__(self, maildir: Path) -> None:
        self._maildir = maildir
        self._parser = email.parser.BytesHeaderParser(policy=email.policy.default)
        self._read: set[str] = set()
        self.counts: Counter[str] = Counter()
        self.first: dict[str, float] = {}

    def poll(self) -> None:
        """Read the messages that came since the last poll."""
        for sub in ("new", "cur"):
            folder = self._maildir / sub
            if not folder.exists():
                continue
            for entry in os.scandir(folder):
                if entry.name in self._read:
                    continue
                with open(entry.path, "rb") as message:
                    headers = self._parser.parse(message)
                # A long id is folded (and encoded): decoded, ids have no spaces: drop any left.
                mail = "".join(str(headers.get("X-Pit-Mail-Id", "")).split())
                self._read.add(entry.name)
                self.counts[mail] += 1
                written = entry.stat().st_mtime
                self.first[mail] = min(written, self.first.get(mail, written))


async def until_received(watch: MailWatch, expected: set[str], deadline: float) -> float:
    """Wait until every mail id of ``expected`` came or the deadline (wall clock) passes;
    return when it stopped waiting."""
    for _ in range(math.ceil(max(0.0, deadline - time.time()) / POLL_S) + 1):
        watch.poll()
        if expected <= watch.counts.keys() or time.time() >= deadline:
            break
        await asyncio.sleep(POLL_S)
    return time.time()


def cpu_mark(services: Services, worker_pid: int) -> CpuMark:
    """CPU seconds used so far by each process group, now."""
    server = [] if services.shared_server else child_pids(os.getpid())
    server = [p for p in server if p not in (services.catcher_pid, worker_pid)]
    machine, _ = machine_busy_seconds()
    return CpuMark(
        at=time.time(),
        used={
            "worker": cpu_seconds([worker_pid]),
            "temporal": cpu_seconds(server),
            "postgres": cpu_seconds(named_pids("postgres")),
            "catcher": cpu_seconds([services.catcher_pid]),
            "bench": time.process_time(),
            "machine_busy": machine,
        },
    )


def cpu_used(before: CpuMark, after: CpuMark, reminders: int) -> dict[str, float]:
    """By process group, between two marks: CPU seconds per second of wall time (cores), and
    CPU milliseconds per reminder (steadier than the rates when others share the machine)."""
    wall = max(after.at - before.at, 1e-9)
    figures = {}
    for name in before.used:
        used = after.used[name] - before.used[name]
        figures[f"{name}_cpu_cores"] = round(used / wall, 2)
        figures[f"{name}_cpu_ms_per_reminder"] = round(1000 * used / reminders, 1)
    return figures


async def _events_between(dsn: str, start: datetime, end: datetime) -> tuple[int, float | None]:
    """Events recorded between two instants, and when the last ReminderSent was recorded
    (seconds after ``start``)."""
    connection = await asyncpg.connect(dsn)
    try:
        count: int = await connection.fetchval(
            "SELECT count(*) FROM events WHERE recorded_at >= $1 AND recorded_at <= $2", start, end
        )
        last: datetime | None = await connection.fetchval(
            "SELECT max(recorded_at) FROM events WHERE type = 'ReminderSent'"
        )
    finally:
        await connection.close()
    return count, (last - start).total_seconds() if last is not None else None


async def _log_size(dsn: str) -> tuple[int, int, int]:
    """Events, bytes of the events table (with TOAST and indexes), mail deliveries recorded."""
    connection = await asyncpg.connect(dsn)
    try:
        events: int = await connection.fetchval("SELECT count(*) FROM events")
        size: int = await connection.fetchval("SELECT pg_total_relation_size('events')")
        mails: int = await connection.fetchval("SELECT count(*) FROM mail_deliveries")
    finally:
        await connection.close()
    return events, size, mails


# --- The whole measurement. ------------------------------------------------------------------


def _worker_settings(services: Services, queue: str, options: Options) -> dict[str, str]:
    return {
        "DATABASE_URL": services.dsn,
        "TEMPORAL_ADDRESS": services.temporal_address,
        "TEMPORAL_NAMESPACE": services.namespace,
        "SMTP_URL": services.smtp_url,
        "PIT_TASK_QUEUE": queue,
        "PIT_METRICS_ADDRESS": "",  # no metrics port: nothing but loopback clients
        "PIT_LOG_LEVEL": options.worker_log_level,
    }


async def measure(options: Options, services: Services) -> dict[str, Any]:
    """Set up the agreements, measure idle, then the drain, against ``services``."""
    run_id = secrets.token_hex(4)
    queue = f"bench-load-{run_id}"
    client = await Client.connect(
        services.temporal_address,
        namespace=services.namespace,
        data_converter=pydantic_data_converter,
    )
    figures: dict[str, Any] = {}
    with pit_worker(_worker_settings(services, queue, options), services.home) as worker:
        await until_zone_ready(client)
        rss_before = rss_mb(worker.pid)
        events_before, bytes_before, _ = await _log_size(services.dsn)

        # The records, dated the days before the instant's day (estimated from the lead).
        day = almaty_date(datetime.now(UTC) + timedelta(seconds=options.lead()))
        store = await PostgresEventStore.open(services.dsn, notify=False)
        try:
            started = time.monotonic()
            agreements = await import_records(store, run_id, options, day)
            _progress(f"imported {len(agreements)} records in {time.monotonic() - started:.1f} s")
        finally:
            await store.close()
        events_imported, bytes_imported, _ = await _log_size(services.dsn)

        at = (datetime.now(UTC) + timedelta(seconds=options.lead())).replace(microsecond=0)
        if almaty_date(at) != day:
            raise RuntimeError("the instant fell on the next day in Almaty: run the bench again")
        spread = (
            None
            if options.reminder_spread_s is None
            else timedelta(seconds=options.reminder_spread_s)
        )
        instant = due_instant(at, decree_1166_rulebook(), spread)
        since = datetime.now(UTC)
        for agreement in agreements:
            due = reminders_at(agreement.state, instant, since)
            if len(due) != agreement.reminders:
                raise RuntimeError(f"{agreement.agreement_id}: {len(due)} reminders at the instant")
            agreement.mail_ids = {mail_id(agreement.agreement_id, r.reminder_id) for r in due}
        expected = set().union(*(a.mail_ids for a in agreements))
        if len(expected) != options.reminders:
            raise RuntimeError(f"{len(expected)} distinct reminders, not {options.reminders}")
        _progress(f"the instant: {at.astimezone(ALMATY).isoformat()} ({options.lead():.0f} s on)")

        deadline = time.monotonic() + (at - datetime.now(UTC)).total_seconds() - MIN_IDLE_S
        started = time.monotonic()
        await start_workflows(client, queue, agreements, instant)
        started_s = time.monotonic() - started
        await until_planned(client, agreements, instant, deadline)
        settled = await until_settled(worker.pid, deadline)
        setup_s = time.monotonic() - started
        if time.monotonic() >= deadline:
            raise RuntimeError(
                f"setting up took {setup_s:.0f} s, too close to the instant: give --lead-s more "
                f"than {options.lead():.0f}"
            )
        rss_open = rss_mb(worker.pid)
        _progress(
            f"{options.open_agreements} workflows started in {started_s:.1f} s, planned and "
            f"{'idle' if settled else 'NOT idle'} after {setup_s:.1f} s; worker RSS "
            f"{rss_before:.0f} -> {rss_open:.0f} MB"
        )

        quiet = [a.agreement_id for a in agreements if a.reminders == 0]
        idle_until = at.timestamp() - NO_MORE_IDLE_S
        idle = await staff_actions(
            client,
            quiet,
            "idle",
            lambda n: n < options.idle_samples and time.time() < idle_until,
        )
        idle_ms = sorted(took * 1000 for _, took, _ in idle)
        _progress(f"idle: {len(idle)} staff actions, p50 {statistics.median(idle_ms):.1f} ms")

        await asyncio.sleep(max(0.0, at.timestamp() - time.time()))
        _progress(f"the instant: {options.reminders} reminders due; draining")
        before = cpu_mark(services, worker.pid)
        watch = MailWatch(services.maildir)
        drained = asyncio.ensure_future(
            until_received(watch, expected, at.timestamp() + options.drain_timeout_s)
        )
        busy = await staff_actions(client, quiet, "busy", lambda n: not drained.done())
        stopped = await drained
        after = cpu_mark(services, worker.pid)
        peak_rss = rss_mb(worker.pid, "VmHWM")
        # Copies come from retried deliveries: let the worker finish them before counting.
        await until_settled(worker.pid, time.monotonic() + SETTLE_AFTER_S)
        watch.poll()

    counts, first = watch.counts, watch.first
    delivered = {m for m in expected if counts[m] > 0}
    missing = sorted(expected - delivered)
    if missing:
        _progress(
            f"{len(missing)} of {len(expected)} reminders were not received within "
            f"{stopped - at.timestamp():.0f} s of the instant, e.g. {missing[:3]}"
        )
    if not delivered:
        raise RuntimeError("no reminder was received")
    duplicates = sum(max(counts[m] - 1, 0) for m in expected)
    arrivals = sorted(first[m] - at.timestamp() for m in delivered)
    drain_s = arrivals[-1]  # to the last received; the drain is only over if none is missing
    drain_end = at + timedelta(seconds=drain_s)
    # Actions begun during the drain; one the client gave up on counts with its wait (a bound).
    in_drain = [b for b in busy if b[0] <= drain_end.timestamp()] or busy
    busy_ms = sorted(took * 1000 for _, took, _ in in_drain)
    events_in_drain, recorded_s = await _events_between(services.dsn, at, drain_end)
    events_end, _, mails = await _log_size(services.dsn)
    idle_p50, busy_p50 = statistics.median(idle_ms), statistics.median(busy_ms)
    figures.update(
        {
            "reminders_drain_s": None if missing else round(drain_s, 2),
            "reminders_missing": len(missing),
            "reminders_last_received_s": round(drain_s, 2),
            "busy_idle_p50_ratio": round(busy_p50 / idle_p50, 2),
            "busy_p99_ms": round(percentile(busy_ms, 0.99), 1),
            "rss_mb_per_1000_open": round(
                (rss_open - rss_before) / options.open_agreements * 1000, 1
            ),
            "events_per_s": round(events_in_drain / drain_s, 1),
            "idle_p50_ms": round(idle_p50, 1),
            "idle_p99_ms": round(percentile(idle_ms, 0.99), 1),
            "busy_p50_ms": round(busy_p50, 1),
            "idle_samples": len(idle_ms),
            "busy_samples": len(busy_ms),
            "busy_unanswered": sum(1 for _, _, answered in in_drain if not answered),
            "idle_unanswered": sum(1 for _, _, answered in idle if not answered),
            "reminders_due": len(expected),
            "reminders_sent": len(delivered),
            "reminder_copies": duplicates,
            "mails_received": sum(counts.values()),
            "mail_deliveries_recorded": mails,
            "reminder_spread_s": instant.policy.spread.total_seconds(),
            "reminders_first_s": round(arrivals[0], 2),
            "reminders_p50_s": round(statistics.median(arrivals), 2),
            "reminders_recorded_s": round(recorded_s, 2) if recorded_s is not None else None,
            "reminders_per_s": round(len(delivered) / drain_s, 1),
            "agreements": options.agreements,
            "reminders_per_agreement": options.reminders_per_agreement,
            "open_agreements": options.open_agreements,
            "events_per_agreement": round(
                (events_imported - events_before) / options.open_agreements, 1
            ),
            "storage_bytes_per_agreement": round(
                (bytes_imported - bytes_before) / options.open_agreements
            ),
            "events_appended_in_drain": events_in_drain,
            "events_total": events_end,
            "rss_baseline_mb": round(rss_before, 1),
            "rss_open_mb": round(rss_open, 1),
            "rss_peak_mb": round(peak_rss, 1),
            "setup_s": round(setup_s, 1),
            "worker_log_level": options.worker_log_level,
            **cpu_used(before, after, len(expected)),
            "machine_cores": machine_busy_seconds()[1],
        }
    )
    if services.shared_server:
        await _terminate(client, [a.agreement_id for a in agreements])
    return figures


async def _terminate(client: Client, agreement_ids: list[str]) -> None:
    async def one(agreement_id: str) -> None:
        await _handle(client, agreement_id).terminate(reason="bench finished")

    await _bounded(START_CONCURRENCY, agreement_ids, one)


def _keep_logs(home: Path, to: Path) -> None:
    to.mkdir(parents=True, exist_ok=True)
    for log in home.glob("*.log"):
        shutil.copy(log, to / log.name)


def _temporal_bytes(home: Path) -> int:
    return sum(f.stat().st_size for f in home.glob("temporal.sqlite*"))


async def _in_own_database(options: Options, admin_dsn: str, services: Services) -> dict[str, Any]:
    async with own_database(admin_dsn) as dsn:
        return await measure(options, replace(services, dsn=dsn))


async def run(
    options: Options,
    admin_dsn: str,
    temporal_address: str | None,
    namespace: str = "default",
) -> dict[str, Any]:
    """The whole bench: its own database, Temporal (``temporal_address``, else a dev server of
    its own on free loopback ports), the mail catcher and `pit worker` as processes of their
    own, all in a temporary directory; the figures.

    Raises:
        RuntimeError: a service did not start, the set-up did not make the instant, or no
            reminder at all was received. Reminders not received within the drain's timeout
            are counted (``reminders_missing``; ``reminders_drain_s`` is then null).
    """
    wall = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="pit-load-") as home,
        temporal(temporal_address, Path(home), free_port(), free_port()) as server,
        catcher_process(Path(home)) as catcher,
    ):
        services = Services(
            dsn="",  # the bench's own database, made next
            temporal_address=server.address,
            namespace=namespace,
            smtp_url=catcher.url,
            maildir=catcher.maildir,
            home=Path(home),
            catcher_pid=catcher.pid,
            shared_server=temporal_address is not None,
        )
        try:
            figures = await _in_own_database(options, admin_dsn, services)
        finally:
            if options.keep_logs is not None:
                _keep_logs(Path(home), options.keep_logs)
        if temporal_address is None:
            figures["temporal_bytes_per_agreement"] = round(
                _temporal_bytes(Path(home)) / options.open_agreements
            )
    figures["bench_wall_s"] = round(time.monotonic() - wall, 1)
    return figures


def _options(argv: list[str]) -> Options:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--agreements", type=int, default=AGREEMENTS)
    parser.add_argument(
        "--reminders-per-agreement",
        type=int,
        default=REMINDERS_PER_AGREEMENT,
        help="1 to 5 (bench/due_reminders.py)",
    )
    parser.add_argument(
        "--quiet", type=int, default=QUIET_AGREEMENTS, help="agreements staff act on"
    )
    parser.add_argument("--idle-samples", type=int, default=IDLE_SAMPLES)
    parser.add_argument("--lead-s", type=float, default=None, help="import to instant, seconds")
    parser.add_argument("--drain-timeout-s", type=float, default=DRAIN_TIMEOUT_S)
    parser.add_argument("--worker-log-level", default="INFO")
    parser.add_argument("--keep-logs", type=Path, default=None, help="copy the logs here")
    parser.add_argument(
        "--reminder-spread-s",
        type=float,
        default=None,
        help="spread the instant's reminders over this many seconds (default: the policy's)",
    )
    args = parser.parse_args(argv)
    for name in ("agreements", "quiet", "idle_samples"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if not 1 <= args.reminders_per_agreement <= 5:
        parser.error("--reminders-per-agreement must be 1 to 5")
    if args.reminder_spread_s is not None:
        try:  # the policy's own bounds
            ReminderPolicy(spread=timedelta(seconds=args.reminder_spread_s))
        except ValidationError as refused:
            parser.error(f"--reminder-spread-s: {refused.errors()[0]['msg']}")
    return Options(
        agreements=args.agreements,
        reminders_per_agreement=args.reminders_per_agreement,
        quiet=args.quiet,
        idle_samples=args.idle_samples,
        lead_s=args.lead_s,
        drain_timeout_s=args.drain_timeout_s,
        worker_log_level=args.worker_log_level,
        keep_logs=args.keep_logs,
        reminder_spread_s=args.reminder_spread_s,
    )


def main(argv: list[str]) -> None:
    """Parse the arguments, run the bench, print its figures as the last line of stdout.

    Raises:
        MissingSettings: DATABASE_URL is not set.
    """
    options = _options(argv)
    settings = PitSettings()
    configure_logging(settings.log_format, "WARNING")
    (admin_dsn,) = settings.require("database_url")
    figures = asyncio.run(
        run(options, admin_dsn, settings.temporal_address, settings.temporal_namespace)
    )
    print(orjson.dumps(figures).decode(), flush=True)
    if figures["reminders_missing"]:
        sys.exit(1)  # printed all the same: what did arrive, and how fast, is worth reading


if __name__ == "__main__":
    main(sys.argv[1:])
