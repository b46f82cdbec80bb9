"""Agreement lifecycles through pit's real stack, against a bare Temporal baseline, in one run.

Run from the repository root: ``python -m bench.lifecycle`` (needs DATABASE_URL; starts its
own Temporal dev server on free loopback ports in a temporary directory, unless
TEMPORAL_ADDRESS is set). It creates a database of its own, migrates it, drops it at the end,
and prints one JSON line with every figure last; progress goes to stderr.

- lifecycle_throughput_ratio: agreements per second taken from application to concluded and
  registered (submit by update-with-start, then recommend, approve by another person, both
  signatures, register entry: six updates) by AgreementWorkflow, its worker and the
  PostgreSQL event store / the same number of updates (update-with-start first) to a bare
  workflow whose update handler runs one plain activity that only returns. Both run on the
  same server and client, each on its own task queue and worker, at the same bounded
  concurrency; rounds alternate (bare-pit, pit-bare, ...) and the median of the rounds'
  ratios is reported. pit's worker is wired as `pit up` wires it, its mail (the notices of
  conclusion) handed to an SMTP catcher on a free loopback port.
- lifecycle_cpu_ratio: CPU time per lifecycle, pit / bare, of this process (client and both
  workers) and the dev server it started (not PostgreSQL's): steadier than the rates when
  other work shares the machine.
- update_p50_ratio, update_p99_ms: the round trip of one staff action (a reviewer's
  RecordSiteVisit on a registered agreement), client call to returned state, on an idle
  system, sequential, interleaved sample by sample with the bare update on the same server.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    # This module defines the bare workflow, which the sandbox imports again for every run:
    # everything else it needs comes from outside the sandbox, imported once.
    import argparse
    import asyncio
    import os
    import secrets
    import statistics
    import sys
    import tempfile
    import time
    from collections.abc import Awaitable, Callable
    from dataclasses import dataclass, replace
    from datetime import datetime, timedelta
    from pathlib import Path
    from uuid import uuid4

    import asyncpg
    import orjson
    from temporalio import activity
    from temporalio.client import Client, WithStartWorkflowOperation, WorkflowHandle
    from temporalio.common import WorkflowIDConflictPolicy
    from temporalio.contrib.pydantic import pydantic_data_converter
    from temporalio.worker import Worker

    from activities.mail import MailActivities, SmtpSettings
    from bench.long_agreement import APPROVER, PARTICIPANT, REVIEWER
    from bench.long_agreement import _form as application_form
    from bench.processes import cpu_seconds
    from bench.support import free_port, own_database, percentile
    from domain.actors import Actor
    from domain.agreement import AgreementCommand, AgreementState
    from domain.agreement.commands import (
        ApproveConclusion,
        RecommendConclusion,
        RecordRegisterEntry,
        RecordSiteVisit,
        SignAsParticipant,
        SignForManagementCompany,
    )
    from domain.agreement.vocabulary import IN_FORCE
    from domain.calendar import ALMATY
    from eventstore import PostgresEventStore
    from workers.agreement_client import submit_application
    from workers.agreement_worker import agreement_worker
    from workers.logging import configure_logging
    from workers.mail_catcher import mail_catcher
    from workers.settings import PitSettings
    from workers.temporal_server import temporal
    from workflows.agreement import AgreementAction, AgreementWorkflow, workflow_id

AGREEMENTS = 200  # per round, per side
CONCURRENCY = 50  # agreements in flight at once
ROUNDS = 3
SAMPLES = 200  # staff-action round trips, per side
WARMUP = 10  # agreements per side before measuring: sandbox imports, pools, caches
LATENCY_AGREEMENTS = 10  # the samples rotate over this many registered agreements
LIFECYCLE_UPDATES = 6  # submit, recommend, approve, sign, sign, register entry
STEP_TIMEOUT = timedelta(seconds=30)


# --- The bare baseline: one update handler, one plain activity per update, nothing else. ----


@dataclass(frozen=True)
class BareStart:
    """The bare workflow's input."""

    agreement_id: str


@dataclass(frozen=True)
class BareStep:
    """One update to the bare workflow."""

    step: int
    correlation_id: str


@dataclass(frozen=True)
class BareState:
    """What the bare workflow returns from an update."""

    steps: int


@activity.defn(name="bench_bare_step")
async def bare_step(step: BareStep) -> None:
    """Do nothing, and return."""


@workflow.defn(name="BenchBareAgreement")
class BareAgreementWorkflow:
    """Takes updates, each running one activity; stays open like an agreement in force."""

    @workflow.init
    def __init__(self, start: BareStart) -> None:
        self._steps = 0

    @workflow.run
    async def run(self, start: BareStart) -> BareState:
        """Wait for updates until terminated (agreements in force stay open too)."""
        await workflow.wait_condition(lambda: False)
        return BareState(steps=self._steps)  # pragma: no cover - never reached

    @workflow.update
    async def act(self, step: BareStep) -> BareState:
        """Run the step's activity and count it."""
        await workflow.execute_activity(bare_step, step, start_to_close_timeout=STEP_TIMEOUT)
        self._steps += 1
        return BareState(steps=self._steps)


# --- Driving agreements. ---------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    """How much to measure."""

    agreements: int = AGREEMENTS
    concurrency: int = CONCURRENCY
    rounds: int = ROUNDS
    samples: int = SAMPLES
    warmup: int = WARMUP


@dataclass
class Side:
    """One side of the comparison: how to take an agreement through its lifecycle, how to take
    one staff action on it, and every workflow id it started."""

    name: str
    lifecycle: Callable[[str], Awaitable[None]]
    staff_action: Callable[[str, int], Awaitable[None]]
    started: list[str]


def _correlation() -> str:
    return f"bench-{uuid4()}"


def pit_side(client: Client, task_queue: str) -> Side:
    """AgreementWorkflow through its client helpers, as pit's front doors use it."""
    started: list[str] = []

    def handle(agreement_id: str) -> WorkflowHandle[AgreementWorkflow, AgreementState]:
        return client.get_workflow_handle_for(AgreementWorkflow.run, workflow_id(agreement_id))

    async def act(agreement_id: str, command: AgreementCommand, actor: Actor) -> AgreementState:
        action = AgreementAction(command=command, actor=actor, correlation_id=_correlation())
        return await handle(agreement_id).execute_update(AgreementWorkflow.act, action)

    async def lifecycle(agreement_id: str) -> None:
        started.append(workflow_id(agreement_id))
        await submit_application(
            client,
            agreement_id=agreement_id,
            form=application_form(),
            actor=PARTICIPANT,
            correlation_id=_correlation(),
            task_queue=task_queue,
        )
        await act(agreement_id, RecommendConclusion(note="fits the zone"), REVIEWER)
        number = f"PIT-B-{agreement_id[-12:]}"
        await act(agreement_id, ApproveConclusion(agreement_number=number), APPROVER)
        await act(agreement_id, SignAsParticipant(), PARTICIPANT)
        concluded = await act(agreement_id, SignForManagementCompany(), APPROVER)
        if concluded.concluded_on is None:
            raise RuntimeError(f"agreement {agreement_id} was not concluded: {concluded.status}")
        entry = RecordRegisterEntry(register_number=number, entered_on=concluded.concluded_on)
        registered = await act(agreement_id, entry, REVIEWER)
        if registered.status not in IN_FORCE or registered.register_number is None:
            raise RuntimeError(f"agreement {agreement_id} was not registered")

    async def staff_action(agreement_id: str, sample: int) -> None:
        # Today in Almaty by this machine's clock: never after the workflow's now, a moment on.
        visit = RecordSiteVisit(
            visit_id=f"visit-{sample}",
            visited_on=datetime.now(ALMATY).date(),
            findings="equipment in use as declared",
            terms_met=True,
        )
        await act(agreement_id, visit, REVIEWER)

    return Side("pit", lifecycle, staff_action, started)


def bare_side(client: Client, task_queue: str) -> Side:
    """The bare workflow, driven the same way: update-with-start, then plain updates."""
    started: list[str] = []

    def handle(agreement_id: str) -> WorkflowHandle[BareAgreementWorkflow, BareState]:
        return client.get_workflow_handle_for(BareAgreementWorkflow.run, f"bare-{agreement_id}")

    async def lifecycle(agreement_id: str) -> None:
        started.append(f"bare-{agreement_id}")
        start = WithStartWorkflowOperation(
            BareAgreementWorkflow.run,
            BareStart(agreement_id=agreement_id),
            id=f"bare-{agreement_id}",
            task_queue=task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )
        await client.execute_update_with_start_workflow(
            BareAgreementWorkflow.act,
            BareStep(step=1, correlation_id=_correlation()),
            start_workflow_operation=start,
        )
        for step in range(2, LIFECYCLE_UPDATES + 1):
            await handle(agreement_id).execute_update(
                BareAgreementWorkflow.act, BareStep(step=step, correlation_id=_correlation())
            )

    async def staff_action(agreement_id: str, sample: int) -> None:
        await handle(agreement_id).execute_update(
            BareAgreementWorkflow.act, BareStep(step=sample, correlation_id=_correlation())
        )

    return Side("bare", lifecycle, staff_action, started)


async def _lifecycles(side: Side, prefix: str, count: int, concurrency: int) -> float:
    """Take ``count`` agreements through ``side``'s lifecycle; return agreements per second."""
    gate = asyncio.Semaphore(concurrency)

    async def one(n: int) -> None:
        async with gate:
            await side.lifecycle(f"{prefix}-{n:06d}")

    started = time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(count)))
    return count / (time.perf_counter() - started)


async def measure_throughput(
    pit: Side, bare: Side, run_id: str, options: Options
) -> dict[str, float]:
    """Alternating rounds of N lifecycles on each side; the median of the rounds' ratios.

    Each round's CPU time (this process and the Temporal dev server it started) is kept too:
    on a shared machine it varies far less with other load than the rates do.
    """
    rates: dict[str, list[float]] = {"pit": [], "bare": []}
    cpu: dict[str, float] = {"pit": 0.0, "bare": 0.0}
    server = _child_pids()
    for r in range(options.rounds):
        order = (bare, pit) if r % 2 == 0 else (pit, bare)
        for side in order:
            prefix = f"{run_id}-r{r}"
            used = _cpu_seconds(server)
            rate = await _lifecycles(side, prefix, options.agreements, options.concurrency)
            cpu[side.name] += _cpu_seconds(server) - used
            rates[side.name].append(rate)
            _progress(f"round {r + 1}/{options.rounds} {side.name}: {rate:.1f} agreements/s")
    ratio = statistics.median(p / b for p, b in zip(rates["pit"], rates["bare"], strict=True))
    per_agreement = {
        side: 1000 * seconds / (options.agreements * options.rounds)
        for side, seconds in cpu.items()
    }
    return {
        "lifecycle_throughput_ratio": round(ratio, 3),
        "pit_agreements_per_s": round(statistics.median(rates["pit"]), 1),
        "bare_agreements_per_s": round(statistics.median(rates["bare"]), 1),
        "lifecycle_cpu_ratio": round(per_agreement["pit"] / per_agreement["bare"], 3),
        "pit_cpu_ms_per_agreement": round(per_agreement["pit"], 1),
        "bare_cpu_ms_per_agreement": round(per_agreement["bare"], 1),
    }


def _child_pids() -> list[int]:
    """This process's children (the Temporal dev server it started), from /proc; [] without."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):  # bounded: the machine's processes
        try:
            ppid = int(stat.read_text().rpartition(")")[2].split()[1])
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile, or not a process
        if ppid == os.getpid():
            children.append(int(stat.parent.name))
    return children


def _cpu_seconds(pids: list[int]) -> float:
    """CPU seconds used so far by this process (every thread) and by ``pids`` (from /proc)."""
    return time.process_time() + cpu_seconds(pids)


async def measure_staff_action(
    pit: Side, bare: Side, run_id: str, options: Options
) -> dict[str, float]:
    """Sequential staff actions on an idle system, pit and bare interleaved sample by sample."""
    prefix = f"{run_id}-latency"
    for side in (pit, bare):
        await _lifecycles(side, prefix, min(LATENCY_AGREEMENTS, options.samples), 1)
    ids = [f"{prefix}-{n:06d}" for n in range(min(LATENCY_AGREEMENTS, options.samples))]
    timings: dict[str, list[float]] = {"pit": [], "bare": []}
    for sample in range(options.samples):
        agreement_id = ids[sample % len(ids)]
        order = (pit, bare) if sample % 2 == 0 else (bare, pit)
        for side in order:
            started = time.perf_counter()
            await side.staff_action(agreement_id, sample)
            timings[side.name].append(time.perf_counter() - started)
    pit_ms, bare_ms = (sorted(t * 1000 for t in timings[s]) for s in ("pit", "bare"))
    p50_pit, p50_bare = statistics.median(pit_ms), statistics.median(bare_ms)
    return {
        "update_p50_ratio": round(p50_pit / p50_bare, 3),
        "update_p99_ms": round(percentile(pit_ms, 0.99), 2),
        "pit_update_p50_ms": round(p50_pit, 2),
        "bare_update_p50_ms": round(p50_bare, 2),
        "bare_update_p99_ms": round(percentile(bare_ms, 0.99), 2),
        "update_samples": options.samples,
    }


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- Services: the bench's own database and (unless given one) Temporal dev server. ----------


async def _recorded(dsn: str) -> dict[str, float]:
    """What pit wrote: events appended, and mails handed to SMTP (by the end of the run)."""
    connection = await asyncpg.connect(dsn)
    try:
        events: int = await connection.fetchval("SELECT count(*) FROM events")
        mails: int = await connection.fetchval("SELECT count(*) FROM mail_deliveries")
    finally:
        await connection.close()
    return {"events_appended": events, "mails_delivered": mails}


async def _terminate(client: Client, workflow_ids: list[str]) -> None:
    """End the bench's workflows on a server that outlives the bench."""
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(workflow_id: str) -> None:
        async with gate:
            await client.get_workflow_handle(workflow_id).terminate(reason="bench finished")

    await asyncio.gather(*(one(w) for w in workflow_ids))


@dataclass(frozen=True)
class Services:
    """Where the bench's agreements live: its database, Temporal, and the mail catcher."""

    dsn: str
    temporal_address: str
    namespace: str
    smtp_url: str
    mail_from: str
    shared_server: bool  # Temporal outlives the bench: terminate its workflows at the end


async def measure(options: Options, services: Services) -> dict[str, float]:
    """Run both measurements against the migrated database and Temporal of ``services``."""
    run_id = secrets.token_hex(4)
    client = await Client.connect(
        services.temporal_address,
        namespace=services.namespace,
        data_converter=pydantic_data_converter,
    )
    dsn = services.dsn
    # The worker's own settings (workers/main.py), its mail handed to SMTP as `pit up` does.
    store = await PostgresEventStore.open(dsn)
    mail = await MailActivities.open(
        dsn, SmtpSettings.from_url(services.smtp_url), services.mail_from
    )
    pit_queue, bare_queue = f"bench-pit-{run_id}", f"bench-bare-{run_id}"
    pit, bare = pit_side(client, pit_queue), bare_side(client, bare_queue)
    bare_worker = Worker(
        client, task_queue=bare_queue, workflows=[BareAgreementWorkflow], activities=[bare_step]
    )
    try:
        async with agreement_worker(client, store, pit_queue, mail=mail), bare_worker:
            for side in (bare, pit):
                await _lifecycles(side, f"{run_id}-warmup", options.warmup, options.concurrency)
            _progress(f"warmed up; {options.agreements} agreements a round, per side")
            results = await measure_throughput(pit, bare, run_id, options)
            _progress(f"throughput: {results}")
            latency = await measure_staff_action(pit, bare, run_id, options)
            _progress(f"staff action: {latency}")
            results.update(latency)
            if services.shared_server:
                await _terminate(client, pit.started + bare.started)
    finally:
        await mail.close()
        await store.close()
    results["agreements"] = options.agreements
    results["rounds"] = options.rounds
    results["concurrency"] = options.concurrency
    results["updates_per_agreement"] = LIFECYCLE_UPDATES
    results.update(await _recorded(dsn))
    return results


async def _in_own_database(
    options: Options, admin_dsn: str, services: Services
) -> dict[str, float]:
    async with own_database(admin_dsn) as dsn:
        return await measure(options, replace(services, dsn=dsn))


async def run(
    options: Options,
    admin_dsn: str,
    temporal_address: str | None,
    namespace: str = "default",
    mail_from: str = "pit@sez-pit.localhost",
) -> dict[str, float]:
    """The whole bench: its own database, Temporal (``temporal_address``, else a dev server of
    its own on free loopback ports), a mail catcher on a free loopback port (as `pit up` has),
    both in a temporary directory, and both measurements; the figures.

    Raises:
        RuntimeError: the dev server or the catcher did not start, or an agreement missed a step.
    """
    # The dev server starts and stops in a few blocking seconds, before and after the timing.
    with (
        tempfile.TemporaryDirectory(prefix="pit-bench-") as home,
        temporal(temporal_address, Path(home), free_port(), free_port()) as server,
        mail_catcher(Path(home), 0) as catcher,
    ):
        services = Services(
            dsn="",  # the bench's own database, made next
            temporal_address=server.address,
            namespace=namespace,
            smtp_url=catcher.url,
            mail_from=mail_from,
            shared_server=temporal_address is not None,
        )
        return await _in_own_database(options, admin_dsn, services)


def _options(argv: list[str]) -> Options:
    parser = argparse.ArgumentParser(prog="python -m bench.lifecycle", description=__doc__)
    parser.add_argument("--agreements", type=int, default=AGREEMENTS, help="per round, per side")
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--samples", type=int, default=SAMPLES, help="staff actions per side")
    parser.add_argument("--warmup", type=int, default=WARMUP, help="agreements per side")
    args = parser.parse_args(argv)
    for name in ("agreements", "concurrency", "rounds", "samples"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    return Options(args.agreements, args.concurrency, args.rounds, args.samples, args.warmup)


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
        run(
            options,
            admin_dsn,
            settings.temporal_address,
            settings.temporal_namespace,
            settings.mail_from,
        )
    )
    print(orjson.dumps(figures).decode(), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
